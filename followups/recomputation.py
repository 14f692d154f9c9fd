"""Recounting open due dates after a calendar change, set by set (DESIGN §4, §11).

A changed calendar day moves the due date of every open, not extended assignment whose span
(anchor_on … due_on) includes it: at national scale hundreds of thousands of rows. Rows that share
a rule and an anchor date share their new due date, so Python computes the due dates once per
(rule, anchor) of a run, and each chunk of CHUNK assignment ids is written set-based: on
PostgreSQL one statement locks the chunk's rows that move, one updates them and inserts their
change records (the keys passed as a small table); on SQLite an UPDATE with a CASE on rule and
anchor and one bulk INSERT. A chunk commits with the recomputation's progress
(`Recomputation.next_id`), so a killed run goes on where it stopped.

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
from django.db import connection, transaction
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

    Runs in the caller's transaction. An extension or a response that slipped in between the
    chunk's read and its write wins, and no change is recorded for it. `computed` caches the
    (due date, explanation) of each (rule, anchor) across the chunks of one run (same calendar).
    PostgreSQL does the chunk in SQL (recompute_chunk_in_sql); SQLite, the embedded default,
    through the ORM (recompute_chunk_in_python): the same rows, dates and change records.
    """
    computed = {} if computed is None else computed
    chunk = (
        recompute_chunk_in_sql if connection.vendor == "postgresql" else recompute_chunk_in_python
    )
    return chunk(
        days=days, first_id=first_id, last_id=last_id, calendar=calendar, computed=computed
    )


def _computed(
    computed: dict, rule_id: int | None, anchor_on: date, calendar: WorkCalendar
) -> tuple[date, str]:
    key = (rule_id, anchor_on)
    if key not in computed:
        due, text = deadlines.due_from(_rule(rule_id), anchor_on, calendar)
        computed[key] = (due, text[:500])
    return computed[key]


def recompute_chunk_in_python(
    *, days: list[date], first_id: int, last_id: int, calendar: WorkCalendar, computed: dict
) -> int:
    """The chunk through the ORM (SQLite). The chunk is read without locks (plain tuples); only
    the rows whose date moves are then locked, in id order as the services lock them, and kept
    if still open, not extended and at the date read."""
    rows = (
        _candidates(days)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .values_list("pk", "rule_id", "anchor_on", "due_on")
    )
    moving: dict[int, date] = {}
    for pk, rule_id, anchor_on, due_on in rows:
        if _computed(computed, rule_id, anchor_on, calendar)[0] != due_on:
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


# The chunk's keys, (rule, anchor) → (new due, explanation), as a table; no rule is 0 (ids start
# at 1) so that the join is a plain equality PostgreSQL can hash.
_KEYS = (
    "unnest(%(rules)s::bigint[], %(anchors)s::date[], %(dues)s::date[], %(texts)s::text[])"
    " AS k (rule_id, anchor_on, due_on, text)"
)
_KEY_JOIN = "COALESCE({a}.rule_id, 0) = k.rule_id AND {a}.anchor_on = k.anchor_on"

# Lock, in id order, the chunk's candidates whose due date moves; return what the dashboard
# tracker needs (summary.overdue_flips) and the ids the write then changes.
_LOCK_SQL = """
SELECT a.id, a.petition_id, a.due_on, k.due_on
FROM {assignment} a JOIN {keys} ON {join}
WHERE a.id BETWEEN %(first_id)s AND %(last_id)s
  AND a.status = %(open)s AND NOT a.extended
  AND a.anchor_on <= %(last_day)s AND a.due_on >= %(first_day)s
  AND a.due_on <> k.due_on
ORDER BY a.id
FOR UPDATE OF a
"""

# The locked rows get their new date and explanation, and each its change record, as
# Assignment.label and the ORM path write them.
_WRITE_SQL = """
WITH moved AS (
  UPDATE {assignment} a
  SET due_on = m.due_on, due_explanation = m.text, updated_at = %(now)s
  FROM (
    SELECT b.id, b.due_on AS old_due, k.due_on, k.text
    FROM {assignment} b JOIN {keys} ON {join}
    WHERE b.id = ANY(%(ids)s::bigint[])
  ) m
  WHERE a.id = m.id
  RETURNING a.id, a.petition_id, a.agency_id, m.old_due, m.due_on, m.text
), recorded AS (
  INSERT INTO {record}
    (content_type_id, object_id, object_repr, actor_id, at, action, changes, reason)
  SELECT %(content_type)s, moved.id::text,
    left(agency.name || ': #' || moved.petition_id::text, 300), NULL, %(now)s, %(action)s,
    jsonb_build_object('due_on', jsonb_build_array(
      to_char(moved.old_due, 'YYYY-MM-DD'), to_char(moved.due_on, 'YYYY-MM-DD'))),
    moved.text
  FROM moved JOIN {agency} agency ON agency.id = moved.agency_id
  ORDER BY moved.id
  RETURNING 1
)
SELECT count(*) FROM recorded
"""


def recompute_chunk_in_sql(
    *, days: list[date], first_id: int, last_id: int, calendar: WorkCalendar, computed: dict
) -> int:
    """The chunk set-based (PostgreSQL). Python computes only the (rule, anchor) keys of the
    chunk; one statement locks the rows that move (still open, not extended, still at a date
    their key moves), the dashboard tracker snapshots the petitions whose cells the moves
    change, and one statement updates the locked rows and inserts their change records. Values
    are bound server-side (a plain psycopg cursor), never quoted into the SQL."""
    keys = (
        _candidates(days)
        .filter(pk__gte=first_id, pk__lte=last_id)
        .order_by()
        .values_list("rule_id", "anchor_on")
        .distinct()
    )
    rules, anchors, dues, texts = [], [], [], []
    for rule_id, anchor_on in keys:
        due, text = _computed(computed, rule_id, anchor_on, calendar)
        rules.append(rule_id or 0)
        anchors.append(anchor_on)
        dues.append(due)
        texts.append(text)
    if not rules:
        return 0
    tables = {
        "assignment": connection.ops.quote_name(Assignment._meta.db_table),
        "agency": connection.ops.quote_name(Agency._meta.db_table),
        "record": connection.ops.quote_name(ChangeRecord._meta.db_table),
        "keys": _KEYS,
    }
    params = {"rules": rules, "anchors": anchors, "dues": dues, "texts": texts}
    import psycopg  # PostgreSQL only: SQLite installs need not load it

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            _LOCK_SQL.format(join=_KEY_JOIN.format(a="a"), **tables),
            {
                **params,
                "first_id": first_id,
                "last_id": last_id,
                "open": str(Assignment.Status.OPEN),
                "first_day": days[0],
                "last_day": days[-1],
            },
        )
        locked = cursor.fetchall()
        if not locked:
            return 0
        # A moved due date may move an open item between "not yet due" and "overdue".
        moves = [(petition_id, old, new) for _pk, petition_id, old, new in locked]
        with track_petitions(summary.overdue_flips(moves)):
            cursor.execute(
                _WRITE_SQL.format(join=_KEY_JOIN.format(a="b"), **tables),
                {
                    **params,
                    "ids": [row[0] for row in locked],
                    "now": timezone.now(),
                    "content_type": ContentType.objects.get_for_model(Assignment).pk,
                    "action": ACTION,
                },
            )
            (count,) = cursor.fetchone()
    return count


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
