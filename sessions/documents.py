"""The plan (Kế hoạch), the invitation (Giấy mời) and the minutes (Biên bản) as PDFs (DESIGN §6).

``plan_context`` / ``invitation_context`` / ``minutes_context`` turn the models into plain
template data; ``plan_pdf`` / ``invitation_pdf`` / ``minutes_pdf`` render it through
:func:`dialogue.documents.render_pdf`.
Document text is Vietnamese whatever the UI language, and times are shown in the project's time
zone (Asia/Ho_Chi_Minh) whatever timezone is active for the request.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from django.utils import timezone, translation

from dialogue.documents import DocumentHeader, render_pdf
from sessions.models import DialogueSession, Minutes, MinutesEntry, Plan

PLAN_TEMPLATE = "documents/plan.html"
INVITATION_TEMPLATE = "documents/invitation.html"
MINUTES_TEMPLATE = "documents/minutes.html"

ARCHIVE_LINE = "Lưu: VT."
#: Legal-basis lines that already carry their lead-in are printed as typed.
LEGAL_BASIS_LEAD_INS = ("căn cứ", "thực hiện")
LEGAL_BASIS_PREFIX = "Căn cứ "

#: Upper-case body names (as printed in the header) and their form inside a sentence.
_BODY_NAMES = {
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
    "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân",
    "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân",
    "ĐẢNG ỦY": "Đảng ủy",
    "ĐẢNG UỶ": "Đảng ủy",
    "UBND": "UBND",
}
#: Unit kinds stay lower-case inside a sentence ("xã An Lão"); the place name is capitalised.
_UNIT_KINDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)


# --- text helpers ---------------------------------------------------------------------------


def lines(text: str) -> list[str]:
    """The non-empty lines of a one-per-line field, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _without_bullet(line: str) -> str:
    # The templates (and the "Nơi nhận" style) add their own "- ".
    return line.lstrip("-–•+* \t")


def bullets(text: str) -> list[str]:
    return [item for item in map(_without_bullet, lines(text)) if item]


def legal_basis_lines(text: str) -> list[str]:
    result = []
    for line in lines(text):
        if not line.casefold().startswith(LEGAL_BASIS_LEAD_INS):
            line = LEGAL_BASIS_PREFIX + line
        result.append(line)
    return result


def recipient_lines(text: str) -> list[str]:
    """The "Nơi nhận" list, ending with "Lưu: VT." unless the plan already has a "Lưu" line."""
    recipients = bullets(text)
    if not any(line.casefold().startswith("lưu") for line in recipients):
        recipients.append(ARCHIVE_LINE)
    return recipients


def body_in_sentence(name: str) -> str:
    """A body's name as written inside a sentence: "ỦY BAN NHÂN DÂN XÃ AN LÃO" -> "Ủy ban nhân
    dân xã An Lão".

    Only an all-capitals name starting with a known body is rewritten; anything else is returned
    as typed (the header prints it in capitals through CSS either way).
    """
    name = unicodedata.normalize("NFC", name.strip())
    if name != name.upper():
        return name
    upper = next((b for b in _BODY_NAMES if name == b or name.startswith(b + " ")), None)
    if upper is None:
        return name
    rest = name[len(upper) :].strip()
    lowered = rest.lower()
    for kind in _UNIT_KINDS:
        if lowered.startswith(kind + " "):
            rest = f"{kind} {rest[len(kind) + 1 :].title()}"
            break
    else:
        rest = rest.title()
    return f"{_BODY_NAMES[upper]} {rest}".strip()


def time_line(starts_at: datetime, ends_at: datetime | None = None) -> str:
    """The time in the project's zone as documents write it: "08 giờ 00 phút, ngày 15/12/2026",
    or "từ ... đến ..." when the session ends on another day."""
    tz = timezone.get_default_timezone()
    start = timezone.localtime(starts_at, tz)
    text = f"{start:%H} giờ {start:%M} phút, ngày {start:%d/%m/%Y}"
    if ends_at is not None:
        end = timezone.localtime(ends_at, tz)
        if end.date() != start.date():
            text = f"từ {text} đến {end:%H} giờ {end:%M} phút, ngày {end:%d/%m/%Y}"
    return text


def _today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _chair(session: DialogueSession) -> str:
    if session.chair_title:
        return f"{session.chair_name} - {session.chair_title}"
    return session.chair_name


def _signer(plan: Plan) -> dict:
    return {
        "signer_capacity": plan.signer_capacity,
        "signer_body": plan.signer_body,
        "signer_delegation": plan.signer_delegation,
        "signer_title": plan.signer_title,
        "signer_name": plan.signer_name,
    }


# --- the plan -------------------------------------------------------------------------------


def plan_is_draft(plan: Plan) -> bool:
    return not plan.is_issued


def _session_part(session: DialogueSession) -> dict:
    return {
        "title": session.title,
        "time": time_line(session.starts_at, session.ends_at),
        "venue": session.venue,
        "chair": _chair(session),
        "co_chairs": bullets(session.co_chairs),
        "participants": bullets(session.participants),
        "topics": bullets(session.topics),
    }


def plan_context(plan: Plan) -> dict:
    """Template context of ``documents/plan.html``.

    Cancelled sessions are left out: the plan shows the dialogues that will take place.
    """
    header = DocumentHeader(
        parent_body=plan.parent_body,
        issuing_body=plan.issuing_body,
        number=plan.number,
        place=plan.place,
        date=plan.issued_on or _today(),
        title="KẾ HOẠCH",
        subtitle=plan.title,
        recipients=recipient_lines(plan.recipients),
        **_signer(plan),
    )
    sessions = plan.sessions.exclude(status=DialogueSession.Status.CANCELLED).order_by(
        "starts_at", "pk"
    )
    tasks = plan.tasks.select_related("agency").order_by("position", "pk")
    return {
        **header.as_context(),
        "legal_bases": legal_basis_lines(plan.legal_bases),
        "purpose": lines(plan.purpose),
        "requirements": lines(plan.requirements),
        "topics": bullets(plan.topics),
        "sessions": [_session_part(session) for session in sessions],
        "tasks": [{"who": task.who, "duty": task.duty.strip()} for task in tasks],
    }


def plan_pdf(plan: Plan) -> bytes:
    return render_pdf(PLAN_TEMPLATE, plan_context(plan), draft=plan_is_draft(plan))


# --- the invitation -------------------------------------------------------------------------


def invitation_is_draft(session: DialogueSession) -> bool:
    return session.status == DialogueSession.Status.DRAFT or not session.plan.is_issued


def invitation_context(session: DialogueSession) -> dict:
    """Template context of ``documents/invitation.html``; the signer is the plan's."""
    plan = session.plan
    header = DocumentHeader(
        parent_body=plan.parent_body,
        issuing_body=plan.issuing_body,
        number=session.invitation_number,
        place=plan.place,
        date=session.invitation_date or _today(),
        title="GIẤY MỜI",
        subtitle="Dự hội nghị đối thoại với Nhân dân",
        recipients=["Như trên;", ARCHIVE_LINE],
        **_signer(plan),
    )
    return {
        **header.as_context(),
        "addressee": session.invitation_addressee.strip(),
        "inviter": body_in_sentence(plan.issuing_body),
        "session_title": session.title,
        "time": time_line(session.starts_at, session.ends_at),
        "venue": session.venue,
        "chair": _chair(session),
        "co_chairs": bullets(session.co_chairs),
        "topics": bullets(session.topics) or bullets(plan.topics),
    }


def invitation_pdf(session: DialogueSession) -> bytes:
    return render_pdf(
        INVITATION_TEMPLATE, invitation_context(session), draft=invitation_is_draft(session)
    )


# --- the minutes ----------------------------------------------------------------------------

#: "Ông (Bà)": the minutes do not record a speaker's sex.
PERSON_PREFIX = "Ông (Bà)"
#: Six non-breaking spaces: the number is written by hand when the minutes are registered.
_NUMBER_BLANK = "\u00a0" * 6

#: Document text is Vietnamese whatever the UI language, so the labels are written here.
ENTRY_KIND_LABELS = {
    MinutesEntry.Kind.OPENING: "Khai mạc",
    MinutesEntry.Kind.DELEGATES: "Giới thiệu đại biểu",
    MinutesEntry.Kind.REPORT: "Báo cáo",
    MinutesEntry.Kind.SPEECH: "Ý kiến phát biểu",
    MinutesEntry.Kind.ANSWER: "Trả lời",
    MinutesEntry.Kind.CONCLUSION: "Kết luận",
    MinutesEntry.Kind.NOTE: "Ghi chú",
}
#: Petition statuses by value (sessions never imports petitions, DESIGN §2).
PETITION_OUTCOMES = {
    "answered_at_session": "Đã trả lời tại hội nghị",
    "to_answer_after": "Tiếp thu, sẽ trả lời bằng văn bản sau hội nghị",
    "routed_out": "Chuyển xử lý theo thủ tục khiếu nại, tố cáo",
    "duplicate": "Trùng với ý kiến, kiến nghị đã nêu",
}


def minutes_is_draft(minutes: Minutes | None) -> bool:
    return minutes is None or not minutes.is_final


def person_line(name: str, address: str = "") -> str:
    """ "Ông (Bà) Nguyễn Văn Ả (Thôn Đông)", as the minutes name a citizen."""
    name, address = name.strip(), address.strip()
    return f"{PERSON_PREFIX} {name} ({address})" if address else f"{PERSON_PREFIX} {name}"


def minutes_number(plan: Plan) -> str:
    """ "      /BB-UBND" after the plan's "12/KH-UBND"; empty when the plan has no such number."""
    symbol = plan.number.rpartition("/")[2]
    if "-" not in symbol:
        return ""
    return f"{_NUMBER_BLANK}/BB-{symbol.partition('-')[2]}"


def _end_line(start: datetime, end: datetime) -> str:
    tz = timezone.get_default_timezone()
    local_end = timezone.localtime(end, tz)
    if local_end.date() != timezone.localtime(start, tz).date():
        return time_line(end)
    return f"{local_end:%H} giờ {local_end:%M} phút cùng ngày"


def _entry_part(entry: MinutesEntry) -> dict:
    label = ENTRY_KIND_LABELS.get(entry.kind)
    if label is None:
        with translation.override("vi"):
            label = str(entry.get_kind_display())
    speaker = entry.speaker
    return {
        "label": label,
        "speaker": person_line(speaker.full_name, speaker.address) if speaker else "",
        "text": entry.text.strip(),
    }


def _petition_part(petition) -> dict:
    answered = petition.status == "answered_at_session"
    outcome = "" if answered else PETITION_OUTCOMES.get(petition.status)
    if outcome is None:
        with translation.override("vi"):
            outcome = str(petition.get_status_display())
    answer = petition.answer_at_session.strip()
    return {
        "content": petition.content.strip(),
        "petitioner": person_line(petition.petitioner_name, petition.petitioner_address),
        "field": petition.field.name,
        "answer": answer or (PETITION_OUTCOMES["answered_at_session"] if answered else ""),
        "answered_by": petition.answered_by.strip(),
        "outcome": outcome,
    }


def minutes_context(session: DialogueSession, *, minutes: Minutes | None = None) -> dict:
    """Template context of ``documents/minutes.html``.

    ``minutes`` is used as given (a finalising call passes one whose ``finalised_at`` is set but
    not yet saved); without it the signing chair is the session's. Times are the actual ones
    when recorded, else the planned ones; the document is dated on the session's day.
    """
    plan = session.plan
    start = session.started_at or session.starts_at
    end = session.ended_at or session.ends_at
    header = DocumentHeader(
        parent_body=plan.parent_body,
        issuing_body=plan.issuing_body,
        number=minutes_number(plan),
        place=plan.place,
        date=timezone.localdate(start, timezone.get_default_timezone()),
        title="BIÊN BẢN",
        subtitle=session.title,
    )
    entries = session.minutes_entries.select_related("speaker").order_by("seq")
    # The reverse relation only: sessions never imports petitions (DESIGN §2).
    petitions = session.petitions.select_related("field").order_by("pk")
    secretaries = [str(user) for user in session.secretaries.order_by("pk")]
    return {
        **header.as_context(),
        "organiser": body_in_sentence(plan.issuing_body),
        "session_title": session.title,
        "start": time_line(start),
        "end": _end_line(start, end),
        "venue": session.venue,
        "chair": _chair(session),
        "co_chairs": bullets(session.co_chairs),
        "secretaries": secretaries,
        "participants": bullets(session.participants),
        "invited_count": session.invited_count,
        "attending_count": session.attending_count,
        "entries": [_entry_part(entry) for entry in entries],
        "petitions": [_petition_part(petition) for petition in petitions],
        "signing_chair": (minutes.chair_name.strip() if minutes else "") or session.chair_name,
    }


def minutes_pdf(session: DialogueSession, *, minutes: Minutes | None = None) -> bytes:
    """The Biên bản; "DỰ THẢO" unless ``minutes`` is given and final."""
    return render_pdf(
        MINUTES_TEMPLATE,
        minutes_context(session, minutes=minutes),
        draft=minutes_is_draft(minutes),
    )
