"""`manage.py load_demo` issues a conclusion notice for every held demo session and leaves its
assignments in every state: answered on time and late, extended, forwarded, and open (overdue,
due soon, on time) relative to the day the demo is loaded. Loading again changes nothing.

Loading takes several seconds (plans and notices are stored as PDFs), so the module's demo is
loaded once, with the clock frozen, inside a transaction rolled back at the end. The tests that
load the demo on other days come first: they run before the module fixture is set up.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from dialogue import storage
from dialogue.documents import official_date
from dialogue.models import ChangeRecord, StoredDocument, User
from dialogue.workcalendar import get_calendar
from followups import deadlines, demo
from followups.models import Assignment, ConclusionNotice, Extension, Forwarding, Response
from petitions.models import Petition
from sessions import demo as session_demo
from sessions.models import DialogueSession

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
LATER = date(2027, 3, 1)
STATES = (
    "answered_on_time",
    "answered_late",
    "extended",
    "forwarded",
    "overdue",
    "due_soon",
    "on_time",
)
COUNTED = [ConclusionNotice, Assignment, Response, Extension, Forwarding, StoredDocument]


def load_demo(day: date) -> None:
    # DEBUG=1 as under `make run`: with DEBUG=0 the command refuses (tests/dialogue/test_load_demo).
    with (
        time_machine.travel(f"{day.isoformat()} 09:00 +07:00", tick=False),
        override_settings(DEBUG=True),
    ):
        call_command("load_demo", stdout=io.StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in [*COUNTED, ChangeRecord]}


def state_of(assignment: Assignment, *, today: date) -> set[str]:
    """Every state of the demo's list that `assignment` is in on `today`."""
    states = set()
    if assignment.extended:
        states.add("extended")
    if assignment.status == Assignment.Status.FORWARDED:
        states.add("forwarded")
    elif assignment.status == Assignment.Status.ANSWERED:
        [response] = assignment.responses.all()
        late = response.responded_on > assignment.due_on
        states.add("answered_late" if late else "answered_on_time")
    elif assignment.due_on < today:
        states.add("overdue")
    elif assignment.due_on <= demo.due_soon_until(today, get_calendar()):
        states.add("due_soon")
    else:
        states.add("on_time")
    return states


def states_on(today: date) -> dict[str, list[Assignment]]:
    found: dict[str, list[Assignment]] = {state: [] for state in STATES}
    for assignment in Assignment.objects.select_related("agency", "unit"):
        for state in state_of(assignment, today=today):
            found[state].append(assignment)
    return found


def supervisor() -> User:
    return User.objects.get(username="giamsat")


def responder() -> User:
    return User.objects.get(username="coquan")


# --- other days (before the module fixture is set up) ------------------------------------------


def test_overdue_and_due_soon_follow_the_day_the_demo_is_loaded_in_2027():
    load_demo(LATER)
    found = states_on(LATER)
    assert all(found[state] for state in STATES), {s: len(a) for s, a in found.items()}
    assert Assignment.objects.overdue_visible_to(supervisor()).overdue(on=LATER).exists()

    # A fortnight later the kept dates have slipped: one more extension each brings them back,
    # and nothing else is written.
    fortnight = date(2027, 3, 15)
    before = counts()
    load_demo(fortnight)
    after = counts()
    assert after["Extension"] == before["Extension"] + 2
    assert {k: v for k, v in after.items() if k not in ("Extension", "ChangeRecord")} == {
        k: v for k, v in before.items() if k not in ("Extension", "ChangeRecord")
    }
    found = states_on(fortnight)
    assert all(found[state] for state in STATES), {s: len(a) for s, a in found.items()}
    for assignment in found["due_soon"] + found["on_time"]:
        latest = assignment.extensions.order_by("-new_due_on").first()
        assert latest.status == Extension.Status.ACCEPTED
        assert latest.citizen_told_on == fortnight
        assert get_calendar().is_working_day(assignment.due_on)


# --- the demo as `make run` leaves it on 01/12/2026 ---------------------------------------------


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The demo loaded on TODAY, then again the same day and the next: counts after each."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            load_demo(TODAY)
            first = counts()
            load_demo(TODAY)
            second = counts()
            load_demo(date(2026, 12, 2))
            yield [first, second, counts()]
            transaction.set_rollback(True)


def test_loading_again_the_same_day_or_the_next_creates_nothing(loaded):
    first, second, next_day = loaded
    assert first["ConclusionNotice"] == len(demo.NOTICES) == 7
    assert first["Assignment"] == sum(len(n.assignments) for n in demo.NOTICES)
    assert first == second == next_day


def test_every_held_session_is_concluded_by_its_issued_notice_with_a_stored_pdf(loaded):
    assert not DialogueSession.objects.filter(status=DialogueSession.Status.HELD).exists()
    concluded = DialogueSession.objects.filter(status=DialogueSession.Status.CONCLUDED)
    assert concluded.count() == 7
    for session in concluded:
        notice = session.conclusion_notice
        assert notice.is_issued and notice.number and notice.signer_name and notice.signer_title
        assert deadlines.session_ended_on(session) <= notice.issued_on < TODAY
        document = storage.latest(notice, "notice")
        assert bytes(document.content).startswith(b"%PDF-")
        # The body counts the agencies' due date from the day the notice was issued.
        due = deadlines.response_deadline(
            session, notice_on=notice.issued_on, calendar=get_calendar()
        ).due
        assert f"chậm nhất ngày {official_date(due)}" in notice.body
        assert session.milestones_done.get(milestone="conclusion_notice").done_on == (
            notice.issued_on
        )
    # The profile's deadline for the notice is kept where the profile has one.
    ha_nam = session_demo.find_session("ha-nam-2018").conclusion_notice
    assert ha_nam.issued_on <= get_calendar().add_working_days(date(2018, 6, 14), 5)


def test_the_live_and_the_upcoming_sessions_are_left_as_they_were(loaded):
    assert session_demo.find_session(session_demo.LIVE_SESSION).status == "in_progress"
    assert session_demo.find_session("thanh-nua-2026").status == "scheduled"
    assert not ConclusionNotice.objects.exclude(session__status="concluded").exists()


def test_assignments_are_in_every_state_on_the_day_the_demo_is_loaded(loaded):
    found = states_on(TODAY)
    assert all(found[state] for state in STATES), {s: len(a) for s, a in found.items()}
    # Kept due relative to today by an accepted extension on a working day.
    for assignment in found["due_soon"] + found["on_time"]:
        assert assignment.extended
        assert get_calendar().is_working_day(assignment.due_on)
    # Extensions were told to the citizen before they were accepted.
    for extension in Extension.objects.all():
        assert extension.status == Extension.Status.ACCEPTED
        assert extension.assignment.assigned_on <= extension.citizen_told_on <= TODAY
        assert extension.new_due_on > extension.old_due_on
    # A forwarded matter leaves none of its parts open and the petition forwarded.
    for forwarding in Forwarding.objects.select_related("assignment__petition"):
        petition = forwarding.assignment.petition
        assert petition.status == Petition.Status.FORWARDED
        assert not petition.assignments.filter(status="open").exists()
    for response in Response.objects.select_related("assignment"):
        assert response.assignment.assigned_on <= response.responded_on <= TODAY
        if response.method == Response.Method.IN_WRITING:
            assert response.document_number


def test_the_demo_supervisor_sees_overdue_work_in_the_units_they_supervise(loaded):
    overdue = Assignment.objects.overdue_visible_to(supervisor()).overdue(on=TODAY)
    assert overdue.exists()
    units = session_demo.demo_units()
    roots = {"ha-nam": units["ha-nam"].path, "dien-bien": units["dien-bien"].path}
    provinces = {
        key
        for a in overdue.select_related("unit")
        for key, path in roots.items()
        if a.unit.path.startswith(path)
    }
    assert provinces == {"ha-nam", "dien-bien"}
    # Nothing of Gia Nghĩa or Hòa Sơn, which they do not supervise, though overdue there too.
    assert Assignment.objects.overdue(on=TODAY).count() > overdue.count()


def test_the_demo_agency_responder_sees_its_open_assignments(loaded):
    own = Assignment.objects.for_agency_of(responder())
    assert {a.agency.name for a in own} == {"Sở Tài nguyên và Môi trường"}
    open_ = own.open()
    assert open_.filter(due_on__lt=TODAY).exists()
    assert open_.filter(due_on__gte=TODAY).exists()  # one still due: answer it in time
    # Its own answers were recorded by the responder.
    answered = Response.objects.filter(assignment__in=own)
    assert answered.exists()
    assert set(answered.values_list("recorded_by__username", flat=True)) == {"coquan"}


def test_the_dashboard_cells_equal_a_full_recount_of_the_demo(loaded):
    from followups import summary

    stored = summary.stored()
    assert stored and stored == summary.recount(summary.as_of())
