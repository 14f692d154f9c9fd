"""The dashboard's summary cells (followups.summary) equal a full recount after every kind of
write, after the nightly roll, a rebuild and a merge; and the page reads the same figures from
them whatever day the cells were last judged on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from followups import dashboard, services, summary
from followups.models import Assignment, DashboardCell
from petitions import services as petition_services
from petitions.models import Field, Petition
from tests.factories import issue_notice, make_held_session

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=VN), tick=False)


def assert_recount():
    """The stored cells, differences summed, are what counting every record gives."""
    stored = summary.stored()
    assert stored == summary.recount(summary.as_of())
    assert stored, "a scenario with records has cells"


def _respond(world, assignment, day):
    with at(day):
        services.response_record(
            actor=world.responder_a,
            assignment=assignment,
            responded_on=day,
            method="in_person",
            text="Đã trả lời.",
        )


def test_cells_equal_a_full_recount_after_every_write(world):
    summary.rebuild(today=date(2026, 12, 1))
    with at(date(2026, 12, 21)):
        session, petitions = make_held_session(world.commune_a, petitions=4)
        assert_recount()
        # Another province and a field change: both keys move.
        make_held_session(world.other_province, petitions=1)
        petition_services.petition_update(
            actor=world.organiser_a,
            petition=petitions[3],
            field=Field.objects.exclude(pk=petitions[3].field_id).first(),
            received_on=date(2026, 10, 2),
        )
        assert_recount()
        # Routed out to the complaint procedure: resolved, not assigned.
        petition_services.petition_update(
            actor=world.organiser_a,
            petition=petitions[2],
            scope=Petition.Scope.COMPLAINT,
            routing_reason="Khiếu nại: chuyển thủ tục giải quyết khiếu nại.",
        )
        assert_recount()
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1, world.agency_a2],
            issued_on=date(2026, 12, 21),
        )
        assert Assignment.objects.count() == 6
        assert_recount()
    first, second = (
        Assignment.objects.get(petition=p, agency=world.agency_a1) for p in petitions[:2]
    )
    _respond(world, first, date(2026, 12, 28))  # on time
    assert_recount()
    with at(date(2026, 12, 22)):
        services.petition_forward(
            actor=world.responder_a,
            assignment=Assignment.objects.get(petition=petitions[1], agency=world.agency_a2),
            level="province",
            to_body="Sở Tài nguyên và Môi trường",
            document_number="12/CV-UBND",
            forwarded_on=date(2026, 12, 22),
        )
        assert_recount()
    # The nightly roll: what fell due since is overdue now.
    assert summary.roll(today=date(2027, 1, 12)) > 0
    assert_recount()
    assert summary.stored() == summary.recount(date(2027, 1, 12))
    # An accepted extension of an overdue item: not yet due again.
    with at(date(2027, 1, 12)):
        extension = services.extension_request(
            actor=world.responder_a,
            assignment=second,
            new_due_on=date(2027, 2, 26),
            reason="Cần xác minh thêm.",
            citizen_told_on=date(2027, 1, 12),
        )
        services.extension_decide(actor=world.organiser_a, extension=extension, accept=True)
    assert_recount()
    late = Assignment.objects.get(petition=petitions[0], agency=world.agency_a2)
    _respond(world, late, date(2027, 1, 12))
    assert_recount()
    with at(date(2027, 1, 12)):
        # One more agency (of the province) on a petition already part-forwarded.
        services.assignment_add(
            actor=world.organiser_a, petition=petitions[1], agency=world.province_agency
        )
        assert_recount()
    # The roll goes back too (a day judged earlier), and a second roll changes nothing.
    summary.roll(today=date(2026, 12, 25))
    assert_recount()
    assert summary.roll(today=date(2026, 12, 25)) == 0
    merged = summary.compact()
    assert merged == DashboardCell.objects.count()
    assert_recount()
    before = summary.stored()
    call_command("rebuild_dashboard_summary", "--today", "2026-12-25", stdout=None)
    assert summary.stored() == before
    assert not DashboardCell.objects.filter(merged=False).exists()


def test_the_page_corrects_for_days_the_cells_were_not_rolled(world):
    with at(date(2026, 12, 21)):
        session, petitions = make_held_session(world.commune_a, petitions=3)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    _respond(world, Assignment.objects.get(petition=petitions[0]), date(2026, 12, 28))
    summary.rebuild(today=date(2026, 12, 28))  # nothing overdue yet on the 28th
    today = date(2027, 1, 12)
    stale = dashboard.build(world.province, year=2026, today=today)
    assert (stale.assignments.open, stale.assignments.overdue) == (0, 2)
    assert [(a["name"], t.overdue) for a, t in stale.by_agency] == [("Công an xã A", 2)]
    assert [t.overdue for _name, t in stale.by_field] == [2]
    summary.roll(today=today)
    rolled = dashboard.build(world.province, year=2026, today=today)
    assert rolled == stale
    # Judged on an earlier day than the cells (a look back): not yet due then.
    earlier = dashboard.build(world.province, year=2026, today=date(2026, 12, 30))
    assert (earlier.assignments.open, earlier.assignments.overdue) == (2, 0)


@pytest.mark.parametrize("judged", ["on_the_old_due_date", "the_day_after"])
def test_a_recomputed_due_date_keeps_the_cells_right(world, judged):
    # Judged on the old due date, the items are not overdue before or after the move; judged the
    # day after, they were overdue and the later date makes them not yet due: only that move
    # changes the cells (summary.overdue_flips), and both must end equal to a recount.
    from dialogue.models import CalendarException, CalendarRevision
    from followups import recomputation

    with at(date(2026, 12, 21)):
        session, _petitions = make_held_session(world.commune_a, petitions=2)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    due = Assignment.objects.first().due_on
    # A day off before the due date moves it later.
    judging_day = due if judged == "on_the_old_due_date" else due + timedelta(days=1)
    summary.roll(today=judging_day)
    assert_recount()
    overdue_before = Assignment.objects.filter(due_on__lt=judging_day).count()
    assert overdue_before == (0 if judged == "on_the_old_due_date" else 2)
    day = due - timedelta(days=1 if due.weekday() else 3)
    CalendarException.objects.create(day=day, kind="day_off", name="Nghỉ bù", source="Thử")
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": "dashboard-summary"})
    assert recomputation.recompute_due_dates(days=[day]) == 2
    assert Assignment.objects.first().due_on > due
    assert_recount()


def test_moving_a_unit_recounts_the_cells_under_the_new_tree(
    world, django_capture_on_commit_callbacks
):
    from dialogue import services as unit_services

    with at(date(2026, 12, 21)):
        session, _petitions = make_held_session(world.commune_a, petitions=2)
        issue_notice(
            session,
            actor=world.organiser_a,
            agencies=[world.agency_a1],
            issued_on=date(2026, 12, 21),
        )
    district = world.commune_a.parent
    assert dashboard.build(district, year=2026, today=date(2027, 1, 12)).assignments.total == 2
    with django_capture_on_commit_callbacks(execute=True):
        unit_services.unit_update(
            unit=world.commune_a,
            name=world.commune_a.name,
            kind=world.commune_a.kind,
            parent=world.province,
        )
    assert_recount()
    district.refresh_from_db()
    assert dashboard.build(district, year=2026, today=date(2027, 1, 12)).assignments.total == 0
    world.province.refresh_from_db()
    moved = dashboard.build(world.province, year=2026, today=date(2027, 1, 12))
    assert {row.unit.name: row.assignments.total for row in moved.children}["Xã A"] == 2


def test_the_agencies_shown_are_the_most_overdue_of_merged_and_difference_rows(world, monkeypatch):
    """The page ranks agencies on their merged rows by an index and sums only those with
    difference rows: the agencies shown are the first of all of them, their cells summed."""
    from dialogue.models import Agency

    monkeypatch.setattr(dashboard, "AGENCIES_SHOWN", 3)
    agencies = [Agency.objects.create(unit=world.province, name=f"Sở thử {i}") for i in range(6)]

    def cell(agency, overdue, total, *, merged):
        return DashboardCell(
            scope=world.province,
            year=2026,
            kind=DashboardCell.Kind.AGENCY,
            agency=agency,
            a_total=total,
            a_overdue=overdue,
            a_open=total - overdue,
            merged=merged,
        )

    DashboardCell.objects.bulk_create(
        [
            cell(agencies[0], 9, 20, merged=True),  # first until its difference below
            cell(agencies[1], 5, 10, merged=True),
            cell(agencies[2], 5, 12, merged=True),
            cell(agencies[3], 1, 3, merged=True),
            cell(agencies[4], 0, 1, merged=True),  # climbs to the top on its differences
            cell(agencies[0], -8, -8, merged=False),
            cell(agencies[4], 7, 7, merged=False),
            cell(agencies[4], 4, 4, merged=False),
            cell(agencies[5], 2, 2, merged=False),  # differences alone (no merged row yet)
        ]
    )
    every = {}
    for key, vector in summary.stored().items():
        if key[:3] == (world.province.pk, 2026, summary.AGENCY):
            every[key[4]] = (vector[summary.COLUMNS.index("a_overdue")], vector[6])
    expected = sorted(every, key=lambda pk: (-every[pk][0], -every[pk][1], pk))[:3]
    ranked = dashboard.agencies_ranked(world.province, 2026)
    shown = [r["agency_id"] for r in ranked]
    assert shown == expected == [agencies[i].pk for i in (4, 2, 1)]
    assert [(r["s_a_overdue"], r["s_a_total"]) for r in ranked] == [(11, 12), (5, 12), (5, 10)]
    assert ranked[0]["agency__name"] == "Sở thử 4"
    # After the merge every agency has one merged row: the same agencies, the same sums.
    summary.compact()
    assert not DashboardCell.objects.filter(merged=False).exists()
    assert dashboard.agencies_ranked(world.province, 2026) == ranked
