"""The conclusion notice (Thông báo kết luận, TB) as text and as a PDF (DESIGN §6).

``draft_body`` writes the first draft from the held session; the organiser edits it before the
notice is issued, and ``rewrite_assignments`` writes its assignment sentences again from the
agencies chosen at issue. Document text is Vietnamese whatever the UI language, and states
dates alone ("chậm nhất ngày 03/7/2018"): how a date was computed is shown on screen only.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from dialogue.documents import DocumentHeader, html_to_pdf, official_date, render_html
from dialogue.workcalendar import get_calendar
from followups import deadlines
from followups.models import ConclusionNotice
from followups.unresolved import petitions_to_assign, proposed_agencies
from petitions.models import Petition
from sessions.documents import bullets, recipient_lines, time_line
from sessions.models import DialogueSession

NOTICE_TEMPLATE = "documents/notice.html"
HEADING = re.compile(r"^[IVX]+\. \S")
#: Stands for the agencies until they are chosen; a notice is never issued with it.
AGENCY_PLACEHOLDER = "(chọn cơ quan)"
#: Calculation text that belongs on screen, never in a signed notice (earlier drafts wrote
#: "(10 ngày làm việc sau … → 03/07/2018)" and "(mặc định khi …)").
CALCULATION_TRACES = ("→", "mặc định khi")
#: One assignment sentence, as the draft writes it, and as earlier drafts wrote it (after
#: "— ", with the calculation in brackets).
ASSIGNMENT_SENTENCE = re.compile(
    r"(?:— )?Giao (?P<agencies>.+?) xem xét, giải quyết, trả lời công dân "
    r"(?:chậm nhất|trước) ngày \d{1,2}/\d{1,2}/\d{4}(?: \([^()]*\))?\."
)
SENTENCE_START = re.compile(r"(?:— )?Giao ")
ITEM = re.compile(r"^(?P<number>\d+)\. ")


def _chair(session: DialogueSession) -> str:
    """Title before name, as a sentence says it ("Chủ tịch UBND xã Lò Văn Thanh")."""
    return " ".join(part for part in (session.chair_title, session.chair_name) if part)


def draft_body(session: DialogueSession, *, notice_on: date) -> str:
    """The first draft: what was discussed, answered on the spot, and who answers the rest by
    when (counted as if the notice were issued on `notice_on`)."""
    deadline = deadlines.response_deadline(session, notice_on=notice_on, calendar=get_calendar())
    when = time_line(session.started_at or session.starts_at, session.ended_at or session.ends_at)
    parts = [f"Vào lúc {when}, tại {session.venue}, {_chair(session)} đã chủ trì {session.title}."]
    if session.attending_count:
        parts.append(f"Tham dự hội nghị có {session.attending_count} đại biểu và công dân.")
    topics = bullets(session.topics)
    if topics:
        parts.append("I. NỘI DUNG ĐÃ TRAO ĐỔI, ĐỐI THOẠI")
        parts.extend(f"- {topic}" for topic in topics)

    answered = session.petitions.filter(status=Petition.Status.ANSWERED_AT_SESSION).order_by("pk")
    parts.append("II. CÁC Ý KIẾN, KIẾN NGHỊ ĐÃ ĐƯỢC TRẢ LỜI TẠI HỘI NGHỊ")
    lines = [
        f"{number}. {_sentence(p.content)} "
        + (f"{p.answered_by.strip()} đã trả lời" if p.answered_by.strip() else "Đã trả lời")
        + (f": {_sentence(p.answer_at_session)}" if p.answer_at_session.strip() else ".")
        for number, p in enumerate(answered, start=1)
    ]
    parts.extend(lines or ["Không có."])

    parts.append("III. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT")
    open_lines = [
        f"{number}. {_sentence(petition.content)} "
        + assignment_sentence([a.name for a in proposed_agencies(petition)], deadline.due)
        for number, petition in enumerate(petitions_to_assign(session), start=1)
    ]
    parts.extend(open_lines or ["Không có."])

    routed = session.petitions.filter(scope__in=Petition.ROUTED_SCOPES).count()
    if routed:
        parts.append(
            f"Đối với {routed} đơn, ý kiến có nội dung khiếu nại, tố cáo: chuyển cơ quan có thẩm "
            "quyền xem xét, giải quyết theo quy định của pháp luật về khiếu nại, tố cáo."
        )
    parts.append(
        "Các cơ quan, đơn vị được giao có trách nhiệm trả lời công dân đúng thời hạn và báo cáo "
        "kết quả; trường hợp cần gia hạn phải thông báo cho công dân biết lý do./."
    )
    return "\n\n".join(parts)


def _sentence(text: str) -> str:
    """The text as a sentence: stripped, ending with a full stop unless it has its own."""
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…" else text + "."


def assignment_sentence(agency_names: list[str], due: date) -> str:
    """ "Giao Phòng Kinh tế xem xét, giải quyết, trả lời công dân chậm nhất ngày 03/7/2018." """
    agencies = ", ".join(agency_names) or AGENCY_PLACEHOLDER
    return (
        f"Giao {agencies} xem xét, giải quyết, trả lời công dân chậm nhất ngày "
        f"{official_date(due)}."
    )


def rewrite_assignments(body: str, sentences: dict[int, str]) -> tuple[str, list[tuple[str, str]]]:
    """The body with the assignment sentence of item N of part III replaced by
    ``sentences[N]``; returns the new body and each (old, new) sentence that changed.

    Items are the numbered paragraphs ("2. …") after the part III heading, in the order the
    draft wrote them (the order of ``petitions_to_assign``). A paragraph without an assignment
    sentence is left as the organiser wrote it.
    """
    paragraphs = body.split("\n\n")
    changes = []
    in_part_three = False
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.strip()
        if _is_heading(text):
            in_part_three = text.startswith("III.")
            continue
        item = ITEM.match(text)
        if not in_part_three or item is None or int(item["number"]) not in sentences:
            continue
        match = _assignment_in(paragraph)
        if match is None:
            continue
        new = sentences[int(item["number"])]
        old = match.group(0).strip()
        if old != new:
            changes.append((old, new))
        paragraphs[index] = (
            paragraph[: match.start()].rstrip() + " " + new + paragraph[match.end() :]
        )
    return "\n\n".join(paragraphs), changes


def _assignment_in(paragraph: str) -> re.Match | None:
    """The paragraph's assignment sentence: the last "Giao …" that reads as one, so a petition
    that itself begins "Giao thông …" is never taken for it."""
    for start in reversed([m.start() for m in SENTENCE_START.finditer(paragraph)]):
        match = ASSIGNMENT_SENTENCE.match(paragraph, start)
        if match is not None:
            return match
    return None


def notice_is_draft(notice: ConclusionNotice) -> bool:
    return not notice.is_issued


def notice_context(notice: ConclusionNotice) -> dict:
    header = DocumentHeader(
        parent_body=notice.parent_body,
        issuing_body=notice.issuing_body,
        number=notice.number,
        place=notice.place,
        date=notice.issued_on or timezone.localdate(),
        title="THÔNG BÁO",
        subtitle=notice.title,
        recipients=recipient_lines(notice.recipients),
        signer_capacity=notice.signer_capacity,
        signer_body=notice.signer_body,
        signer_title=notice.signer_title,
        signer_name=notice.signer_name,
        system=notice.session.plan.system,
    )
    paragraphs = [p.strip() for p in notice.body.split("\n\n") if p.strip()]
    # The last paragraph goes with the signature (never alone on a page).
    closing = paragraphs.pop() if paragraphs and not _is_heading(paragraphs[-1]) else ""
    return {
        **header.as_context(),
        "paragraphs": [{"text": p, "heading": _is_heading(p)} for p in paragraphs],
        "closing": closing,
    }


def _is_heading(paragraph: str) -> bool:
    """A section heading as the draft writes them ("II. CÁC Ý KIẾN …"): printed in bold."""
    return bool(HEADING.match(paragraph)) and paragraph == paragraph.upper()


def notice_html(notice: ConclusionNotice) -> str:
    return render_html(NOTICE_TEMPLATE, notice_context(notice), draft=notice_is_draft(notice))


def notice_pdf(notice: ConclusionNotice) -> bytes:
    return html_to_pdf(notice_html(notice))


def notice_filename(notice: ConclusionNotice) -> str:
    number = (notice.number or "du-thao").replace("/", "-")
    return f"thong-bao-ket-luan-{number}.pdf"
