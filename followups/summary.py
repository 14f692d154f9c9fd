"""The dashboard's summary cells (followups.models.DashboardCell), kept in step with the records.

At national scale (a million open assignments) the dashboard cannot count live within its
budget, so every petition and assignment adds its figures to the cells of its unit *and of each
unit above it* (the scope), one row per breakdown the page shows: per child unit, per agency,
per field, per month. The page then reads a few dozen rows of one scope, whatever is below it.

How the cells stay right:

- every service that can change a counted figure (a petition's status, field or date; an
  assignment made, answered, forwarded, extended or recounted) wraps its write in
  petitions.changes.tracking(petition ids); the tracker here counts those petitions and their
  assignments before and after, in the same transaction, and inserts the difference as new
  rows (no row is updated, so concurrent writers never wait on the country's cells);
- open assignments are split into "not yet due" and "overdue" as of one day
  (DashboardSummaryState.as_of); the nightly `roll` moves the ones that fell due to overdue, and
  the page corrects for the days between as_of and today with a small live query (empty once
  the roll has run);
- `rebuild` recounts everything from the records (management command rebuild_dashboard_summary,
  after bulk loads or unit moves), `compact` merges the difference rows; tests prove the cells
  equal a full recount after any sequence of writes.

Writers take a shared lock on the state row and the roll, rebuild and compaction an exclusive
one (PostgreSQL; SQLite serialises writers anyway), so none of them reads half of another.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, F, Q, Sum
from django.db.models.fields import BooleanField
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from followups.models import Assignment, DashboardCell, DashboardSummaryState
from petitions.models import Petition

# Plain strings (the keys are compared with values read back from the database).
CHILD, AGENCY, FIELD, MONTH = (str(k.value) for k in DashboardCell.Kind)
P_COLUMNS = (
    "p_received",
    "p_answered_at_session",
    "p_assigned",
    "p_resolved",
    "p_forwarded",
    "p_routed_out",
)
A_COLUMNS = ("a_total", "a_on_time", "a_late", "a_open", "a_overdue", "a_forwarded")
COLUMNS = P_COLUMNS + A_COLUMNS
WIDTH = len(COLUMNS)
ASSIGNED_STATUSES = frozenset({"assigned", "answered", "forwarded"})
BATCH = 5000

#: (scope id, year, kind, child id, agency id, field id, month)
Key = tuple[int, int, str, int | None, int | None, int | None, int | None]


# --- the state row -----------------------------------------------------------------------------


def _state(*, exclusive: bool) -> DashboardSummaryState:
    """The state row, locked (shared for writers, exclusive for the roll and the rebuild)."""
    table = DashboardSummaryState._meta.db_table
    if connection.vendor == "postgresql":
        mode = "UPDATE" if exclusive else "SHARE"
        found = list(
            DashboardSummaryState.objects.raw(
                f"SELECT * FROM {table} WHERE id = 1 FOR {mode}"  # noqa: S608 (constant)
            )
        )
        if found:
            return found[0]
    state = DashboardSummaryState.objects.filter(pk=1).first()
    if state is None:
        # Before any cell exists (a fresh database): the cells start judging from today.
        state, _ = DashboardSummaryState.objects.get_or_create(
            pk=1, defaults={"as_of": timezone.localdate()}
        )
    return state


def overdue_flips(moves: Iterable[tuple[int, date, date]]) -> set[int]:
    """The petitions among `moves` (petition id, old and new due date of one of its open
    assignments) whose cells such a move changes. An open assignment counts as overdue or not
    on the judging day, and nothing else the cells hold depends on its due date, so only a move
    across that day matters: a recomputation after a calendar change then tracks a handful of
    petitions per chunk, not every one whose date moved. Takes the writers' lock on the state
    row, as a tracker does, so the judging day cannot move meanwhile."""
    day = _state(exclusive=False).as_of
    return {pk for pk, old, new in moves if (old < day) != (new < day)}


def as_of() -> date:
    """The day the cells judge open assignments on (no lock: readers)."""
    state = DashboardSummaryState.objects.filter(pk=1).values_list("as_of", flat=True).first()
    return state or timezone.localdate()


# --- what records contribute --------------------------------------------------------------------


def _scopes(path: str) -> list[tuple[int, int | None]]:
    """(scope, child of the scope the record lies under or None) for the unit and each above."""
    ids = [int(part) for part in path.strip("/").split("/") if part]
    return [(pk, ids[i + 1] if i + 1 < len(ids) else None) for i, pk in enumerate(ids)]


def petition_rows(petitions):
    """Petitions grouped by everything their contribution depends on."""
    return (
        petitions.values(
            "unit__path",
            "field_id",
            "status",
            "is_resolved",
            y=ExtractYear("received_on"),
            m=ExtractMonth("received_on"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def assignment_rows(assignments, day: date):
    """Assignments grouped likewise; open ones judged on `day`."""
    return (
        assignments.values(
            "unit__path",
            "agency_id",
            "status",
            field=F("petition__field_id"),
            y=ExtractYear("assigned_on"),
            m=ExtractMonth("closed_on"),
            on_time=ExpressionWrapper(Q(closed_on__lte=F("due_on")), output_field=BooleanField()),
            overdue=ExpressionWrapper(Q(due_on__lt=day), output_field=BooleanField()),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )


def _petition_vector(row: dict) -> list[int]:
    n, status = row["n"], row["status"]
    vector = [0] * WIDTH
    vector[0] = n
    vector[1] = n if status == Petition.Status.ANSWERED_AT_SESSION else 0
    vector[2] = n if status in ASSIGNED_STATUSES else 0
    vector[3] = n if row["is_resolved"] else 0
    vector[4] = n if status == Petition.Status.FORWARDED else 0
    vector[5] = n if status == Petition.Status.ROUTED_OUT else 0
    return vector


def _assignment_vector(row: dict) -> list[int]:
    n, status = row["n"], row["status"]
    answered = status == Assignment.Status.ANSWERED
    is_open = status == Assignment.Status.OPEN
    vector = [0] * WIDTH
    vector[6] = n
    vector[7] = n if answered and row["on_time"] else 0
    vector[8] = n if answered and not row["on_time"] else 0
    vector[9] = n if is_open and not row["overdue"] else 0
    vector[10] = n if is_open and row["overdue"] else 0
    vector[11] = n if status == Assignment.Status.FORWARDED else 0
    return vector


def _add(cells: dict, key: Key, vector: list[int], sign: int = 1) -> None:
    cell = cells.get(key)
    if cell is None:
        cell = cells[key] = [0] * WIDTH
    for i, value in enumerate(vector):
        if value:
            cell[i] += sign * value


def contributions(p_rows: Iterable[dict], a_rows: Iterable[dict], *, scope: int | None = None):
    """{key: vector} of grouped rows; with `scope`, only that scope's cells."""
    cells: dict[Key, list[int]] = {}
    for row in p_rows:
        vector = _petition_vector(row)
        for pk, _child in _scopes(row["unit__path"]):
            if scope is not None and pk != scope:
                continue
            _add(cells, (pk, row["y"], FIELD, None, None, row["field_id"], None), vector)
            _add(cells, (pk, row["y"], MONTH, None, None, None, row["m"]), vector)
    for row in a_rows:
        vector = _assignment_vector(row)
        for pk, child in _scopes(row["unit__path"]):
            if scope is not None and pk != scope:
                continue
            year = row["y"]
            _add(cells, (pk, year, CHILD, child, None, None, None), vector)
            _add(cells, (pk, year, AGENCY, None, row["agency_id"], None, None), vector)
            _add(cells, (pk, year, FIELD, None, None, row["field"], None), vector)
            if row["m"] is not None:  # closed: counted in the month it was closed
                _add(cells, (pk, year, MONTH, None, None, None, row["m"]), vector)
    return cells


def _of_petitions(ids: list[int], day: date) -> dict:
    if not ids:
        return {}
    return contributions(
        petition_rows(Petition.objects.filter(pk__in=ids)),
        assignment_rows(Assignment.objects.filter(petition_id__in=ids), day),
    )


def _difference(after: dict, before: dict) -> dict:
    cells = {key: list(vector) for key, vector in after.items()}
    for key, vector in before.items():
        _add(cells, key, vector, -1)
    return {key: vector for key, vector in cells.items() if any(vector)}


def _write(cells: dict, *, merged: bool = False) -> int:
    """Insert the cells; `merged` when they are the only merged row of their key (a rebuild or
    a merge, which delete every row first), not differences."""
    rows = [
        DashboardCell(
            scope_id=key[0],
            year=key[1],
            kind=key[2],
            child_id=key[3],
            agency_id=key[4],
            field_id=key[5],
            month=key[6],
            merged=merged,
            **dict(zip(COLUMNS, vector, strict=True)),
        )
        for key, vector in cells.items()
        if any(vector)
    ]
    DashboardCell.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- the tracker (petitions.changes) ------------------------------------------------------------


class Tracker:
    def __init__(self, petition_ids: list[int]):
        self.day = _state(exclusive=False).as_of
        self.ids = list(dict.fromkeys(petition_ids))
        self.before = _of_petitions(self.ids, self.day)

    def created(self, petition_ids: Iterable[int]) -> None:
        for pk in petition_ids:
            if pk not in self.ids:
                self.ids.append(pk)

    def finish(self) -> None:
        _write(_difference(_of_petitions(self.ids, self.day), self.before))


# --- rebuilding, rolling, merging -------------------------------------------------------------


@transaction.atomic
def rebuild(*, today: date | None = None) -> int:
    """Recount every cell from the records, judging open assignments on `today`. Returns the
    number of cells. Writers wait for it (exclusive lock on the state row)."""
    today = today or timezone.localdate()
    state = _state(exclusive=True)
    DashboardCell.objects.all().delete()
    cells = contributions(
        petition_rows(Petition.objects.all()).iterator(chunk_size=BATCH),
        assignment_rows(Assignment.objects.all(), today).iterator(chunk_size=BATCH),
    )
    written = _write(cells, merged=True)
    DashboardSummaryState.objects.filter(pk=state.pk).update(
        as_of=today, rebuilt_at=timezone.now(), compacted_at=timezone.now()
    )
    return written


def _open_between(first: date, last: date):
    """Open assignments due on first … last − 1."""
    return Assignment.objects.filter(
        status=Assignment.Status.OPEN, due_on__gte=first, due_on__lt=last
    )


@transaction.atomic
def roll(*, today: date | None = None) -> int:
    """Judge the open assignments on `today`: those that fell due since as_of become overdue
    (or the reverse if the day goes back). Safe to run twice: the second finds as_of == today."""
    today = today or timezone.localdate()
    state = _state(exclusive=True)
    if state.as_of == today:
        return 0
    first, last = sorted((state.as_of, today))
    moving = _open_between(first, last)
    cells = _difference(
        contributions((), assignment_rows(moving, today)),
        contributions((), assignment_rows(moving, state.as_of)),
    )
    written = _write(cells)
    DashboardSummaryState.objects.filter(pk=state.pk).update(as_of=today)
    return written


@transaction.atomic
def compact() -> int:
    """Merge the difference rows: one row per key. Returns the rows left."""
    state = _state(exclusive=True)
    keys = ("scope_id", "year", "kind", "child_id", "agency_id", "field_id", "month")
    sums = list(
        DashboardCell.objects.values(*keys)
        .annotate(**{f"s_{c}": Sum(c) for c in COLUMNS})
        .order_by()
    )
    DashboardCell.objects.all().delete()
    cells = {
        tuple(row[k] for k in keys): [row[f"s_{c}"] for c in COLUMNS]
        for row in sums
        if any(row[f"s_{c}"] for c in COLUMNS)
    }
    written = _write(cells, merged=True)
    DashboardSummaryState.objects.filter(pk=state.pk).update(compacted_at=timezone.now())
    return written


def recount(today: date) -> dict:
    """Every cell as a full recount would make it, judged on `today` (tests, checks)."""
    return contributions(
        petition_rows(Petition.objects.all()),
        assignment_rows(Assignment.objects.all(), today),
    )


def stored() -> dict:
    """The cells as stored, differences summed, zero cells left out."""
    keys = ("scope_id", "year", "kind", "child_id", "agency_id", "field_id", "month")
    out = {}
    for row in (
        DashboardCell.objects.values(*keys)
        .annotate(**{f"s_{c}": Sum(c) for c in COLUMNS})
        .order_by()
    ):
        vector = [row[f"s_{c}"] for c in COLUMNS]
        if any(vector):
            out[tuple(row[k] for k in keys)] = vector
    return out


# --- reading (followups.dashboard) --------------------------------------------------------------


def correction(unit, year: int, today: date, judged_on: date) -> dict:
    """What changes in `unit`'s cells if open assignments are judged on `today` instead of
    `judged_on` (as_of): normally nothing (no query) once the nightly roll has run."""
    if today == judged_on:
        return {}
    first, last = sorted((judged_on, today))
    moving = _open_between(first, last).filter(
        unit__path__startswith=unit.path, assigned_on__year=year
    )
    rows = list(assignment_rows(moving, today))
    if not rows:
        return {}
    after = contributions((), rows, scope=unit.pk)
    for row in rows:
        row["overdue"] = not row["overdue"]
    return _difference(after, contributions((), rows, scope=unit.pk))
