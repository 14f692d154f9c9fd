"""The set-based, chunked, resumable recount of due dates after a calendar change.

The result must be the one the row-by-row recount gives (REFERENCE below, the algorithm the
app used before), over a few random calendars; a killed or time-boxed run goes on where it
stopped; and the reminder sweep inserts what is owed while a recount is under way.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from dialogue.models import (
    Agency,
    CalendarException,
    CalendarRevision,
    ChangeRecord,
    DeadlineRule,
)
from dialogue.workcalendar import get_calendar
from followups import deadlines, recomputation
from followups.models import Assignment, Recomputation, Reminder
from followups.tasks import reminder_sweep_task
from tests.followups.test_reminders import at, base_petition, open_assignments

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2026, 12, 1), date(2027, 2, 26)


def reference(days: list[date]) -> dict[int, tuple[date, str, date | None]]:
    """Row by row, as the app did before: {pk: (due_on, explanation, old due if changed)}."""
    calendar = get_calendar()
    out = {}
    for a in Assignment.objects.select_related("rule").order_by("pk"):
        old = (a.due_on, a.due_explanation, None)
        out[a.pk] = old
        if a.status != "open" or a.extended or a.anchor_on > days[-1] or a.due_on < days[0]:
            continue
        due, text = deadlines.due_from(a.rule, a.anchor_on, calendar)
        if due != a.due_on:
            out[a.pk] = (due, text[:500], a.due_on)
    return out


def state() -> dict[int, tuple[date, str]]:
    return {
        pk: (d, t) for pk, d, t in Assignment.objects.values_list("pk", "due_on", "due_explanation")
    }


def recorded() -> dict[int, dict]:
    rows = ChangeRecord.objects.filter(action="due_recomputed")
    return {int(r.object_id): r.changes for r in rows}


def random_world(world, rng: random.Random) -> None:
    """Assignments with assorted rules, anchors, states; due dates from the calendar as it is."""
    petition = base_petition(world)
    rules = [None, *DeadlineRule.objects.filter(milestone="agency_response")]
    calendar = get_calendar()
    rows = open_assignments(petition, world.agency_a1, [FIRST] * 60)
    for a in rows:
        a.rule = rng.choice(rules)
        a.anchor_on = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days - 40))
        a.due_on, text = deadlines.due_from(a.rule, a.anchor_on, calendar)
        a.due_explanation = text[:500]
        roll = rng.random()
        if roll < 0.1:
            a.extended, a.due_on = True, a.due_on + timedelta(days=20)
        elif roll < 0.2:
            a.status, a.closed_on = "answered", a.anchor_on
    Assignment.objects.bulk_update(
        rows, ["rule", "anchor_on", "due_on", "due_explanation", "extended", "status", "closed_on"]
    )


def change_calendar(rng: random.Random, seed: int) -> list[date]:
    days = []
    for _ in range(rng.randint(1, 4)):
        day = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days))
        if CalendarException.objects.filter(day=day).exists():
            continue
        kind = "working_day" if day.weekday() >= 5 else "day_off"
        CalendarException.objects.create(day=day, kind=kind, name="Thử", source="Thử")
        days.append(day)
    CalendarRevision.objects.update_or_create(pk=1, defaults={"token": f"random-{seed}"})
    return sorted(days)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_set_based_recount_equals_the_row_by_row_one(world, monkeypatch, seed):
    rng = random.Random(seed)
    random_world(world, rng)
    days = change_calendar(rng, seed)
    expected = reference(days)
    monkeypatch.setattr(recomputation, "CHUNK", rng.choice([1, 7, 25, 1000]))

    changed = recomputation.recompute_due_dates(days=days)

    assert state() == {pk: (due, text) for pk, (due, text, _old) in expected.items()}
    moved = {pk: old for pk, (_due, _t, old) in expected.items() if old is not None}
    assert changed == len(moved)
    assert recorded() == {
        pk: {"due_on": [old.isoformat(), expected[pk][0].isoformat()]} for pk, old in moved.items()
    }
    assert recomputation.recompute_due_dates(days=days) == 0  # a second run changes nothing


def test_a_time_boxed_or_killed_run_goes_on_where_it_stopped(world, monkeypatch):
    rng = random.Random(14)
    random_world(world, rng)
    days = change_calendar(rng, 14)
    expected = reference(days)
    monkeypatch.setattr(recomputation, "CHUNK", 9)
    job = recomputation.recomputation_request(days=days)

    # Out of time after the first chunk: the row is handed back, its progress kept.
    changed, finished = recomputation.recomputation_run(recomputation_id=job.pk, budget_seconds=0)
    job.refresh_from_db()
    assert not finished and job.status == "pending" and job.next_id > 0
    # A worker that claims it and dies: another one cannot take it while the claim is fresh...
    assert recomputation.recomputation_claim(job.pk)
    assert recomputation.recomputation_run(recomputation_id=job.pk) == (0, False)
    # ...and takes it over once the claim has expired.
    Recomputation.objects.filter(pk=job.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert recomputation.recomputations_owed() == [job.pk]
    rest, finished = recomputation.recomputation_run(recomputation_id=job.pk)
    job.refresh_from_db()
    assert finished and job.status == "done" and job.changed == changed + rest
    assert state() == {pk: (due, text) for pk, (due, text, _old) in expected.items()}
    assert len(recorded()) == changed + rest
    assert recomputation.recomputations_owed() == []


def test_the_sweep_inserts_reminders_while_a_recount_is_under_way(world):
    petition = base_petition(world)
    monday = date(2027, 3, 8)
    open_assignments(petition, world.agency_a1, [monday, monday, date(2027, 3, 10)])
    with at(monday):
        # A live worker is recounting: its claim is fresh and it has done part of the work.
        job = Recomputation.objects.create(
            days=["2027-03-05"], status="running", claimed_at=timezone.now(), next_id=1
        )
        reminder_sweep_task("2027-03-08")
    assert Reminder.objects.filter(kind="due_today", for_date=monday).count() == 2
    assert Reminder.objects.filter(kind="due_soon").count() == 1
    job.refresh_from_db()
    assert (job.status, job.next_id) == ("running", 1)  # left to its worker


def test_a_freshly_migrated_database_owes_no_recount():
    # The shipped exceptions date from the release, not from `migrate`.
    assert CalendarException.objects.exists()
    assert not CalendarException.objects.filter(
        updated_at__gte=timezone.now() - recomputation.LOOKBACK
    ).exists()
    assert recomputation.recomputations_owed() == []
    assert not Recomputation.objects.exists()


def test_an_extension_granted_while_the_chunk_is_read_wins(world, monkeypatch):
    petition = base_petition(world)
    (assignment,) = open_assignments(petition, world.agency_a1, [date(2027, 1, 4)])
    original = deadlines.due_from

    def due_from_while_extended(*args, **kwargs):
        # Between the chunk's read and its locked re-check, the agency gets an extension.
        Assignment.objects.filter(pk=assignment.pk).update(extended=True, due_on=date(2027, 1, 29))
        return original(*args, **kwargs)

    monkeypatch.setattr(deadlines, "due_from", due_from_while_extended)
    assert recomputation.recompute_due_dates(days=[date(2026, 12, 31)]) == 0
    assignment.refresh_from_db()
    assert (assignment.extended, assignment.due_on) == (True, date(2027, 1, 29))
    assert not recorded()


# --- the change records: SQL on PostgreSQL, the ORM on SQLite, the same rows -------------------

#: 200 characters (Agency.name's limit), not ASCII: the label is cut by characters, not bytes.
LONG_NAME = ("Ủy ban nhân dân xã Đông Hòa, huyện Tây Sơn — " * 5)[:200]


def written_records() -> list[tuple]:
    return sorted(
        ChangeRecord.objects.filter(action="due_recomputed").values_list(
            "content_type_id",
            "object_id",
            "object_repr",
            "actor_id",
            "action",
            "changes",
            "reason",
            "at",
        )
    )


def chunk_paths() -> list[str]:
    return ["python", "sql"] if connection.vendor == "postgresql" else ["python"]


@pytest.mark.parametrize("seed", [6, 7])
def test_each_chunk_path_writes_the_row_by_row_change_records(world, monkeypatch, seed):
    rng = random.Random(seed)
    Agency.objects.filter(pk=world.agency_a1.pk).update(name=LONG_NAME)
    random_world(world, rng)
    days = change_calendar(rng, seed)
    expected = reference(days)
    monkeypatch.setattr(recomputation, "CHUNK", rng.choice([7, 25, 1000]))
    content_type = ContentType.objects.get_for_model(Assignment).pk
    moved = {
        a.pk: a
        for a in Assignment.objects.select_related("agency")
        if expected[a.pk][2] is not None
    }
    assert moved
    for path in chunk_paths():
        monkeypatch.setattr(
            recomputation, "recompute_chunk", getattr(recomputation, f"recompute_chunk_in_{path}")
        )
        with transaction.atomic(), at(date(2026, 12, 23), hour=14):
            assert recomputation.recompute_due_dates(days=days) == len(moved)
            now = timezone.now()
            assert state() == {pk: (due, text) for pk, (due, text, _old) in expected.items()}
            assert written_records() == sorted(
                (
                    content_type,
                    str(pk),
                    Assignment.label(LONG_NAME, a.petition_id)[:300],
                    None,
                    "due_recomputed",
                    {"due_on": [a.due_on.isoformat(), expected[pk][0].isoformat()]},
                    expected[pk][1],
                    now,
                )
                for pk, a in moved.items()
            ), path
            assert all(
                str(a)[:300] == Assignment.label(LONG_NAME, a.petition_id)[:300]
                for a in moved.values()
            )
            transaction.set_rollback(True)  # the next path starts from the same rows


def test_postgresql_recounts_in_sql_and_sqlite_through_the_orm(world, monkeypatch):
    used = []
    for path in ("python", "sql"):
        original = getattr(recomputation, f"recompute_chunk_in_{path}")
        monkeypatch.setattr(
            recomputation,
            f"recompute_chunk_in_{path}",
            lambda original=original, path=path, **kw: used.append(path) or original(**kw),
        )
    petition = base_petition(world)
    open_assignments(petition, world.agency_a1, [date(2027, 1, 4)])
    recomputation.recompute_due_dates(days=[date(2026, 12, 31)])
    assert used == ["sql" if connection.vendor == "postgresql" else "python"]
