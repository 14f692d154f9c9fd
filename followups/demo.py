"""Demo conclusion notices, assignments, responses, extensions and forwardings for the sessions
that sessions/demo.py leaves held (shared/seeds/).

Each held session gets its conclusion notice, issued through followups.services a few days after
the session (within the profile's deadline) and allocated to the agencies that prepared the
answers; issuing it concludes the session. Then the agencies' work is recorded as it happened:
answers on time and late, extensions accepted and told to the citizen, matters forwarded to the
competent level, and a few assignments still open, so the overdue list has work in it.

The notices are history (fixed dates), so every assignment still open from them is overdue.
Two open assignments are kept due *relative to today* instead, by an accepted extension whose new
due date is counted in working days from `timezone.localdate()`: one due within two working days
(Sở Tài nguyên và Môi trường Hà Nam, the demo agency responder "coquan"), one due later. When the
demo is loaded again on a later day and such a date has slipped out of its window, one more
extension brings it back; on the same day nothing is written.

Idempotent: a notice is found by its session, an assignment by (notice, petition, agency), an
extension by (assignment, new due date); a step is taken only where the assignment still waits for
it, and nothing dated after today is recorded. Runs after petitions/demo.py (app order).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from dialogue import demo_data
from dialogue.models import Agency, Membership, Role, User
from dialogue.workcalendar import get_calendar
from dialogue.workdays import WorkCalendar
from followups import services
from followups.documents import draft_body
from followups.models import Assignment, ConclusionNotice, Response
from petitions.models import Petition
from sessions import demo as session_demo
from sessions.models import DialogueSession

ORGANISER = "tochuc"

IN_WRITING = Response.Method.IN_WRITING

#: Open assignments kept due relative to today (see the module docstring).
DUE_SOON = "due_soon"
ON_TIME = "on_time"
#: Due soon: within this many working days of today (the "due in 2 working days" reminder).
DUE_SOON_WORKING_DAYS = 2
#: On time: the extension gives this many working days from today.
ON_TIME_WORKING_DAYS = 10
ACCEPTED_NOTE = "Đồng ý gia hạn; cơ quan đã thông báo cho công dân."


@dataclass(frozen=True)
class DemoExtension:
    citizen_told_on: date
    new_due_on: date
    reason: str


@dataclass(frozen=True)
class DemoResponse:
    responded_on: date
    text: str
    method: str = IN_WRITING
    document_number: str = ""


@dataclass(frozen=True)
class DemoForwarding:
    forwarded_on: date
    level: str
    to_body: str
    document_number: str
    note: str = ""


@dataclass(frozen=True)
class DemoAssignment:
    """One agency's part in one petition, and what became of it. Without a response or a
    forwarding it stays open: overdue, unless `keep_due` keeps it due relative to today."""

    petitioner: str  # the petition of the notice's session, by petitioner's name
    agency: str  # agency of the petition's unit or of a unit above it
    extension: DemoExtension | None = None
    response: DemoResponse | None = None
    forwarding: DemoForwarding | None = None
    keep_due: str = ""  # DUE_SOON or ON_TIME
    keep_due_reason: str = ""


@dataclass(frozen=True)
class DemoNotice:
    session: str  # DemoSession.key of sessions/demo.py
    number: str
    issued_on: date
    assignments: tuple[DemoAssignment, ...]


#: The conclusion notices and what became of their assignments (dialogue/demo_data/).
NOTICES = tuple(demo_data.build(DemoNotice, item) for item in demo_data.section("notices"))


def due_soon_until(today: date, calendar: WorkCalendar) -> date:
    """The last due date that counts as "due soon" on `today`."""
    return calendar.add_working_days(today, DUE_SOON_WORKING_DAYS)


def keeps_due(keep_due: str, due_on: date, *, today: date, calendar: WorkCalendar) -> bool:
    """Whether `due_on` is still in the window the demo keeps it in on `today`."""
    soon = due_soon_until(today, calendar)
    if keep_due == DUE_SOON:
        return today <= due_on <= soon
    return due_on > soon


def kept_due_on(keep_due: str, *, today: date, calendar: WorkCalendar) -> date:
    """The new due date an extension gives, counted in working days from `today`."""
    days = DUE_SOON_WORKING_DAYS if keep_due == DUE_SOON else ON_TIME_WORKING_DAYS
    return calendar.add_working_days(today, days)


def _petition(session: DialogueSession, petitioner: str) -> Petition:
    """The petitioner's petition collected before the session (one raised and answered at the
    session is settled there and never assigned)."""
    return session.petitions.exclude(source=Petition.Source.AT_SESSION).get(
        petitioner_name=petitioner, duplicate_of__isnull=True
    )


def _responder(agency: Agency, organiser: User) -> User:
    """The agency's own responder where the demo has one (coquan), else the organiser who
    records the agency's answer."""
    membership = (
        Membership.objects.filter(agency=agency, role=Role.AGENCY_RESPONDER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else organiser


# --- the loader ---------------------------------------------------------------------------------


def _issue(spec: DemoNotice, session: DialogueSession, organiser: User) -> ConclusionNotice | None:
    notice = ConclusionNotice.objects.filter(session=session).first()
    if notice is not None and notice.is_issued:
        return notice
    if session.status not in services.NOTICE_STATUSES:
        return None
    notice = services.notice_draft(actor=organiser, session=session)
    # The first draft counts the due dates from today; the demo issues on a past date.
    body = draft_body(session, notice_on=spec.issued_on)
    if notice.body != body:
        notice = services.notice_update(actor=organiser, notice=notice, body=body)
    allocations: dict[int, list[Agency]] = {}
    for item in spec.assignments:
        petition = _petition(session, item.petitioner)
        allocations.setdefault(petition.pk, []).append(
            session_demo.agency_for(petition.unit, item.agency)
        )
    return services.notice_issue(
        actor=organiser,
        notice=notice,
        allocations=allocations,
        number=spec.number,
        issued_on=spec.issued_on,
    )


def _extend(
    assignment: Assignment,
    *,
    new_due_on: date,
    citizen_told_on: date,
    reason: str,
    requester: User,
    organiser: User,
) -> Assignment:
    if not assignment.extensions.filter(new_due_on=new_due_on).exists():
        extension = services.extension_request(
            actor=requester,
            assignment=assignment,
            new_due_on=new_due_on,
            reason=reason,
            citizen_told_on=citizen_told_on,
        )
        services.extension_decide(
            actor=organiser, extension=extension, accept=True, note=ACCEPTED_NOTE
        )
    return Assignment.objects.get(pk=assignment.pk)


def _follow_up(
    item: DemoAssignment,
    assignment: Assignment,
    *,
    organiser: User,
    today: date,
    calendar: WorkCalendar,
) -> None:
    responder = _responder(assignment.agency, organiser)
    extension = item.extension
    if extension and assignment.is_open and extension.citizen_told_on <= today:
        assignment = _extend(
            assignment,
            new_due_on=extension.new_due_on,
            citizen_told_on=extension.citizen_told_on,
            reason=extension.reason,
            requester=responder,
            organiser=organiser,
        )
    response = item.response
    if response and assignment.is_open and response.responded_on <= today:
        services.response_record(
            actor=responder,
            assignment=assignment,
            responded_on=response.responded_on,
            method=response.method,
            text=response.text,
            document_number=response.document_number,
        )
    forwarding = item.forwarding
    if forwarding and assignment.is_open and forwarding.forwarded_on <= today:
        services.petition_forward(
            actor=organiser,
            assignment=assignment,
            level=forwarding.level,
            to_body=forwarding.to_body,
            document_number=forwarding.document_number,
            forwarded_on=forwarding.forwarded_on,
            note=forwarding.note,
            whole_petition=True,  # the organiser forwards the matter, every agency's part
        )
    if item.keep_due and assignment.is_open:
        if keeps_due(item.keep_due, assignment.due_on, today=today, calendar=calendar):
            return
        new_due_on = kept_due_on(item.keep_due, today=today, calendar=calendar)
        if new_due_on > assignment.due_on:  # never earlier (a clock set back)
            _extend(
                assignment,
                new_due_on=new_due_on,
                citizen_told_on=today,
                reason=item.keep_due_reason,
                requester=responder,
                organiser=organiser,
            )


def _load_notice(spec: DemoNotice, units, organiser: User, today: date, calendar) -> None:
    session = session_demo.find_session(spec.session, units)
    if spec.issued_on > today:
        return
    notice = _issue(spec, session, organiser)
    if notice is None:
        return
    assignments = {
        (a.petition_id, a.agency_id): a for a in Assignment.objects.filter(notice=notice)
    }
    for item in spec.assignments:
        petition = _petition(session, item.petitioner)
        agency = session_demo.agency_for(petition.unit, item.agency)
        assignment = assignments[(petition.pk, agency.pk)]
        assignment.refresh_from_db()  # a forwarding closes the petition's other parts
        _follow_up(item, assignment, organiser=organiser, today=today, calendar=calendar)


@transaction.atomic
def load() -> None:
    today = timezone.localdate()
    calendar = get_calendar()
    units = session_demo.demo_units()
    organiser = User.objects.get(username=ORGANISER)
    for spec in NOTICES:
        _load_notice(spec, units, organiser, today, calendar)
