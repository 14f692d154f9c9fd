"""The conclusion notice (Thông báo kết luận, TB) as text and as a PDF (DESIGN §6).

``draft_body`` writes the first draft from the held session; the organiser edits it before the
notice is issued. Document text is Vietnamese whatever the UI language.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from dialogue.documents import DocumentHeader, render_pdf
from dialogue.workcalendar import get_calendar
from followups import deadlines
from followups.models import ConclusionNotice
from followups.unresolved import petitions_to_assign, proposed_agencies
from petitions.models import Petition
from sessions.documents import bullets, recipient_lines, time_line
from sessions.models import DialogueSession

NOTICE_TEMPLATE = "documents/notice.html"
HEADING = re.compile(r"^[IVX]+\. \S")


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
        f"- {p.content.strip()} — Đã trả lời: {p.answer_at_session.strip()}"
        + (f" ({p.answered_by})" if p.answered_by else "")
        for p in answered
    ]
    parts.extend(lines or ["Không có."])

    parts.append("III. CÁC Ý KIẾN, KIẾN NGHỊ GIAO CƠ QUAN, ĐƠN VỊ GIẢI QUYẾT")
    open_lines = []
    for number, petition in enumerate(petitions_to_assign(session), start=1):
        agencies = ", ".join(a.name for a in proposed_agencies(petition)) or "(chọn cơ quan)"
        open_lines.append(
            f"{number}. {petition.content.strip()} — Giao {agencies} xem xét, giải quyết, trả lời "
            f"công dân chậm nhất ngày {deadline.due:%d/%m/%Y} ({deadline.text})."
        )
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
    )
    paragraphs = [p.strip() for p in notice.body.split("\n\n") if p.strip()]
    return {
        **header.as_context(),
        "paragraphs": [{"text": p, "heading": _is_heading(p)} for p in paragraphs],
    }


def _is_heading(paragraph: str) -> bool:
    """A section heading as the draft writes them ("II. CÁC Ý KIẾN …"): printed in bold."""
    return bool(HEADING.match(paragraph)) and paragraph == paragraph.upper()


def notice_pdf(notice: ConclusionNotice) -> bytes:
    return render_pdf(NOTICE_TEMPLATE, notice_context(notice), draft=notice_is_draft(notice))


def notice_filename(notice: ConclusionNotice) -> str:
    number = (notice.number or "du-thao").replace("/", "-")
    return f"thong-bao-ket-luan-{number}.pdf"
