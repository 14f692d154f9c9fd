"""Home = my work today, per role (dialogue.home with the panels of sessions and followups):
the right items, with nothing from outside the user's scope."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups import services
from followups.models import Assignment
from tests.factories import (
    issue_notice,
    make_held_session,
    make_plan,
    make_session,
)

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=VN), tick=False)


def home(login, user):
    response = login(user).get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.fixture
def coming(world):
    """Sessions of communes A and B on 15/12/2026, commune A's with secretary_a."""
    a = make_session(
        make_plan(world.commune_a, title="Kế hoạch xã A 2026"),
        title="Đối thoại xã A tháng 12",
        secretaries=[world.secretary_a],
    )
    b = make_session(make_plan(world.commune_b, title="Kế hoạch xã B 2026"), title="Đối thoại xã B")
    return a, b


def test_organiser_sees_coming_sessions_with_their_next_milestone_and_drafts(world, login, coming):
    with at(date(2026, 12, 1)):
        response = home(login, world.organiser_a)
    rows = next(p for p in response.context["work"] if p.template.endswith("_home_organiser.html"))
    sessions = [row["session"] for row in rows.context["rows"]]
    assert sessions == [coming[0]]
    assert rows.context["rows"][0]["milestone"] is not None
    assert rows.context["rows"][0]["milestone"].due <= date(2026, 12, 15)
    assert [p.title for p in rows.context["draft_plans"]] == ["Kế hoạch xã A 2026"]
    assert "Đối thoại xã A tháng 12" in response.text
    assert "Đối thoại xã B" not in response.text
    assert "Kế hoạch xã B 2026" not in response.text
    # The month calendar shows the session on its day.
    assert 'id="home-calendar"' in response.text
    with at(date(2027, 1, 20)):  # more than 30 days after: not coming any more
        response = home(login, world.organiser_a)
    rows = next(p for p in response.context["work"] if p.template.endswith("_home_organiser.html"))
    assert rows.context["rows"] == []


def test_organiser_sees_notices_due_and_extensions_waiting(world, login):
    with at(date(2026, 12, 16)):
        held, _ = make_held_session(world.commune_a)
        other, _ = make_held_session(world.commune_b)
        response = home(login, world.organiser_a)
    panel = next(
        p for p in response.context["work"] if p.template.endswith("followups/_home_organiser.html")
    )
    assert [row["session"] for row in panel.context["notices"]] == [held]
    assert panel.context["notices"][0]["left"] >= 0
    with at(date(2026, 12, 21)):
        issue_notice(
            held, actor=world.organiser_a, agencies=[world.agency_a1], issued_on=date(2026, 12, 21)
        )
        issue_notice(
            other, actor=world.organiser_b, agencies=[world.agency_b1], issued_on=date(2026, 12, 21)
        )
    a = Assignment.objects.get(unit=world.commune_a)
    b = Assignment.objects.get(unit=world.commune_b)
    with at(date(2026, 12, 22)):
        for assignment in (a, b):
            services.extension_request(
                actor=None,
                assignment=assignment,
                new_due_on=date(2027, 1, 20),
                reason="Cần xác minh thêm.",
                citizen_told_on=date(2026, 12, 22),
            )
        response = home(login, world.organiser_a)
    panel = next(
        p for p in response.context["work"] if p.template.endswith("followups/_home_organiser.html")
    )
    assert panel.context["notices"] == []
    assert [e.assignment_id for e in panel.context["extensions"]] == [a.pk]


def test_secretary_gets_the_console_button_on_the_day(world, login, coming):
    with at(date(2026, 12, 10)):
        response = home(login, world.secretary_a)
        assert response.context["work"][0].context["session"] == coming[0]
        assert reverse("session-console", args=[coming[0].pk]) not in response.text
    with at(date(2026, 12, 15), hour=7):
        response = home(login, world.secretary_a)
        assert reverse("session-console", args=[coming[0].pk]) in response.text
    assert "Đối thoại xã B" not in response.text
    # A secretary has no calendar, no dashboard.
    assert 'id="home-calendar"' not in response.text
    assert 'id="home-supervisor"' not in response.text


@pytest.fixture
def assigned(world):
    """Commune A: two petitions to agency A1 on 21/12/2026, due 05/01/2027; B: one to B1."""
    with at(date(2026, 12, 21)):
        session, _ = make_held_session(world.commune_a, petitions=2)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        session_b, _ = make_held_session(world.commune_b)
        issue_notice(
            session_b,
            actor=world.organiser_b,
            agencies=[world.agency_b1],
            issued_on=date(2026, 12, 21),
        )
    return list(Assignment.objects.filter(agency=world.agency_a1).order_by("pk"))


def test_responder_sees_due_soon_overdue_and_refused(world, login, assigned):
    first, second = assigned
    with at(date(2026, 12, 29)):  # 5 working days to 05/01 (1 January is a holiday)
        response = home(login, world.responder_a)
        panel = response.context["work"][0]
        assert {a.pk for a in panel.context["due_soon"]} == {first.pk, second.pk}
        assert panel.context["overdue"] == []
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=first,
            new_due_on=date(2027, 1, 20),
            reason="Cần xác minh thêm.",
            citizen_told_on=date(2026, 12, 29),
        )
        services.extension_decide(
            actor=world.organiser_a, extension=extension, accept=False, note="Không đủ lý do."
        )
    with at(date(2027, 1, 7)):
        response = home(login, world.responder_a)
        panel = response.context["work"][0]
        assert panel.context["due_soon"] == []
        assert [a.pk for a in panel.context["overdue"]] == [first.pk, second.pk]
        assert panel.context["overdue_total"] == 2
        assert [e.pk for e in panel.context["refused"]] == [extension.pk]
        assert "Không đủ lý do." in response.text
    assert "Công an xã B" not in response.text


def test_supervisor_sees_the_dashboard_and_the_calendar(world, login, assigned, coming):
    with at(date(2027, 1, 7)):
        response = home(login, world.supervisor)
    templates = [p.template for p in response.context["work"]]
    assert templates == ["followups/_home_supervisor.html", "sessions/_home_calendar.html"]
    d = response.context["work"][0].context["d"]
    assert d.unit == world.province
    assert reverse("dashboard") in response.text
    with at(date(2026, 12, 1)):
        response = home(login, world.supervisor)
    calendar = response.context["work"][-1].context
    (cell,) = [c for week in calendar["weeks"] for c in week if c["day"] == date(2026, 12, 15)]
    # Four sessions that day in the province (two held, two coming): three shown, "1 more".
    assert (len(cell["sessions"]), cell["more"]) == (3, 1)
    assert "Tỉnh Khác" not in response.text


def test_calendar_moves_by_month(world, login, coming):
    with at(date(2026, 11, 3)):
        client = login(world.organiser_a)
        response = client.get(reverse("home"), {"month": "2026-12"})
        calendar = response.context["work"][-1].context
        assert calendar["month"] == date(2026, 12, 1)
        assert (calendar["previous"], calendar["next"]) == ("2026-11", "2027-01")
        shown = {s.pk for week in calendar["weeks"] for cell in week for s in cell["sessions"]}
        assert shown == {coming[0].pk}
        response = client.get(reverse("home"), {"month": "garbage"})
        assert response.context["work"][-1].context["month"] == date(2026, 11, 1)
