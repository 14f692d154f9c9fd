"""The plan (Kế hoạch), the invitation (Giấy mời) and the minutes (Biên bản) as PDFs (DESIGN §6).

``plan_context`` / ``invitation_context`` / ``minutes_context`` turn the models into plain
template data; ``plan_html`` / ``invitation_html`` / ``minutes_html`` render it to the HTML that
:mod:`dialogue.document_cache` hashes and renders to PDF (``*_pdf``: the same, rendered at once).
Document text is Vietnamese whatever the UI language, and times are shown in the project's time
zone (Asia/Ho_Chi_Minh) whatever timezone is active for the request.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from django.utils import timezone, translation

from dialogue import document_systems
from dialogue.documents import DocumentHeader, html_to_pdf, official_date, render_html
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
    "ngày 03/7/2018" (dates as in dialogue.documents.official_date), or "từ ... đến ..." when
    the session ends on another day."""
    tz = timezone.get_default_timezone()
    start = timezone.localtime(starts_at, tz)
    text = f"{start:%H} giờ {start:%M} phút, ngày {official_date(start.date())}"
    if ends_at is not None:
        end = timezone.localtime(ends_at, tz)
        if end.date() != start.date():
            text = f"từ {text} đến {end:%H} giờ {end:%M} phút, ngày {official_date(end.date())}"
    return text


def _today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _chair(session: DialogueSession) -> str:
    if session.chair_title:
        return f"{session.chair_name} - {session.chair_title}"
    return session.chair_name


def _signer(plan: Plan) -> dict:
    """The plan's signature block and system: every document of the plan is signed alike."""
    return {
        "system": plan.system,
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


def plan_html(plan: Plan) -> str:
    return render_html(PLAN_TEMPLATE, plan_context(plan), draft=plan_is_draft(plan))


def plan_pdf(plan: Plan) -> bytes:
    return html_to_pdf(plan_html(plan))


# --- the invitation -------------------------------------------------------------------------


def invitation_is_draft(session: DialogueSession) -> bool:
    return session.status == DialogueSession.Status.DRAFT or not session.plan.is_issued


def invitation_context(session: DialogueSession) -> dict:
    """Template context of ``documents/invitation.html``; the signer is the plan's."""
    plan = session.plan
    header = DocumentHeader(
        parent_body=plan.parent_body,
        issuing_body=plan.issuing_body,
        # Not numbered yet (a draft): the symbol with the number left blank, as for the minutes.
        number=session.invitation_number
        or document_systems.document_number(plan.number, "GM", plan.system, serial=_NUMBER_BLANK),
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


def invitation_html(session: DialogueSession) -> str:
    return render_html(
        INVITATION_TEMPLATE, invitation_context(session), draft=invitation_is_draft(session)
    )


def invitation_pdf(session: DialogueSession) -> bytes:
    return html_to_pdf(invitation_html(session))


# --- the minutes ----------------------------------------------------------------------------

#: "Ông (Bà)": the minutes do not record a speaker's sex.
PERSON_PREFIX = "Ông (Bà)"
#: Six non-breaking spaces: the number is written by hand when the minutes are registered.
_NUMBER_BLANK = "\u00a0" * 6

#: What the minutes say was decided at the session about a petition not answered there. The
#: minutes state what happened at the session, never a later status (an agency's answer after it).
OUTCOME_DEFERRED = "Tiếp thu, sẽ trả lời bằng văn bản sau hội nghị"
OUTCOME_DEFERRED_TO = "Tiếp thu, giao {agencies} trả lời bằng văn bản sau hội nghị"
OUTCOME_ROUTED = "Chuyển cơ quan có thẩm quyền giải quyết theo thủ tục khiếu nại, tố cáo"
OUTCOME_DUPLICATE = "Trùng với ý kiến, kiến nghị đã nêu"
ANSWERED_AT_SESSION = "Đã trả lời tại hội nghị"
#: Petition values read by name (sessions never imports petitions, DESIGN §2).
_ANSWERED_STATUS = "answered_at_session"
_ROUTED_STATUS = "routed_out"
_ROUTED_SCOPES = ("complaint", "denunciation")
_DUPLICATE_STATUS = "duplicate"

_ENTRY_LEADS = {
    MinutesEntry.Kind.OPENING: "Khai mạc",
    MinutesEntry.Kind.DELEGATES: "Giới thiệu đại biểu",
    MinutesEntry.Kind.REPORT: "Báo cáo",
    MinutesEntry.Kind.SPEECH: "Ý kiến phát biểu",
    MinutesEntry.Kind.ANSWER: "Trả lời",
    MinutesEntry.Kind.NOTE: "",
}


def minutes_is_draft(minutes: Minutes | None) -> bool:
    return minutes is None or not minutes.is_final


def person_line(name: str, address: str = "") -> str:
    """ "Ông (Bà) Nguyễn Văn Ả (Thôn Đông)", as the minutes name a citizen."""
    name, address = name.strip(), address.strip()
    return f"{PERSON_PREFIX} {name} ({address})" if address else f"{PERSON_PREFIX} {name}"


def minutes_number(plan: Plan) -> str:
    """ "      /BB-UBND" after the plan's "12/KH-UBND", "      -BB/ĐU" after a Party plan's
    "15-KH/ĐU"; empty when the plan's number follows no such pattern."""
    return document_systems.document_number(plan.number, "BB", plan.system, serial=_NUMBER_BLANK)


def _end_line(start: datetime, end: datetime) -> str:
    tz = timezone.get_default_timezone()
    local_end = timezone.localtime(end, tz)
    if local_end.date() != timezone.localtime(start, tz).date():
        return time_line(end)
    return f"{local_end:%H} giờ {local_end:%M} phút cùng ngày"


def _without_label(text: str, label: str) -> str:
    """The entry's text without a leading "Giới thiệu đại biểu:" that repeats the label."""
    if label and text.casefold().startswith(label.casefold()):
        rest = text[len(label) :].lstrip()
        if rest.startswith(":"):
            return rest[1:].strip()
    return text


def _entry_lead(entry: MinutesEntry) -> str:
    """Who did what, in the minutes' words: an answer is under the official who gave it, with
    the citizen it answers; a speech under the citizen who spoke."""
    speaker = entry.speaker
    asker = person_line(speaker.full_name, speaker.address) if speaker else ""
    by = entry.given_by.strip()
    match entry.kind:
        case MinutesEntry.Kind.SPEECH:
            return f"{asker} phát biểu" if asker else _ENTRY_LEADS[entry.kind]
        case MinutesEntry.Kind.ANSWER:
            lead = f"{by} trả lời" if by else "Trả lời"
            return f"{lead} ý kiến của {asker}" if asker else lead
        case MinutesEntry.Kind.REPORT:
            return f"{by} trình bày báo cáo" if by else _ENTRY_LEADS[entry.kind]
        case MinutesEntry.Kind.OPENING:
            return f"{by} khai mạc hội nghị" if by else _ENTRY_LEADS[entry.kind]
    label = _ENTRY_LEADS.get(entry.kind)
    if label is None:
        with translation.override("vi"):
            label = str(entry.get_kind_display())
    return label


def _proceedings(entries: list[MinutesEntry]) -> list[dict]:
    """The session's course in the order it was recorded; the delegates' introduction is
    named once however many entries record it."""
    parts = []
    delegates_named = False
    for entry in entries:
        text = _without_label(entry.text.strip(), _ENTRY_LEADS.get(entry.kind, ""))
        lead = _entry_lead(entry)
        if entry.kind == MinutesEntry.Kind.DELEGATES:
            lead, delegates_named = ("" if delegates_named else lead), True
        parts.append({"lead": lead, "text": text})
    return parts


def _conclusion(entries: list[MinutesEntry]) -> list[str]:
    return [
        _without_label(entry.text.strip(), "Kết luận")
        for entry in entries
        if entry.kind == MinutesEntry.Kind.CONCLUSION
    ]


def session_outcome(petition) -> str:
    """What was decided at the session about a petition not answered there, and to whom."""
    if petition.status == _ROUTED_STATUS or petition.scope in _ROUTED_SCOPES:
        return OUTCOME_ROUTED
    if petition.status == _DUPLICATE_STATUS or petition.duplicate_of_id:
        return OUTCOME_DUPLICATE
    # Those who prepared the answer before the session are the ones it was left to.
    agencies = list(dict.fromkeys(p.agency.name for p in petition.preparations.all()))
    if agencies:
        return OUTCOME_DEFERRED_TO.format(agencies=", ".join(agencies))
    return OUTCOME_DEFERRED


def _petition_part(petition) -> dict:
    answer = petition.answer_at_session.strip()
    answered = bool(answer) or petition.status == _ANSWERED_STATUS
    by = petition.answered_by.strip()
    return {
        "content": petition.content.strip(),
        "petitioner": person_line(petition.petitioner_name, petition.petitioner_address),
        "field": petition.field.name,
        "answer_lead": (f"{by} trả lời" if by else ANSWERED_AT_SESSION) if answered else "",
        "answer": answer,
        "outcome": "" if answered else session_outcome(petition),
    }


def minutes_context(session: DialogueSession, *, minutes: Minutes | None = None) -> dict:
    """Template context of ``documents/minutes.html``: time and place; chair(s) and
    secretaries; invited and present with the composition; the proceedings in order (reports,
    each speech with the answer and who gave it); the petitions and what was decided about each;
    the chair's conclusion; the closing time.

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
        system=plan.system,
    )
    entries = list(session.minutes_entries.select_related("speaker").order_by("seq"))
    # The reverse relation only: sessions never imports petitions (DESIGN §2).
    petitions = (
        session.petitions.select_related("field")
        .prefetch_related("preparations__agency")
        .order_by("pk")
    )
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
        "proceedings": _proceedings([e for e in entries if e.kind != MinutesEntry.Kind.CONCLUSION]),
        "petitions": [_petition_part(petition) for petition in petitions],
        "conclusion": _conclusion(entries),
        "signing_chair": (minutes.chair_name.strip() if minutes else "") or session.chair_name,
    }


def minutes_html(session: DialogueSession, *, minutes: Minutes | None = None) -> str:
    """The Biên bản's HTML; "DỰ THẢO" unless ``minutes`` is given and final."""
    return render_html(
        MINUTES_TEMPLATE,
        minutes_context(session, minutes=minutes),
        draft=minutes_is_draft(minutes),
    )


def minutes_pdf(session: DialogueSession, *, minutes: Minutes | None = None) -> bytes:
    return html_to_pdf(minutes_html(session, minutes=minutes))
