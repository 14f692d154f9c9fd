"""The supervisors' dashboard (followups.dashboard): figures against a hand count, drill-down
through the unit tree, scope, charts as SVG with their tables, and the query budget."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dialogue.models import Role
from followups import dashboard, services
from followups.models import Assignment
from tests.factories import (
    UserFactory,
    issue_notice,
    make_held_session,
    make_plan,
    make_session,
    member,
)

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2027, 1, 12)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


@pytest.fixture
def records(world):
    """Commune A held its 2026 dialogue (3 petitions, all assigned to A1 on 21/12/2026, due
    05/01/2027; one answered on 28/12/2026); commune B only planned one; another province held one
    that must never be counted."""
    with at(date(2026, 12, 21)):
        session_a, petitions = make_held_session(world.commune_a, petitions=3)
        issue_notice(
            session_a,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
        make_session(make_plan(world.commune_b))  # scheduled, never held
        make_held_session(world.other_province, petitions=2)
    with at(date(2026, 12, 28)):
        services.response_record(
            actor=world.responder_a,
            assignment=Assignment.objects.get(petition=petitions[0]),
            responded_on=date(2026, 12, 28),
            method="in_person",
            text="Đã trả lời trực tiếp công dân.",
            document_number="",
            attachment=None,
        )
    return petitions


def test_figures_match_a_hand_count(world, records):
    d = dashboard.build(world.province, year=2026, today=TODAY)
    assert d.sessions_held == 1
    assert (d.communes, d.communes_held) == (2, 1)
    assert [c["name"] for c in d.communes_without] == ["Xã B"]
    assert d.petitions == dashboard.PetitionTally(
        received=3, answered_at_session=0, assigned=3, resolved=1, forwarded=0, routed_out=0
    )
    assert d.assignments == dashboard.Tally(
        total=3, on_time=1, late=0, open=0, overdue=2, forwarded=0
    )
    assert d.assignments.on_time_rate == 33.3
    assert [(a["name"], t.total, t.overdue) for a, t in d.by_agency] == [("Công an xã A", 3, 2)]
    assert [(name, t.total) for name, t in d.by_field] == [(records[0].field.name, 3)]
    assert d.months[10] == (11, 3, 0)  # received in November
    assert d.months[11] == (12, 0, 1)  # the answer of 28 December
    assert [a.petition_id for a in d.oldest_overdue] == [records[1].pk, records[2].pk]
    district = world.commune_a.parent
    rows = {row.unit.name: row for row in d.children}
    assert set(rows) == {district.name, "Xã B"}
    assert (rows[district.name].communes, rows[district.name].communes_held) == (1, 1)
    assert rows[district.name].assignments.overdue == 2
    assert (rows["Xã B"].communes_without, rows["Xã B"].assignments.total) == (1, 0)


def test_on_time_and_late_are_judged_against_the_due_date(world, records):
    late = Assignment.objects.get(petition=records[1])
    with at(date(2027, 1, 8)):
        services.response_record(
            actor=world.responder_a,
            assignment=late,
            responded_on=date(2027, 1, 8),
            method="in_person",
            text="Trả lời muộn.",
            document_number="",
            attachment=None,
        )
    d = dashboard.build(world.province, year=2026, today=TODAY)
    assert (d.assignments.on_time, d.assignments.late, d.assignments.overdue) == (1, 1, 1)
    assert d.months[0] == (1, 0, 1)
    # The year is the year the items were made: nothing in 2027.
    assert dashboard.build(world.province, year=2027, today=TODAY).assignments.total == 0


def test_another_year_and_a_leaf(world, records):
    d = dashboard.build(world.commune_a, year=2026, today=TODAY)
    assert [row.is_self for row in d.children] == [True]
    assert (d.communes, d.communes_held, d.assignments.total) == (1, 1, 3)
    assert dashboard.build(world.province, year=2025, today=TODAY).petitions.received == 0


def test_page_drills_down_and_stays_in_scope(world, login, records):
    with at(TODAY):
        client = login(world.supervisor)
        page = client.get(reverse("dashboard"), {"year": 2026})
        assert page.status_code == 200
        assert page.context["d"].unit == world.province
        assert "<svg" in page.text and "<title>" in page.text
        assert page.text.count('class="chart-block') == 3
        assert "Xã B" in page.text
        # Answered late and still overdue are two columns: two names, not "Quá hạn" twice.
        header = re.search(r"<thead>(.*?)</thead>", page.text, flags=re.S).group(1)
        assert header.count(">Quá hạn<") == 1 and header.count(">Trễ hạn<") == 1
        district = world.commune_a.parent
        assert f"?unit={district.pk}&amp;year=2026" in page.text
        page = client.get(reverse("dashboard"), {"unit": district.pk, "year": 2026})
        assert [r.unit for r in page.context["d"].children] == [world.commune_a]
        assert [u.pk for u in page.context["d"].ancestors] == [world.province.pk]
        # Another province, a made-up id, a non-number: not found.
        for unit in (world.other_province.pk, 999999, "x"):
            assert client.get(reverse("dashboard"), {"unit": unit}).status_code == 404
        for user in (world.organiser_a, world.responder_a, world.secretary_a, world.outsider):
            assert login(user).get(reverse("dashboard")).status_code == 404
        elsewhere = member(UserFactory(username="sup_other"), world.other_province, Role.SUPERVISOR)
        page = login(elsewhere).get(reverse("dashboard"), {"year": 2026})
        assert page.context["d"].unit == world.other_province
        assert page.context["d"].assignments.total == 0
        assert "Xã A" not in page.text


def test_page_runs_within_its_query_budget(world, login, records, django_assert_max_num_queries):
    with at(TODAY):
        client = login(world.supervisor)
        client.get(reverse("dashboard"))
        with django_assert_max_num_queries(15):
            page = client.get(reverse("dashboard"), {"unit": world.province.pk, "year": 2026})
    assert page.status_code == 200


def test_chart_text_is_escaped(world):
    from dialogue.charts import bar_chart

    chart = bar_chart("T", [("<script>x</script>", 3)], headers=("a", "b"))
    assert "<script>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
