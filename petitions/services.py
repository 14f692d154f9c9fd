"""Writes of petitions and of the answers agencies prepare before the session."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit, deadlines
from dialogue.models import Agency, Milestone, User
from dialogue.textfold import search_document
from dialogue.workcalendar import get_calendar
from dialogue.workdays import Deadline
from petitions.changes import tracking as track_petitions
from petitions.models import Petition, Preparation
from sessions import console
from sessions.models import DialogueSession

ROUTING_REASON_REQUIRED = _(
    "Complaints and denunciations are not dialogued: say why and where the matter is routed "
    "(the complaint or denunciation procedure)."
)
DUPLICATE_OTHER_UNIT = _("A petition can only duplicate another petition of the same unit.")
DUPLICATE_OF_ITSELF = _("A petition cannot be a duplicate of itself.")
DUPLICATE_OF_DUPLICATE = _(
    "That petition is itself a duplicate of no. %(number)s: choose no. %(number)s instead."
)
HAS_DUPLICATES = _(
    "Other petitions are recorded as duplicates of this one, so it cannot become a duplicate."
)
#: Personal data is not copied into the change history, which every reader of the page sees.
PERSONAL_FIELDS = frozenset({"petitioner_address", "petitioner_phone"})
HIDDEN_VALUE = "***"
AGENCY_OUT_OF_REACH = _("%(agency)s cannot be asked: choose an agency of %(unit)s or above it.")
PREPARATION_EXISTS = _("%(agency)s has already been asked to prepare this answer.")
PREPARATION_ROUTED_OUT = _("This petition is routed out of the dialogue: no answer is prepared.")
ANSWER_REQUIRED = _("Enter the prepared answer.")
SESSION_CLOSED_FOR_PETITIONS = _("Petitions of a %(status)s session are no longer collected here.")

#: The session statuses in which petitions collected beforehand are still recorded.
COLLECTING_STATUSES = frozenset({"draft", "scheduled", "in_progress", "held"})

PETITION_FIELDS = (
    "source",
    "received_on",
    "petitioner_name",
    "petitioner_address",
    "petitioner_phone",
    "signatories",
    "content",
    "field",
    "competence",
    "scope",
    "routing_reason",
    "duplicate_of",
    "times_raised",
)


def _search(petition: Petition) -> str:
    return search_document(petition.petitioner_name, petition.petitioner_address, petition.content)


def _derive_status(petition: Petition) -> None:
    """Scope and duplicate decide the status of a petition not yet being prepared."""
    if petition.scope in Petition.ROUTED_SCOPES:
        petition.status = Petition.Status.ROUTED_OUT
    elif petition.duplicate_of_id:
        petition.status = Petition.Status.DUPLICATE
    elif petition.status in (Petition.Status.ROUTED_OUT, Petition.Status.DUPLICATE):
        petition.status = (
            Petition.Status.PREPARING
            if petition.pk and petition.preparations.exists()
            else Petition.Status.RECEIVED
        )
    petition.is_resolved = petition.status in Petition.RESOLVED_STATUSES


def _validate(petition: Petition) -> None:
    if petition.scope in Petition.ROUTED_SCOPES and not petition.routing_reason.strip():
        raise ValidationError({"routing_reason": ROUTING_REASON_REQUIRED})
    original = petition.duplicate_of
    if original is not None:
        if petition.pk and original.pk == petition.pk:
            raise ValidationError({"duplicate_of": DUPLICATE_OF_ITSELF})
        if original.unit_id != petition.unit_id:
            raise ValidationError({"duplicate_of": DUPLICATE_OTHER_UNIT})
        # One level only: every repeat counts on the one original, and no cycle can hide a
        # matter from the unresolved list.
        if original.duplicate_of_id:
            raise ValidationError(
                {
                    "duplicate_of": ValidationError(
                        DUPLICATE_OF_DUPLICATE, params={"number": original.duplicate_of_id}
                    )
                }
            )
        if petition.pk and petition.duplicates.exists():
            raise ValidationError({"duplicate_of": HAS_DUPLICATES})


def _count_duplicate(old_original_id: int | None, new_original_id: int | None) -> None:
    # A matter raised again counts on the original, which therefore rises in every list.
    if old_original_id == new_original_id:
        return
    if old_original_id:
        Petition.objects.filter(pk=old_original_id, times_raised__gt=1).update(
            times_raised=F("times_raised") - 1
        )
    if new_original_id:
        Petition.objects.filter(pk=new_original_id).update(times_raised=F("times_raised") + 1)


def petitions_closed_reason(session: DialogueSession) -> str | None:
    """Why petitions collected beforehand can no longer be recorded for `session`, or None
    while they can: the pages offer the form only when this is None, the service refuses else."""
    if session.status in COLLECTING_STATUSES:
        return None
    return SESSION_CLOSED_FOR_PETITIONS % {"status": session.get_status_display().lower()}


@transaction.atomic
def petition_create(*, actor: User, session: DialogueSession, **fields: Any) -> Petition:
    if (reason := petitions_closed_reason(session)) is not None:
        raise ValidationError(reason)
    petition = Petition(session=session, unit_id=session.unit_id, created_by=actor, **fields)
    _validate(petition)
    _derive_status(petition)
    petition.search = _search(petition)
    petition.full_clean()
    with track_petitions() as tracked:
        petition.save()
        tracked.created([petition.pk])
    _count_duplicate(None, petition.duplicate_of_id)
    audit.record(
        petition,
        actor=actor,
        action="created",
        reason=petition.routing_reason if petition.is_routed_out else "",
    )
    return petition


@transaction.atomic
def petition_update(*, actor: User, petition: Petition, **fields: Any) -> Petition:
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    before = audit.snapshot(petition, fields) | {"status": petition.status}
    old_original = petition.duplicate_of_id
    for name, value in fields.items():
        setattr(petition, name, value)
    _validate(petition)
    _derive_status(petition)
    petition.search = _search(petition)
    petition.full_clean()
    with track_petitions([petition.pk]):
        petition.save(update_fields=[*fields, "status", "is_resolved", "search", "updated_at"])
    _count_duplicate(old_original, petition.duplicate_of_id)
    after = audit.snapshot(petition, fields) | {"status": petition.status}
    changes = audit.diff(before, after)
    for name in PERSONAL_FIELDS & changes.keys():
        changes[name] = [HIDDEN_VALUE, HIDDEN_VALUE]
    routed_now = petition.is_routed_out and before.get("scope") not in Petition.ROUTED_SCOPES
    audit.record(
        petition,
        actor=actor,
        action="routed_out" if routed_now else "updated",
        changes=changes,
        reason=petition.routing_reason if routed_now else "",
    )
    return petition


def preparation_deadline(session: DialogueSession) -> Deadline:
    """The profile's "prepared answers" date; without such a rule, the working day before."""
    calendar = get_calendar()
    starts_on = timezone.localdate(session.started_at or session.starts_at)
    rule = session.plan.profile.rules.filter(milestone=Milestone.PREPARED_ANSWERS).first()
    if rule is None:
        return calendar.explain(starts_on, -1, event=deadlines.ANCHOR_EVENTS["session_start"])
    return deadlines.compute(rule, starts_on, calendar)


@transaction.atomic
def preparation_assign(*, actor: User, petition: Petition, agency: Agency) -> Preparation:
    petition = (
        Petition.objects.select_for_update().select_related("session__plan").get(pk=petition.pk)
    )
    if petition.is_routed_out:
        raise ValidationError(PREPARATION_ROUTED_OUT)
    unit = petition.unit
    if not Agency.objects.serving(unit).filter(pk=agency.pk).exists():
        raise ValidationError(
            {
                "agency": ValidationError(
                    AGENCY_OUT_OF_REACH, params={"agency": agency, "unit": unit}
                )
            }
        )
    if petition.preparations.filter(agency=agency).exists():
        raise ValidationError(
            {"agency": ValidationError(PREPARATION_EXISTS, params={"agency": agency})}
        )
    deadline = preparation_deadline(petition.session)
    preparation = Preparation.objects.create(
        petition=petition,
        agency=agency,
        due_on=deadline.due,
        due_explanation=deadline.text[:500],
        assigned_by=actor,
    )
    if petition.status in (Petition.Status.RECEIVED, Petition.Status.PREPARED):
        old = petition.status
        petition.status = Petition.Status.PREPARING
        petition.save(update_fields=["status", "updated_at"])
        audit.record(petition, actor=actor, action="status", changes={"status": [old, "preparing"]})
    audit.record(
        petition,
        actor=actor,
        action="preparation_assigned",
        changes={"agency": [None, str(agency)], "due_on": [None, deadline.due.isoformat()]},
    )
    return preparation


@transaction.atomic
def preparation_record_answer(
    *, actor: User, preparation: Preparation, answer: str, answered_on: date
) -> Preparation:
    if not answer.strip():
        raise ValidationError({"answer": ANSWER_REQUIRED})
    preparation = Preparation.objects.select_for_update().get(pk=preparation.pk)
    before = {"answer": preparation.answer, "answered_on": preparation.answered_on}
    preparation.answer = answer.strip()
    preparation.answered_on = answered_on
    preparation.answer_recorded_by = actor
    preparation.save(update_fields=["answer", "answered_on", "answer_recorded_by"])
    petition = Petition.objects.select_for_update().get(pk=preparation.petition_id)
    audit.record(
        petition,
        actor=actor,
        action="answer_prepared",
        changes=audit.diff(before, {"answer": preparation.answer, "answered_on": answered_on}),
    )
    if (
        petition.status == Petition.Status.PREPARING
        and not petition.preparations.filter(answered_on__isnull=True).exists()
    ):
        petition.status = Petition.Status.PREPARED
        petition.save(update_fields=["status", "updated_at"])
        audit.record(
            petition, actor=actor, action="status", changes={"status": ["preparing", "prepared"]}
        )
    return preparation


ANSWER_AT_SESSION_REQUIRED = _("Write the answer given at the session, or choose to answer later.")
ANSWERED_BY_REQUIRED = _("Say who answered at the session.")
CAPTURE_NOT_RUNNING = _("Petitions are captured in the console only while the session is held.")


@transaction.atomic
def petition_capture(
    *,
    actor: User,
    session: DialogueSession,
    content: str,
    field,
    competence: str,
    scope: str,
    routing_reason: str = "",
    speaker=None,
    petitioner_name: str = "",
    minutes_entry=None,
    answered_now: bool = False,
    answer_at_session: str = "",
    answered_by: str = "",
) -> Petition:
    """A petition raised during the session, answered on the spot or taken away."""
    if session.status not in ("in_progress", "held"):
        raise ValidationError(CAPTURE_NOT_RUNNING)
    console.check_writable(session)  # finalised minutes take no more petitions
    if answered_now and scope not in Petition.ROUTED_SCOPES:
        missing = {}
        if not answer_at_session.strip():
            missing["answer_at_session"] = ANSWER_AT_SESSION_REQUIRED
        if not answered_by.strip():
            missing["answered_by"] = ANSWERED_BY_REQUIRED
        if missing:
            raise ValidationError(missing)
    petition = Petition(
        session=session,
        unit_id=session.unit_id,
        source=Petition.Source.AT_SESSION,
        # Raised at the session: received on its day, also when typed in after it (held).
        received_on=timezone.localdate(session.started_at or session.starts_at),
        petitioner_name=petitioner_name.strip() or (speaker.full_name if speaker else ""),
        petitioner_address=speaker.address if speaker else "",
        content=content,
        field=field,
        competence=competence,
        scope=scope,
        routing_reason=routing_reason,
        minutes_entry=minutes_entry,
        created_by=actor,
    )
    _validate(petition)
    _derive_status(petition)
    if petition.status == Petition.Status.RECEIVED:
        if answered_now:
            petition.status = Petition.Status.ANSWERED_AT_SESSION
            petition.answer_at_session = answer_at_session.strip()
            petition.answered_by = answered_by.strip()
        else:
            petition.status = Petition.Status.TO_ANSWER_AFTER
    petition.is_resolved = petition.status in Petition.RESOLVED_STATUSES
    petition.search = _search(petition)
    petition.full_clean()
    with track_petitions() as tracked:
        petition.save()
        tracked.created([petition.pk])
    audit.record(
        petition,
        actor=actor,
        action="captured",
        reason=petition.routing_reason if petition.is_routed_out else "",
    )
    return petition


RECEIPT_EMAIL_SUBJECT_TEMPLATE = "emails/receipt-subject.txt"
RECEIPT_EMAIL_BODY_TEMPLATE = "emails/receipt-body.txt"


def lookup_url(petition: Petition) -> str:
    """The absolute address of the petition's public status page (printed and e-mailed)."""
    query = urlencode({"ma": petition.reference})
    return f"{settings.SITE_URL}{reverse('public-lookup')}?{query}"


def petition_send_receipt(*, actor: User, petition: Petition, email: str) -> None:
    """E-mail the receipt to an address the secretary typed in. The address is not stored or
    recorded in the history (it is personal data); the history says a receipt was sent."""
    context = {"petition": petition, "url": lookup_url(petition)}
    subject = " ".join(render_to_string(RECEIPT_EMAIL_SUBJECT_TEMPLATE, context).split())
    body = render_to_string(RECEIPT_EMAIL_BODY_TEMPLATE, context)
    send_mail(subject, body, None, [email])
    audit.record(petition, actor=actor, action="receipt_sent")


LEGAL_HOLD_REASON_REQUIRED = _("Say why the personal data must be kept (the legal hold).")


@transaction.atomic
def petition_set_legal_hold(
    *, actor: User, petition: Petition, hold: bool, reason: str = ""
) -> Petition:
    """Keep (or stop keeping) the petition's personal data past the retention period."""
    if hold and not reason.strip():
        raise ValidationError({"legal_hold_reason": LEGAL_HOLD_REASON_REQUIRED})
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    before = {"legal_hold": petition.legal_hold}
    petition.legal_hold = hold
    petition.legal_hold_reason = reason.strip() if hold else ""
    petition.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
    audit.record(
        petition,
        actor=actor,
        action="legal_hold",
        changes=audit.diff(before, {"legal_hold": hold}),
        reason=petition.legal_hold_reason,
    )
    return petition
