"""Writes after the session: the conclusion notice, assignments, responses, extensions,
forwarding, and the recomputation of open due dates when the calendar changes.

Every write is recorded (dialogue.audit) on the assignment and, where the citizen's matter moves,
on the petition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit, document_cache, storage
from dialogue.models import Agency, Milestone, User
from dialogue.workcalendar import get_calendar
from dialogue.workdays import OutOfRange
from followups import deadlines, recomputation
from followups.documents import (
    AGENCY_PLACEHOLDER,
    CALCULATION_TRACES,
    assignment_sentence,
    draft_body,
    notice_filename,
    notice_html,
    rewrite_assignments,
)
from followups.models import Assignment, ConclusionNotice, Extension, Forwarding, Response
from followups.unresolved import ASSIGNABLE_STATUSES, petitions_to_assign
from petitions.changes import tracking as track_petitions
from petitions.models import Petition
from sessions.models import DialogueSession, Minutes, SessionMilestone
from sessions.services import session_transition

NOTICE_BEFORE_SESSION = _("The conclusion notice is drafted once the session has been held.")
NOTICE_ISSUED_READ_ONLY = _("The notice has been issued: it can no longer be changed.")
NOTICE_NUMBER_REQUIRED = _("Enter the number and symbol of the notice, for example 45/TB-UBND.")
NOTICE_NUMBER_INVALID = _("The number and symbol is one line of text, for example 45/TB-UBND.")
NOTICE_DATE_REQUIRED = _("Enter the date of issue.")
NOTICE_DATE_BEFORE_SESSION = _("The notice cannot be issued before the session ended (%(date)s).")
NOTICE_DATE_IN_FUTURE = _("The date of issue cannot be later than today.")
NOTICE_SIGNER_REQUIRED = _("Enter the signer's name and title.")
NOTICE_PLACEHOLDER_LEFT = _(
    "The text still says “%(placeholder)s”: name the responsible agency in the text of the "
    "notice before issuing it."
)
NOTICE_CALCULATION_LEFT = _(
    "The text still contains “%(trace)s”, an explanation of how a date was computed: a notice "
    "states the date alone. Remove it before issuing."
)
NOTICE_AGENCY_MISSING = _(
    "Choose at least one responsible agency for petition no. %(number)s: “%(content)s”."
)
AGENCY_OUT_OF_REACH = _("%(agency)s cannot be assigned: choose an agency of %(unit)s or above it.")
ALLOCATION_OUT_OF_REACH = _(
    "Petition no. %(number)s: %(agency)s cannot be assigned; choose an agency of %(unit)s or "
    "above it."
)
NOTICE_NOT_ISSUED = _("Agencies are assigned when the conclusion notice is issued.")
ALREADY_ASSIGNED = _("%(agency)s already has this petition open.")
PETITION_NOT_ASSIGNABLE = _("This petition is resolved or routed out: it is not assigned.")
ASSIGNMENT_CLOSED = _("This assignment is closed (%(status)s): nothing more is recorded on it.")
RESPONSE_TEXT_REQUIRED = _("Enter the content of the response.")
DATE_IN_FUTURE = _("This date cannot be later than today.")
DATE_BEFORE_ASSIGNMENT = _("This date cannot be earlier than the assignment (%(date)s).")
ATTACHMENT_NOT_PDF = _("The signed document must be a PDF file.")
ATTACHMENT_TOO_LARGE = _("The file is too large: at most %(limit)s MB.")
DOCUMENT_NUMBER_REQUIRED = _("Enter the number of the written response.")
EXTENSION_NOT_LATER = _("The new due date must be later than the current one (%(date)s).")
EXTENSION_REASON_REQUIRED = _("Say why more time is needed.")
EXTENSION_CITIZEN_NOT_TOLD = _(
    "Enter the date the citizen was told of the extension: the citizen must be informed."
)
EXTENSION_PENDING = _("An extension request is already waiting for a decision.")
EXTENSION_DECIDED = _("This request has already been decided.")
EXTENSION_REFUSAL_REASON_REQUIRED = _(
    "Say why the request is refused: the agency is told, and through it the citizen."
)
EXTENSION_NOT_WORKING_DAY = _(
    "The new due date falls on a day off (%(day)s): choose a working day."
)
FORWARD_LEVEL_NOT_HIGHER = _(
    "A matter is forwarded to a level above %(unit)s: choose the province, the central level "
    "or another competent body."
)
FORWARD_BODY_REQUIRED = _("Say which body receives the matter.")
FORWARD_DOCUMENT_REQUIRED = _("Enter the number of the forwarding document.")

NOTICE_STATUSES = frozenset(
    {
        DialogueSession.Status.HELD,
        DialogueSession.Status.CONCLUDED,
        DialogueSession.Status.CLOSED,
    }
)
NOTICE_FIELDS = (
    "parent_body",
    "issuing_body",
    "number",
    "place",
    "issued_on",
    "title",
    "body",
    "recipients",
    "signer_capacity",
    "signer_body",
    "signer_title",
    "signer_name",
)
NOTICE_DOCUMENT = "notice"
RESPONSE_DOCUMENT = "response"
MAX_ATTACHMENT_MB = 10


def _today() -> date:
    return timezone.localdate()


# --- the conclusion notice ------------------------------------------------------------------


@transaction.atomic
def notice_draft(*, actor: User, session: DialogueSession) -> ConclusionNotice:
    """The session's notice, drafted from the session the first time it is asked for."""
    # Locking the session makes two "draft" clicks wait for each other: one notice per session.
    session = DialogueSession.objects.select_for_update().select_related("plan").get(pk=session.pk)
    if session.status not in NOTICE_STATUSES:
        raise ValidationError(NOTICE_BEFORE_SESSION)
    existing = ConclusionNotice.objects.filter(session=session).first()
    if existing is not None:
        return existing
    plan = session.plan
    notice = ConclusionNotice.objects.create(
        session=session,
        unit=session.unit,
        parent_body=plan.parent_body,
        issuing_body=plan.issuing_body,
        place=plan.place,
        title=f"Kết luận của {session.chair_title or 'Người chủ trì'} tại {session.title}",
        body=draft_body(session, notice_on=_today()),
        recipients=plan.recipients,
        signer_capacity=plan.signer_capacity,
        signer_body=plan.signer_body,
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
        created_by=actor,
    )
    audit.record(notice, actor=actor, action="drafted")
    return notice


@transaction.atomic
def notice_update(*, actor: User, notice: ConclusionNotice, **fields: Any) -> ConclusionNotice:
    notice = ConclusionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_issued:
        raise ValidationError(NOTICE_ISSUED_READ_ONLY)
    before = audit.snapshot(notice, NOTICE_FIELDS)
    for name, value in fields.items():
        if name not in NOTICE_FIELDS:
            raise TypeError(f"notice_update() got an unexpected field {name!r}")
        setattr(notice, name, value)
    notice.save(update_fields=[*fields, "updated_at"])
    audit.record(
        notice,
        actor=actor,
        action="updated",
        changes=audit.diff(before, audit.snapshot(notice, NOTICE_FIELDS)),
    )
    return notice


def _check_agency(agency: Agency, petition: Petition) -> None:
    if not Agency.objects.serving(petition.unit).filter(pk=agency.pk).exists():
        raise ValidationError(
            {
                "agency": ValidationError(
                    AGENCY_OUT_OF_REACH, params={"agency": agency, "unit": petition.unit}
                )
            }
        )


def _issue_errors(notice: ConclusionNotice, session: DialogueSession) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not notice.number.strip():
        errors["number"] = [NOTICE_NUMBER_REQUIRED]
    elif any(not c.isprintable() for c in notice.number):
        errors["number"] = [NOTICE_NUMBER_INVALID]
    if notice.issued_on is None:
        errors["issued_on"] = [NOTICE_DATE_REQUIRED]
    else:
        ended_on = deadlines.session_ended_on(session)
        if notice.issued_on < ended_on:
            errors["issued_on"] = [
                ValidationError(NOTICE_DATE_BEFORE_SESSION, params={"date": f"{ended_on:%d/%m/%Y}"})
            ]
        elif notice.issued_on > _today():
            errors["issued_on"] = [NOTICE_DATE_IN_FUTURE]
    if not (notice.signer_name.strip() and notice.signer_title.strip()):
        errors["signer_name"] = [NOTICE_SIGNER_REQUIRED]
    return errors


def minutes_are_final(session: DialogueSession) -> bool:
    """Whether the session's minutes are finalised: a notice issued before is allowed, but the
    organiser confirms it (followups.forms) and the notice's history says so."""
    return Minutes.objects.filter(session=session, finalised_at__isnull=False).exists()


def notice_body_at_issue(
    body: str, petitions: list[Petition], chosen: Mapping[int, list[Agency]], due: date
) -> tuple[str, list[tuple[str, str]]]:
    """The text as issued: each assignment sentence of part III written again from the agencies
    chosen at issue and the due date counted from the date of issue. Returns the text and the
    (old, new) sentences that changed, which the organiser is shown."""
    sentences = {
        number: assignment_sentence([a.name for a in chosen.get(petition.pk, [])], due)
        for number, petition in enumerate(petitions, start=1)
    }
    return rewrite_assignments(body, sentences)


def _body_errors(body: str) -> list[ValidationError]:
    errors = []
    if AGENCY_PLACEHOLDER in body:
        errors.append(
            ValidationError(NOTICE_PLACEHOLDER_LEFT, params={"placeholder": AGENCY_PLACEHOLDER})
        )
    for trace in CALCULATION_TRACES:
        if trace in body:
            errors.append(ValidationError(NOTICE_CALCULATION_LEFT, params={"trace": trace}))
    return errors


@transaction.atomic
def notice_issue(
    *,
    actor: User,
    notice: ConclusionNotice,
    allocations: Mapping[int, Iterable[Agency]],
    number: str | None = None,
    issued_on: date | None = None,
) -> ConclusionNotice:
    """Issue the notice: store its PDF, record the milestone, create one assignment per
    (petition, agency) in `allocations` (petition id → agencies), conclude the session.

    The text's assignment sentences are written again from the chosen agencies; the returned
    notice's ``rewritten_sentences`` lists each (old, new) sentence that changed. A text still
    holding the agency placeholder or a date's calculation is refused (error on "body")."""
    notice = (
        ConclusionNotice.objects.select_for_update()
        .select_related("session__plan")
        .get(pk=notice.pk)
    )
    if notice.is_issued:
        raise ValidationError(NOTICE_ISSUED_READ_ONLY)
    session = notice.session
    if number is not None:
        notice.number = number.strip()
    if issued_on is not None:
        notice.issued_on = issued_on
    errors = _issue_errors(notice, session)

    # The proposed agencies (prefetched for the pages) play no part here.
    petitions = list(
        petitions_to_assign(session).prefetch_related(None).select_for_update(of=("self",))
    )
    chosen: dict[int, list[Agency]] = {}
    wrong = []
    for petition in petitions:
        agencies = list({a.pk: a for a in allocations.get(petition.pk, ())}.values())
        params = {"number": petition.pk, "content": petition.content[:80], "unit": petition.unit}
        if not agencies:
            wrong.append(ValidationError(NOTICE_AGENCY_MISSING, params=params))
        serving = set(
            Agency.objects.serving(petition.unit)
            .filter(pk__in=[a.pk for a in agencies])
            .values_list("pk", flat=True)
        )
        for agency in agencies:
            if agency.pk not in serving:
                wrong.append(
                    ValidationError(ALLOCATION_OUT_OF_REACH, params={**params, "agency": agency})
                )
        chosen[petition.pk] = agencies
    if wrong:
        errors["allocations"] = wrong
    calendar = get_calendar()
    changed: list[tuple[str, str]] = []
    if "issued_on" not in errors:
        deadline = deadlines.response_deadline(
            session, notice_on=notice.issued_on, calendar=calendar
        )
        body, changed = notice_body_at_issue(notice.body, petitions, chosen, deadline.due)
        if body_errors := _body_errors(body):
            errors["body"] = body_errors
    if errors:
        # Every mistake at once: the organiser corrects the form in one round.
        raise ValidationError(errors)
    body_before, notice.body = notice.body, body
    with track_petitions([p.pk for p in petitions]):
        for petition in petitions:
            for agency in chosen[petition.pk]:
                _assignment_create(
                    actor=actor, petition=petition, agency=agency, notice=notice, deadline=deadline
                )
            _petition_status(petition, Petition.Status.ASSIGNED, actor=actor)

    notice.status = ConclusionNotice.Status.ISSUED
    notice.issued_by = actor
    notice.issued_at = timezone.now()
    notice.save(
        update_fields=[
            "number",
            "issued_on",
            "body",
            "status",
            "issued_by",
            "issued_at",
            "updated_at",
        ]
    )
    # The session's timeline reads the notice date from this milestone (sessions never
    # imports followups), and the agency-response anchor "notice issued" counts from it.
    SessionMilestone.objects.update_or_create(
        session=session,
        milestone=Milestone.CONCLUSION_NOTICE,
        defaults={"done_on": notice.issued_on, "note": notice.number, "recorded_by": actor},
    )
    if session.status == DialogueSession.Status.HELD:
        session_transition(actor=actor, session=session, to=DialogueSession.Status.CONCLUDED)

    # A long notice is rendered by a worker from this snapshot.
    document_cache.issue(
        obj=notice,
        kind=NOTICE_DOCUMENT,
        html=notice_html(notice),
        filename=notice_filename(notice),
        actor=actor,
    )
    audit.record(
        notice,
        actor=actor,
        action="issued",
        changes={
            "number": [None, notice.number],
            "issued_on": [None, notice.issued_on.isoformat()],
            "assignments": [None, sum(len(a) for a in chosen.values())],
            **({} if minutes_are_final(session) else {"minutes": [None, "not_final"]}),
            # What the issue rewrote in the organiser's text, shown in the notice's history.
            **({"body": [body_before, notice.body]} if changed else {}),
        },
    )
    notice.rewritten_sentences = changed
    return notice


# --- assignments ----------------------------------------------------------------------------


def _petition_status(petition: Petition, status: str, *, actor: User) -> None:
    if petition.status == status:
        return
    old = petition.status
    petition.status = status
    petition.is_resolved = status in Petition.RESOLVED_STATUSES
    petition.save(update_fields=["status", "is_resolved", "updated_at"])
    audit.record(petition, actor=actor, action="status", changes={"status": [old, status]})


def _assignment_create(
    *,
    actor: User,
    petition: Petition,
    agency: Agency,
    notice: ConclusionNotice,
    deadline: deadlines.ResponseDeadline,
    assigned_on: date | None = None,
) -> Assignment:
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                petition=petition,
                agency=agency,
                unit_id=petition.unit_id,
                notice=notice,
                assigned_on=assigned_on or notice.issued_on,
                rule=deadline.rule,
                anchor_on=deadline.anchor_on,
                due_on=deadline.due,
                due_explanation=deadline.text,
                assigned_by=actor,
            )
    except IntegrityError as exc:  # the open-once constraint, under a concurrent request
        raise ValidationError(
            {"agency": ValidationError(ALREADY_ASSIGNED, params={"agency": agency})}
        ) from exc
    audit.record(
        assignment,
        actor=actor,
        action="assigned",
        changes={"agency": [None, str(agency)], "due_on": [None, deadline.due.isoformat()]},
        reason=deadline.text,
    )
    audit.record(
        petition,
        actor=actor,
        action="assigned",
        changes={"agency": [None, str(agency)], "due_on": [None, deadline.due.isoformat()]},
    )
    return assignment


@transaction.atomic
def assignment_add(*, actor: User, petition: Petition, agency: Agency) -> Assignment:
    """Split a petition with one more agency after the notice (same due date rule)."""
    petition = (
        Petition.objects.select_for_update().select_related("session__plan").get(pk=petition.pk)
    )
    notice = ConclusionNotice.objects.filter(
        session_id=petition.session_id, status=ConclusionNotice.Status.ISSUED
    ).first()
    if notice is None:
        raise ValidationError(NOTICE_NOT_ISSUED)
    if petition.scope != Petition.Scope.IN_SCOPE or petition.status not in ASSIGNABLE_STATUSES:
        raise ValidationError(PETITION_NOT_ASSIGNABLE)
    _check_agency(agency, petition)
    if Assignment.objects.open().filter(petition=petition, agency=agency).exists():
        raise ValidationError(
            {"agency": ValidationError(ALREADY_ASSIGNED, params={"agency": agency})}
        )
    # The agency learns of it today: a deadline counted from the notice counts from today;
    # one counted from the session (Điện Biên) is the law's and stays.
    today = _today()
    deadline = deadlines.response_deadline(
        petition.session, notice_on=max(notice.issued_on, today), calendar=get_calendar()
    )
    with track_petitions([petition.pk]):
        assignment = _assignment_create(
            actor=actor,
            petition=petition,
            agency=agency,
            notice=notice,
            deadline=deadline,
            assigned_on=today,
        )
        _petition_status(petition, Petition.Status.ASSIGNED, actor=actor)
    return assignment


def _settle_petition(petition: Petition, *, actor: User) -> None:
    """Once no agency has the petition open, it is answered, or forwarded if part of it went
    to a higher level (the citizen's matter continues there)."""
    assignments = Assignment.objects.filter(petition=petition)
    if assignments.filter(status=Assignment.Status.OPEN).exists():
        return
    forwarded = assignments.filter(status=Assignment.Status.FORWARDED).exists()
    status = Petition.Status.FORWARDED if forwarded else Petition.Status.ANSWERED
    _petition_status(petition, status, actor=actor)


def _lock_open(assignment: Assignment) -> tuple[Petition, Assignment]:
    """Lock the petition, then the assignment (every writer takes them in this order, so an
    answer and a forwarding of the same petition never deadlock)."""
    petition = Petition.objects.select_for_update().get(pk=assignment.petition_id)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_open:
        raise ValidationError(ASSIGNMENT_CLOSED, params={"status": assignment.get_status_display()})
    return petition, assignment


def _check_past_date(field: str, day: date, assignment: Assignment) -> None:
    if day > _today():
        raise ValidationError({field: DATE_IN_FUTURE})
    if day < assignment.assigned_on:
        raise ValidationError(
            {
                field: ValidationError(
                    DATE_BEFORE_ASSIGNMENT, params={"date": f"{assignment.assigned_on:%d/%m/%Y}"}
                )
            }
        )


def _check_attachment(attachment: UploadedFile) -> bytes:
    if attachment.size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise ValidationError(
            {
                "attachment": ValidationError(
                    ATTACHMENT_TOO_LARGE, params={"limit": MAX_ATTACHMENT_MB}
                )
            }
        )
    content = attachment.read()
    # The name and the browser's content type are the user's word; the bytes are not.
    if not content.startswith(b"%PDF-") or not attachment.name.lower().endswith(".pdf"):
        raise ValidationError({"attachment": ATTACHMENT_NOT_PDF})
    return content


def _close(assignment: Assignment, status: str, *, on: date) -> None:
    assignment.status = status
    assignment.closed_on = on
    assignment.save(update_fields=["status", "closed_on", "updated_at"])


@transaction.atomic
def response_record(
    *,
    actor: User,
    assignment: Assignment,
    responded_on: date,
    method: str,
    text: str,
    document_number: str = "",
    attachment: UploadedFile | None = None,
) -> Response:
    petition, assignment = _lock_open(assignment)
    if not text.strip():
        raise ValidationError({"text": RESPONSE_TEXT_REQUIRED})
    if method == Response.Method.IN_WRITING and not document_number.strip():
        raise ValidationError({"document_number": DOCUMENT_NUMBER_REQUIRED})
    _check_past_date("responded_on", responded_on, assignment)
    content = _check_attachment(attachment) if attachment is not None else None
    with track_petitions([petition.pk]):
        response = Response.objects.create(
            assignment=assignment,
            responded_on=responded_on,
            method=method,
            document_number=document_number.strip(),
            text=text.strip(),
            has_attachment=content is not None,
            recorded_by=actor,
        )
        if content is not None:
            storage.document_store(
                obj=response,
                kind=RESPONSE_DOCUMENT,
                content=content,
                filename=f"tra-loi-{assignment.pk}.pdf",
                actor=actor,
            )
        _close(assignment, Assignment.Status.ANSWERED, on=responded_on)
        audit.record(
            assignment,
            actor=actor,
            action="answered",
            changes={
                "status": ["open", "answered"],
                "responded_on": [None, responded_on.isoformat()],
                "document_number": [None, response.document_number],
            },
        )
        _settle_petition(petition, actor=actor)
    return response


# --- extensions -----------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *,
    actor: User,
    assignment: Assignment,
    new_due_on: date,
    reason: str,
    citizen_told_on: date | None,
) -> Extension:
    _petition, assignment = _lock_open(assignment)
    if new_due_on <= assignment.due_on:
        raise ValidationError(
            {
                "new_due_on": ValidationError(
                    EXTENSION_NOT_LATER, params={"date": f"{assignment.due_on:%d/%m/%Y}"}
                )
            }
        )
    calendar = get_calendar()
    try:
        working = calendar.is_working_day(new_due_on)
    except OutOfRange as exc:
        raise ValidationError({"new_due_on": str(exc)}) from exc
    if not working:
        raise ValidationError(
            {
                "new_due_on": ValidationError(
                    EXTENSION_NOT_WORKING_DAY, params={"day": f"{new_due_on:%d/%m/%Y}"}
                )
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": EXTENSION_REASON_REQUIRED})
    if citizen_told_on is None:
        raise ValidationError({"citizen_told_on": EXTENSION_CITIZEN_NOT_TOLD})
    _check_past_date("citizen_told_on", citizen_told_on, assignment)
    if assignment.extensions.filter(status=Extension.Status.REQUESTED).exists():
        raise ValidationError(EXTENSION_PENDING)
    extension = Extension.objects.create(
        assignment=assignment,
        old_due_on=assignment.due_on,
        new_due_on=new_due_on,
        reason=reason.strip(),
        citizen_told_on=citizen_told_on,
        requested_by=actor,
    )
    audit.record(
        assignment,
        actor=actor,
        action="extension_requested",
        changes={"new_due_on": [None, new_due_on.isoformat()]},
        reason=extension.reason,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: User, extension: Extension, accept: bool, note: str = ""
) -> Extension:
    """Accept or refuse a pending request. A request on an assignment closed meanwhile can
    still be settled; accepting it then changes no date."""
    if not accept and not note.strip():
        raise ValidationError({"note": EXTENSION_REFUSAL_REASON_REQUIRED})
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.status != Extension.Status.REQUESTED:
        raise ValidationError(EXTENSION_DECIDED)
    assignment = Assignment.objects.select_for_update().get(pk=extension.assignment_id)
    extension.status = Extension.Status.ACCEPTED if accept else Extension.Status.REFUSED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    changes: dict[str, list] = {"extension": ["requested", extension.status]}
    if accept and assignment.is_open:
        old_due = assignment.due_on
        assignment.due_on = extension.new_due_on
        assignment.extended = True
        assignment.due_explanation = (
            f"Gia hạn đến ngày {extension.new_due_on:%d/%m/%Y} (hạn trước: {old_due:%d/%m/%Y}; "
            f"công dân được thông báo ngày {extension.citizen_told_on:%d/%m/%Y})"
        )[:500]
        # A later due date may turn an overdue item into one not yet due.
        with track_petitions([assignment.petition_id]):
            assignment.save(update_fields=["due_on", "extended", "due_explanation", "updated_at"])
        changes["due_on"] = [old_due.isoformat(), extension.new_due_on.isoformat()]
        # The citizen's own record says when the answer is now due, and that they were told.
        audit.record(
            assignment.petition,
            actor=actor,
            action="extension_accepted",
            changes={"agency": [None, str(assignment.agency)], **changes},
            reason=extension.reason,
        )
    audit.record(
        assignment,
        actor=actor,
        action="extension_accepted" if accept else "extension_refused",
        changes=changes,
        reason=extension.decision_note,
    )
    return extension


# --- forwarding -----------------------------------------------------------------------------

#: Levels a matter can be forwarded to, by whether the session's unit has a parent.
FORWARD_LEVELS_FROM_LOCAL = frozenset(
    {Petition.Competence.PROVINCE, Petition.Competence.CENTRAL, Petition.Competence.OTHER_BODY}
)
FORWARD_LEVELS_FROM_TOP = frozenset({Petition.Competence.CENTRAL, Petition.Competence.OTHER_BODY})


@transaction.atomic
def petition_forward(
    *,
    actor: User,
    assignment: Assignment,
    level: str,
    to_body: str,
    document_number: str,
    forwarded_on: date,
    note: str = "",
    whole_petition: bool = False,
) -> Forwarding:
    """Send the matter to the competent level. Closes this assignment, or with
    `whole_petition` (an organiser's decision) every open assignment of the petition: an
    agency never closes another agency's work."""
    petition, assignment = _lock_open(assignment)
    unit = assignment.unit
    allowed = FORWARD_LEVELS_FROM_TOP if unit.parent_id is None else FORWARD_LEVELS_FROM_LOCAL
    if level not in allowed:
        raise ValidationError(
            {"level": ValidationError(FORWARD_LEVEL_NOT_HIGHER, params={"unit": unit})}
        )
    if not to_body.strip():
        raise ValidationError({"to_body": FORWARD_BODY_REQUIRED})
    if not document_number.strip():
        raise ValidationError({"document_number": FORWARD_DOCUMENT_REQUIRED})
    _check_past_date("forwarded_on", forwarded_on, assignment)
    forwarding = Forwarding.objects.create(
        assignment=assignment,
        level=level,
        to_body=to_body.strip(),
        document_number=document_number.strip(),
        forwarded_on=forwarded_on,
        note=note.strip(),
        recorded_by=actor,
    )
    with track_petitions([petition.pk]):
        closing = Assignment.objects.open().filter(petition=petition)
        if not whole_petition:
            closing = closing.filter(pk=assignment.pk)
        for other in closing.order_by("pk").select_for_update():
            _close(other, Assignment.Status.FORWARDED, on=forwarded_on)
            audit.record(
                other,
                actor=actor,
                action="forwarded",
                changes={"status": ["open", "forwarded"], "to": [None, forwarding.to_body]},
                reason=forwarding.document_number,
            )
        _settle_petition(petition, actor=actor)
    return forwarding


# --- calendar changes -----------------------------------------------------------------------


def recompute_due_dates(*, days: Iterable[date]) -> int:
    """Recount the open, not extended due dates whose span a changed calendar day touches.

    An extension fixes a date agreed with the citizen, so it is left as it is. Returns how many
    due dates changed; each change is recorded on its assignment. Safe to run again: a second
    run finds nothing to change. Set by set, in chunks (followups.recomputation); the workers run
    it as a claimed, resumable Recomputation instead.
    """
    return recomputation.recompute_due_dates(days=days)
