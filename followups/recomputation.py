"""Recounting open due dates after a calendar change, set by set (DESIGN §4, §11).

A changed calendar day moves the due date of every open, not extended assignment whose span
(anchor_on … due_on) includes it: at national scale hundreds of thousands of rows. Rows that share
a rule and an anchor date share their new due date, so each chunk of CHUNK assignment ids is
read once, its due dates are computed once per (rule, anchor) and written with one UPDATE (a
CASE on rule and anchor), and the change records are inserted with one bulk INSERT. A chunk
commits with the recomputation's progress (`Recomputation.next_id`), so a killed run goes on
where it stopped.

The work is a claimed `Recomputation` row run by followups.tasks.recompute_due_dates_task,
never inside the reminder sweep: the sweep only makes sure a recomputation is owed and queued.
An extension fixes a date agreed with the citizen, so extended assignments are left alone.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, CharField, DateField, Max, Min, Q, Value, When
from django.utils import timezone

from dialogue.models import Agency, CalendarException, ChangeRecord, DeadlineRule
from dialogue.workcalendar import get_calendar
from dialogue.workdays import WorkCalendar
from followups import deadlines, summary
from followups.models import Assignment, Recomputation
from petitions.changes import tracking as track_petitions

#: Assignment ids per chunk: one transaction, one SELECT, a few UPDATEs, one bulk INSERT.
CHUNK = 10_000
#: Time a run keeps going before handing over to a fresh task; under the soft time limit.
BUDGET_SECONDS = 120
#: Calendar exceptions changed this recently must be covered by a recomputation requested after
#: the change (a safety net for a process that died between the change and the request).
LOOKBACK = timedelta(days=8)
ACTION = "due_recomputed"


def _claim_timeout() -> timedelta:
    # Longer than a task may live (followups.W001 checks the setting), renewed after each chunk.
    return timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def _candidates(days: list[date]):
    return Assignment.objects.filter(
        status=Assignment.Status.OPEN,
        extended=False,
        anchor_on__lte=days[-1],
        due_on__gte=days[0],
    )


def _dates(days: Iterable) -> list[date]:
    return sorted({d if isinstance(d, date) else date.fromisoformat(d) for d in days})


def _rule(rule_id: int | None) -> DeadlineRule | None:
    # Once per (rule, anchor) of a run, thanks to the `computed` cache: a few hundred at most.
    return None if rule_id is None else DeadlineRule.objects.get(pk=rule_id)


def recompute_chunk(
    *,
    days: list[date],
    first_id: int,
    last_id: int,
    calendar: WorkCalendar,
    computed: dict[tuple[int | None, date], tuple[date, str]] | None = None,
) -> int:
    """Recount the candidates with first_id <= id <= last_id; return how many due dates changed.

    Runs in the caller's transaction. The chunk is read without locks (plain tuples); only the
    rows whose date moves are then locked, in id order as the services lock them, and kept if
    still open, not extended and at the date read: an extension or a response that slipped in
    between wins, and no change is recorded for it. `computed` caches the (due date, explanation)
    of each (rule, anchor) across the chunks of one run (same calendar).
    """
    computed = {} if computed is None else computed
    rows = (
        _candidates(days)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .values_list("pk", "rule_id", "anchor_on", "due_on")
    )
    moving: dict[int, date] = {}
    for pk, rule_id, anchor_on, due_on in rows:
        key = (rule_id, anchor_on)
        if key not in computed:
            due, text = deadlines.due_from(_rule(rule_id), anchor_on, calendar)
            computed[key] = (due, text[:500])
        if computed[key][0] != due_on:
            moving[pk] = due_on
    if not moving:
        return 0
    changed = [
        row
        for row in Assignment.objects.filter(
            pk__in=list(moving), status=Assignment.Status.OPEN, extended=False
        )
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "rule_id", "anchor_on", "due_on", "petition_id", "agency_id")
        if row[3] == moving[row[0]]
    ]
    if not changed:
        return 0
    # One UPDATE for the chunk: the new date and explanation chosen by (rule, anchor).
    due_cases, text_cases = [], []
    for rule_id, anchor_on in {(row[1], row[2]) for row in changed}:
        due, text = computed[(rule_id, anchor_on)]
        same = Q(anchor_on=anchor_on) & (
            Q(rule__isnull=True) if rule_id is None else Q(rule_id=rule_id)
        )
        due_cases.append(When(same, then=Value(due)))
        text_cases.append(When(same, then=Value(text)))
    # A moved due date may move an open item between "not yet due" and "overdue".
    moves = [(row[4], row[3], computed[(row[1], row[2])][0]) for row in changed]
    with track_petitions(summary.overdue_flips(moves)):
        Assignment.objects.filter(pk__in=[row[0] for row in changed]).update(
            due_on=Case(*due_cases, output_field=DateField()),
            due_explanation=Case(*text_cases, output_field=CharField()),
            updated_at=timezone.now(),
        )
    agencies = dict(
        Agency.objects.filter(pk__in={row[5] for row in changed}).values_list("pk", "name")
    )
    content_type = ContentType.objects.get_for_model(Assignment)
    records = []
    for pk, rule_id, anchor_on, old_due, petition_id, agency_id in changed:
        due, text = computed[(rule_id, anchor_on)]
        records.append(
            ChangeRecord(
                content_type=content_type,
                object_id=str(pk),
                object_repr=Assignment.label(agencies[agency_id], petition_id)[:300],
                actor=None,
                action=ACTION,
                changes={"due_on": [old_due.isoformat(), due.isoformat()]},
                reason=text,
            )
        )
    ChangeRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)


def _id_range(days: list[date], start: int) -> tuple[int | None, int | None]:
    bounds = _candidates(days).filter(pk__gte=start).aggregate(lo=Min("pk"), hi=Max("pk"))
    return bounds["lo"], bounds["hi"]


def recompute_due_dates(*, days: Iterable[date]) -> int:
    """Recount every candidate now, chunk by chunk (each chunk its own transaction); return how
    many due dates changed. Safe to run again: a second run finds nothing to change."""
    days = _dates(days)
    if not days:
        return 0
    calendar = get_calendar()
    lo, hi = _id_range(days, 0)
    changed = 0
    computed: dict = {}
    while lo is not None and lo <= hi:
        with transaction.atomic():
            changed += recompute_chunk(
                days=days, first_id=lo, last_id=lo + CHUNK - 1, calendar=calendar, computed=computed
            )
        lo += CHUNK
    return changed


def recomputation_request(*, days: Iterable[date]) -> Recomputation:
    """A pending recomputation of `days` (the caller queues recompute_due_dates_task for it)."""
    return Recomputation.objects.create(days=[d.isoformat() for d in _dates(days)])


def recomputation_claim(recomputation_id: int, *, now: datetime | None = None) -> bool:
    """Claim a pending recomputation, or one whose worker stopped renewing its claim."""
    now = now or timezone.now()
    return bool(
        Recomputation.objects.filter(pk=recomputation_id)
        .filter(
            Q(status=Recomputation.Status.PENDING)
            | Q(status=Recomputation.Status.RUNNING, claimed_at__lt=now - _claim_timeout())
        )
        .update(status=Recomputation.Status.RUNNING, claimed_at=now)
    )


def recomputation_run(
    *, recomputation_id: int, budget_seconds: float = BUDGET_SECONDS
) -> tuple[int, bool]:
    """Claim the recomputation and work through its chunks from where it stands.

    Returns (due dates changed by this run, finished). Past `budget_seconds` the row is handed
    back as pending (the caller queues a fresh task). A run that did not get the claim returns
    (0, False) and does nothing.
    """
    if not recomputation_claim(recomputation_id):
        return 0, False
    job = Recomputation.objects.get(pk=recomputation_id)
    days = _dates(job.days)
    calendar = get_calendar()
    started = time.monotonic()
    changed = 0
    lo, hi = _id_range(days, job.next_id) if days else (None, None)
    computed: dict = {}
    while lo is not None and lo <= hi:
        last = lo + CHUNK - 1
        with transaction.atomic():
            count = recompute_chunk(
                days=days, first_id=lo, last_id=last, calendar=calendar, computed=computed
            )
            changed += count
            # Progress and claim renewal commit with the chunk: a kill loses at most one chunk.
            Recomputation.objects.filter(pk=job.pk).update(
                next_id=last + 1, changed=job.changed + changed, claimed_at=timezone.now()
            )
        lo = last + 1
        if lo <= hi and time.monotonic() - started > budget_seconds:
            Recomputation.objects.filter(pk=job.pk).update(status=Recomputation.Status.PENDING)
            return changed, False
    Recomputation.objects.filter(pk=job.pk).update(
        status=Recomputation.Status.DONE, finished_at=timezone.now(), claimed_at=None
    )
    return changed, True


def recomputations_owed(*, now: datetime | None = None) -> list[int]:
    """Ids of the recomputations a worker should run now: requests for calendar days changed in
    the last LOOKBACK that no recomputation requested after the change covers (created here),
    then every pending one and every running one whose claim has expired."""
    now = now or timezone.now()
    recent = list(
        CalendarException.objects.filter(updated_at__gte=now - LOOKBACK).values_list(
            "day", "updated_at"
        )
    )
    if recent:
        covered: dict[str, list[datetime]] = defaultdict(list)
        for job in Recomputation.objects.filter(requested_at__gte=now - LOOKBACK):
            for day in job.days:
                covered[day].append(job.requested_at)
        missing = [
            day
            for day, changed_at in recent
            if not any(at >= changed_at for at in covered[day.isoformat()])
        ]
        if missing:
            recomputation_request(days=missing)
    return list(
        Recomputation.objects.filter(
            Q(status=Recomputation.Status.PENDING)
            | Q(status=Recomputation.Status.RUNNING, claimed_at__lt=now - _claim_timeout())
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
