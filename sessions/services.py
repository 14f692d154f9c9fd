"""Writes of plans, sessions and speakers. Every change is recorded (dialogue.audit)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dialogue import audit, document_cache, document_systems
from dialogue.models import AdministrativeUnit, Agency, Role, User
from dialogue.services import check_unit_exists_on
from dialogue.textfold import fold, search_document
from dialogue.workcalendar import get_calendar
from sessions import documents, timeline
from sessions.models import DialogueSession, Plan, PlanTask, SessionMilestone, Speaker

PLAN_READ_ONLY = _(
    "This plan has been issued: it can only be changed through an amendment with a reason."
)
PLAN_NOT_ISSUED = _("Only an issued plan is amended; edit the draft directly.")
PLAN_ISSUE_MISSING = _("To issue the plan, fill in: %(fields)s.")
REASON_REQUIRED = _("Give the reason for this change.")
SESSION_READ_ONLY = _("The session has started: its details can no longer be changed here.")
SESSION_ENDS_BEFORE_START = _("The session cannot end before it starts.")
SECRETARY_LIMIT = _("A session has at most two secretaries.")
SECRETARY_NOT_MEMBER = _("%(name)s is not a secretary of %(unit)s.")
TRANSITION_NOT_ALLOWED = _("A session cannot go from “%(from)s” to “%(to)s”.")
SCHEDULE_MISSING = _("To schedule the session, fill in: %(fields)s.")
SCHEDULE_DEADLINES_PASSED = _(
    "These preparation deadlines have already passed: %(items)s. "
    "Confirm to schedule the session anyway."
)
CANCEL_REASON_REQUIRED = _("Give the reason for cancelling the session.")
MILESTONE_NOT_IN_PROFILE = _("This milestone is not part of the session's deadline profile.")
UNDER_18 = _(
    "Only citizens aged 18 or over may take part (born in %(year)s or earlier for a session in "
    "%(session_year)s). Hướng dẫn của Sở Nội vụ tỉnh Điện Biên (2024): “Tất cả người dân được "
    "mời tham dự Hội nghị trao đổi, đối thoại phải đủ từ 18 tuổi trở lên, có đủ năng lực hành vi "
    "dân sự”."
)
BIRTH_YEAR_IMPLAUSIBLE = _("Enter a year of birth between 1900 and %(year)s.")
REGISTRATION_CLOSED = _("Speakers can no longer be registered: the session is %(status)s.")

#: The session workflow (STYLE: workflows are data). Guards are in `_check_transition`.
TRANSITIONS: dict[str, frozenset[str]] = {
    DialogueSession.Status.DRAFT: frozenset({"scheduled", "cancelled"}),
    DialogueSession.Status.SCHEDULED: frozenset({"draft", "in_progress", "cancelled"}),
    DialogueSession.Status.IN_PROGRESS: frozenset({"held"}),
    DialogueSession.Status.HELD: frozenset({"concluded"}),
    DialogueSession.Status.CONCLUDED: frozenset({"closed"}),
    DialogueSession.Status.CLOSED: frozenset(),
    DialogueSession.Status.CANCELLED: frozenset(),
}
#: What the button that moves a session to each status says: an action, not the state reached.
TRANSITION_ACTIONS: dict[str, str] = {
    DialogueSession.Status.DRAFT: _("Back to draft"),
    DialogueSession.Status.SCHEDULED: _("Schedule the session"),
    DialogueSession.Status.IN_PROGRESS: _("Start the session"),
    DialogueSession.Status.HELD: _("Record that the session was held"),
    DialogueSession.Status.CONCLUDED: _("Record the conclusion"),
    DialogueSession.Status.CLOSED: _("Close the file"),
    DialogueSession.Status.CANCELLED: _("Cancel the session"),
}
EDITABLE_SESSION_STATUSES = frozenset({"draft", "scheduled"})
REGISTRATION_STATUSES = frozenset({"draft", "scheduled", "in_progress"})
ADULT_AGE = 18
PLAN_DOCUMENT = "plan"

PLAN_FIELDS = (
    "parent_body",
    "issuing_body",
    "system",
    "number",
    "place",
    "issued_on",
    "title",
    "year",
    "legal_bases",
    "purpose",
    "requirements",
    "topics",
    "recipients",
    "signer_capacity",
    "signer_body",
    "signer_delegation",
    "signer_title",
    "signer_name",
    "profile",
)
SESSION_FIELDS = (
    "kind",
    "title",
    "topics",
    "starts_at",
    "ends_at",
    "venue",
    "chair_name",
    "chair_title",
    "co_chairs",
    "participants",
    "invited_count",
    "expected_count",
    "invitation_number",
    "invitation_date",
    "invitation_addressee",
)
SPEAKER_FIELDS = (
    "full_name",
    "birth_year",
    "address",
    "organisation",
    "phone",
    "topic",
    "summary",
    "channel",
)
#: A speaker's personal data: shown to those who run the session, masked in the admin's history.
SPEAKER_PERSONAL_FIELDS = frozenset({"birth_year", "address", "phone"})


@dataclass(frozen=True)
class TaskLine:
    """One "who does what" line of a plan, as the form hands it over."""

    duty: str
    agency: Agency | None = None
    assignee: str = ""


# --- plans -----------------------------------------------------------------------------------


def _tasks_text(plan: Plan) -> str:
    return "\n".join(f"{t.who}: {t.duty}" for t in plan.tasks.select_related("agency"))


def _replace_tasks(plan: Plan, tasks: list[TaskLine]) -> None:
    plan.tasks.all().delete()
    PlanTask.objects.bulk_create(
        PlanTask(plan=plan, position=i, agency=t.agency, assignee=t.assignee, duty=t.duty)
        for i, t in enumerate(tasks, start=1)
    )


def _plan_search(plan: Plan) -> str:
    return search_document(plan.number, plan.title, plan.topics, plan.issuing_body)


@transaction.atomic
def plan_create(
    *, actor: User, unit: AdministrativeUnit, tasks: list[TaskLine], **fields: Any
) -> Plan:
    if not fields.get("system"):
        # A plan entered without its system (an import, the demo): read it from the body's name.
        fields["system"] = document_systems.system_for_body(fields.get("issuing_body", ""))
    plan = Plan(unit=unit, created_by=actor, **fields)
    plan.search = _plan_search(plan)
    plan.full_clean()
    plan.save()
    _replace_tasks(plan, tasks)
    audit.record(plan, actor=actor, action="created")
    return plan


def _plan_save(plan: Plan, *, actor: User, fields: dict, tasks, action: str, reason: str = ""):
    before = {**audit.snapshot(plan, PLAN_FIELDS), "tasks": _tasks_text(plan)}
    if "system" in fields and not fields["system"]:
        fields["system"] = document_systems.system_for_body(
            fields.get("issuing_body", plan.issuing_body)
        )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.search = _plan_search(plan)
    plan.full_clean()
    plan.save(update_fields=[*fields, "search", "updated_at"])
    if tasks is not None:
        _replace_tasks(plan, tasks)
    after = {**audit.snapshot(plan, PLAN_FIELDS), "tasks": _tasks_text(plan)}
    audit.record(plan, actor=actor, action=action, changes=audit.diff(before, after), reason=reason)
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: Plan, tasks: list[TaskLine] | None = None, **fields: Any
) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_issued:
        raise ValidationError(PLAN_READ_ONLY)
    return _plan_save(plan, actor=actor, fields=fields, tasks=tasks, action="updated")


@transaction.atomic
def plan_issue(*, actor: User, plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_issued:
        raise ValidationError(PLAN_READ_ONLY)
    missing = [
        str(Plan._meta.get_field(name).verbose_name)
        for name in ("number", "issued_on", "signer_title", "signer_name")
        if not getattr(plan, name)
    ]
    if missing:
        raise ValidationError(PLAN_ISSUE_MISSING, params={"fields": ", ".join(missing)})
    plan.status = Plan.Status.ISSUED
    plan.save(update_fields=["status", "updated_at"])
    audit.record(plan, actor=actor, action="issued", changes={"status": ["draft", "issued"]})
    _store_plan_pdf(plan, actor=actor)
    return plan


def _store_plan_pdf(plan: Plan, *, actor: User, reason: str = "") -> None:
    # The issued text is kept as issued; amendments add versions, nothing is re-rendered later.
    # A long plan is rendered by a worker from this snapshot.
    document_cache.issue(
        obj=plan,
        kind=PLAN_DOCUMENT,
        html=documents.plan_html(plan),
        filename=f"ke-hoach-{plan.pk}.pdf",
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def plan_amend(
    *, actor: User, plan: Plan, reason: str, tasks: list[TaskLine] | None = None, **fields: Any
) -> Plan:
    """Change an issued plan: allowed only with a reason, which is recorded with the diff."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_issued:
        raise ValidationError(PLAN_NOT_ISSUED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    plan = _plan_save(
        plan, actor=actor, fields=fields, tasks=tasks, action="amended", reason=reason.strip()
    )
    _store_plan_pdf(plan, actor=actor, reason=reason.strip())
    return plan


# --- sessions --------------------------------------------------------------------------------


def _check_secretaries(unit: AdministrativeUnit, secretaries: list[User]) -> None:
    if len(secretaries) > 2:
        raise ValidationError({"secretaries": SECRETARY_LIMIT})
    allowed = set(
        User.objects.filter(
            memberships__unit=unit,
            memberships__role=Role.SECRETARY,
            pk__in=[u.pk for u in secretaries],
        ).values_list("pk", flat=True)
    )
    for user in secretaries:
        if user.pk not in allowed:
            raise ValidationError(
                {
                    "secretaries": ValidationError(
                        SECRETARY_NOT_MEMBER, params={"name": user, "unit": unit}
                    )
                }
            )


def _session_search(session: DialogueSession) -> str:
    return search_document(session.title, session.topics, session.venue, session.chair_name)


def _check_times(session: DialogueSession) -> None:
    if session.starts_at and session.ends_at and session.ends_at < session.starts_at:
        raise ValidationError({"ends_at": SESSION_ENDS_BEFORE_START})
    if session.starts_at:
        # A unit merged away keeps its past sessions, but no new one is held in it.
        check_unit_exists_on(session.unit, timezone.localdate(session.starts_at), field="starts_at")


@transaction.atomic
def session_create(
    *, actor: User, plan: Plan, secretaries: list[User], **fields: Any
) -> DialogueSession:
    session = DialogueSession(
        plan=plan,
        unit=plan.unit,
        created_by=actor,
        display_token=secrets.token_urlsafe(24),
        **fields,
    )
    _check_times(session)
    _check_secretaries(plan.unit, secretaries)
    session.search = _session_search(session)
    session.full_clean(exclude=["secretaries"])
    session.save()
    session.secretaries.set(secretaries)
    audit.record(session, actor=actor, action="created")
    return session


def _secretary_names(session: DialogueSession) -> str:
    return ", ".join(sorted(str(u) for u in session.secretaries.all()))


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: DialogueSession,
    secretaries: list[User] | None = None,
    **fields: Any,
) -> DialogueSession:
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in EDITABLE_SESSION_STATUSES:
        raise ValidationError(SESSION_READ_ONLY)
    before = {**audit.snapshot(session, fields), "secretaries": _secretary_names(session)}
    for name, value in fields.items():
        setattr(session, name, value)
    _check_times(session)
    session.search = _session_search(session)
    session.full_clean(exclude=["secretaries"])
    session.save(update_fields=[*fields, "search", "updated_at"])
    if secretaries is not None:
        _check_secretaries(session.unit, secretaries)
        session.secretaries.set(secretaries)
    after = {**audit.snapshot(session, fields), "secretaries": _secretary_names(session)}
    audit.record(session, actor=actor, action="updated", changes=audit.diff(before, after))
    return session


def session_timeline(session: DialogueSession, *, today: date | None = None):
    """The session's milestones with their dates and states (see sessions.timeline), counted
    from the actual start and end once they have happened, like the assignments."""
    starts_on = timezone.localdate(session.started_at or session.starts_at)
    ends_on = timezone.localdate(session.ended_at or session.ends_at)
    done = dict(session.milestones_done.values_list("milestone", "done_on"))
    return timeline.build(
        rules=session.plan.profile.rules.all(),
        anchors=timeline.anchor_dates(
            starts_on=starts_on, ends_on=ends_on, notice_issued_on=_notice_issued_on(session)
        ),
        done=done,
        today=today or timezone.localdate(),
        calendar=get_calendar(),
    )


def _notice_issued_on(session: DialogueSession) -> date | None:
    # The conclusion notice lives in `followups` (a higher app): read it through the
    # milestone recorded when it is issued, never by importing it.
    return (
        session.milestones_done.filter(milestone="conclusion_notice")
        .values_list("done_on", flat=True)
        .first()
    )


class ConfirmationRequired(ValidationError):
    """The transition is allowed, but only once the user confirms a warning."""


def _check_transition(session: DialogueSession, to: str, *, confirm: bool, reason: str) -> list:
    """Refuse a move the workflow does not allow; return the passed preparation deadlines the
    user confirmed (scheduling only)."""
    if to not in TRANSITIONS[session.status]:
        raise ValidationError(
            TRANSITION_NOT_ALLOWED,
            params={
                "from": session.get_status_display(),
                "to": DialogueSession.Status(to).label,
            },
        )
    if to == DialogueSession.Status.CANCELLED and not reason.strip():
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED})
    if to == DialogueSession.Status.SCHEDULED:
        missing = []
        if not session.venue:
            missing.append(str(DialogueSession._meta.get_field("venue").verbose_name))
        if not session.secretaries.exists():
            missing.append(str(DialogueSession._meta.get_field("secretaries").verbose_name))
        if missing:
            raise ValidationError(SCHEDULE_MISSING, params={"fields": ", ".join(missing)})
        passed = timeline.passed_preparations(session_timeline(session))
        if passed and not confirm:
            raise ConfirmationRequired(
                SCHEDULE_DEADLINES_PASSED,
                params={
                    "items": "; ".join(f"{i.label} ({i.due:%d/%m/%Y})" for i in passed),
                },
            )
        return passed
    return []


@transaction.atomic
def session_transition(
    *, actor: User, session: DialogueSession, to: str, confirm: bool = False, reason: str = ""
) -> DialogueSession:
    """Move the session along its workflow; every move is recorded with who, when and why."""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.status == to:
        # A double click, or a second tab: the state asked for is reached, nothing to record.
        return session
    passed = _check_transition(session, to, confirm=confirm, reason=reason)
    old = session.status
    now = timezone.now()
    session.status = to
    session.status_changed_at = now
    update = ["status", "status_changed_at", "updated_at"]
    if to == DialogueSession.Status.IN_PROGRESS and session.started_at is None:
        session.started_at = now
        update.append("started_at")
    if to == DialogueSession.Status.HELD and session.ended_at is None:
        session.ended_at = now
        update.append("ended_at")
    session.save(update_fields=update)
    if passed:
        reason = reason or str(_("Scheduled although preparation deadlines had passed."))
    audit.record(
        session, actor=actor, action="status", changes={"status": [old, to]}, reason=reason
    )
    return session


@transaction.atomic
def milestone_mark_done(
    *, actor: User, session: DialogueSession, milestone: str, done_on: date, note: str = ""
) -> SessionMilestone:
    if not session.plan.profile.rules.filter(milestone=milestone).exists():
        raise ValidationError({"milestone": MILESTONE_NOT_IN_PROFILE})
    row, _created = SessionMilestone.objects.update_or_create(
        session=session,
        milestone=milestone,
        defaults={"done_on": done_on, "note": note, "recorded_by": actor},
    )
    audit.record(
        session,
        actor=actor,
        action="milestone",
        changes={milestone: [None, done_on.isoformat()]},
        reason=note,
    )
    return row


# --- speakers --------------------------------------------------------------------------------


def _console_changed(session_id: int, **rows: Any) -> None:
    """Tell the live console (sessions.console imports this module, hence the late import)."""
    from sessions import console

    console.bump(session_id, **rows)


def speaker_identity_key(full_name: str, address: str) -> str:
    """Same folded name and address: likely the same person registering twice."""
    return f"{fold(full_name)}|{fold(address)}"[:460]


def _check_speaker(session: DialogueSession, birth_year: int) -> None:
    this_year = timezone.localdate().year
    if not 1900 <= birth_year <= this_year:
        raise ValidationError(
            {"birth_year": ValidationError(BIRTH_YEAR_IMPLAUSIBLE, params={"year": this_year})}
        )
    session_year = timezone.localdate(session.starts_at).year
    # The Điện Biên rule is checked by year of birth: the age reached in the session's year.
    if session_year - birth_year < ADULT_AGE:
        raise ValidationError(
            {
                "birth_year": ValidationError(
                    UNDER_18,
                    params={"year": session_year - ADULT_AGE, "session_year": session_year},
                )
            }
        )


@transaction.atomic
def speaker_register(*, actor: User, session: DialogueSession, **fields: Any) -> Speaker:
    """Add a speaker at the end of the queue; a likely duplicate is flagged, not refused."""
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in REGISTRATION_STATUSES:
        raise ValidationError(
            REGISTRATION_CLOSED, params={"status": session.get_status_display().lower()}
        )
    _check_speaker(session, fields["birth_year"])
    speaker = Speaker(session=session, registered_by=actor, **fields)
    speaker.identity_key = speaker_identity_key(speaker.full_name, speaker.address)
    speaker.likely_duplicate_of = (
        session.speakers.filter(identity_key=speaker.identity_key).order_by("pk").first()
    )
    last = session.speakers.aggregate(last=Max("position"))["last"] or 0
    speaker.position = last + 1
    speaker.search = search_document(speaker.full_name, speaker.address, speaker.topic)
    speaker.full_clean()
    speaker.save()
    audit.record(speaker, actor=actor, action="registered")
    return speaker


@transaction.atomic
def speaker_update(*, actor: User, speaker: Speaker, **fields: Any) -> Speaker:
    speaker = Speaker.objects.select_for_update().select_related("session").get(pk=speaker.pk)
    if speaker.session.status not in REGISTRATION_STATUSES:
        raise ValidationError(
            REGISTRATION_CLOSED, params={"status": speaker.session.get_status_display().lower()}
        )
    if "birth_year" in fields:
        _check_speaker(speaker.session, fields["birth_year"])
    before = audit.snapshot(speaker, fields)
    for name, value in fields.items():
        setattr(speaker, name, value)
    speaker.identity_key = speaker_identity_key(speaker.full_name, speaker.address)
    speaker.likely_duplicate_of = (
        speaker.session.speakers.filter(identity_key=speaker.identity_key)
        .exclude(pk=speaker.pk)
        .order_by("pk")
        .first()
    )
    speaker.search = search_document(speaker.full_name, speaker.address, speaker.topic)
    speaker.full_clean()
    speaker.save(update_fields=[*fields, "identity_key", "likely_duplicate_of", "search"])
    audit.record(
        speaker,
        actor=actor,
        action="updated",
        changes=audit.diff(before, audit.snapshot(speaker, fields)),
    )
    # The console shows the speaker, and the speaker's name beside each of their entries.
    renamed = before.get("full_name", speaker.full_name) != speaker.full_name
    _console_changed(
        speaker.session_id,
        speakers=[speaker.pk],
        entries=speaker.minutes_entries.values_list("pk", flat=True) if renamed else (),
    )
    return speaker


@transaction.atomic
def speaker_move(*, actor: User, speaker: Speaker, to_position: int) -> Speaker:
    """Put `speaker` at `to_position` (1-based) in the queue and renumber the others."""
    session = DialogueSession.objects.select_for_update().get(pk=speaker.session_id)
    queue = list(session.speakers.order_by("position", "pk"))
    current = next(s for s in queue if s.pk == speaker.pk)
    queue.remove(current)
    to_position = max(1, min(to_position, len(queue) + 1))
    queue.insert(to_position - 1, current)
    changed = []
    for index, row in enumerate(queue, start=1):
        if row.position != index:
            row.position = index
            changed.append(row)
    Speaker.objects.bulk_update(changed, ["position"])
    _console_changed(session.pk, speakers=[row.pk for row in changed])
    audit.record(
        current,
        actor=actor,
        action="moved",
        changes={"position": [speaker.position, to_position]},
    )
    current.refresh_from_db()
    return current


LEGAL_HOLD_REASON_REQUIRED = _("Say why the personal data must be kept (the legal hold).")


@transaction.atomic
def session_set_legal_hold(
    *, actor: User, session: DialogueSession, hold: bool, reason: str = ""
) -> DialogueSession:
    """Keep (or stop keeping) the session's citizens' data past the retention period."""
    if hold and not reason.strip():
        raise ValidationError({"legal_hold_reason": LEGAL_HOLD_REASON_REQUIRED})
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    before = {"legal_hold": session.legal_hold}
    session.legal_hold = hold
    session.legal_hold_reason = reason.strip() if hold else ""
    session.save(update_fields=["legal_hold", "legal_hold_reason", "updated_at"])
    audit.record(
        session,
        actor=actor,
        action="legal_hold",
        changes=audit.diff(before, {"legal_hold": hold}),
        reason=session.legal_hold_reason,
    )
    return session
