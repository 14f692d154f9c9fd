"""The supervisors' dashboard: figures of one unit and everything below it, for one year.

Plain functions over querysets; the view resolves the unit through dialogue.access (a unit the
user does not supervise is a 404) and passes it here. Petitions and assignments are read from the
summary cells of the unit (followups.summary: a few dozen rows per unit and year, plus one per
agency below it, of which only the most overdue are read), sessions and communes live (one query
over the units below); each is folded in Python into the totals and the rows per child unit, per
agency, per field and per month, so the page costs the same queries at a commune and at the whole
country, and no longer grows with the records.

Definitions (the year is the calendar year):

- a *commune* is a unit with no unit below it (levels are data: a ward, a commune, a special
  zone); it *held* its dialogue when one of its sessions that year reached "held" or later
  (the Điện Biên guidance and the 2025 Law on Local Government: at least one a year);
- petitions are counted by the day they were received; *assigned* means given to an agency
  after the session (still open, answered or forwarded); *resolved* is Petition.is_resolved;
- assignments are counted by the day they were made, and judged today: *on time* and *late*
  are answered ones (closed on or before / after the due date), *overdue* are open past their
  due date, *open* are open and not yet due; the on-time rate is on time ÷ (on time + late +
  overdue), the items whose deadline has given its verdict.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dialogue.charts import Chart, bar_chart, paired_columns
from dialogue.models import AdministrativeUnit, Agency
from dialogue.querysets import existed_in
from followups import summary
from followups.models import Assignment, DashboardCell
from sessions.models import DialogueSession

HELD_STATUSES = ("held", "concluded", "closed")
OLDEST = 10
#: Agencies listed, the most overdue first (a country has some 17,000).
AGENCIES_SHOWN = 30


@dataclass
class Tally:
    """Assignments judged today."""

    total: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    forwarded: int = 0

    def add(self, other: Tally) -> None:
        for name in ("total", "on_time", "late", "open", "overdue", "forwarded"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Percent answered on time of those whose deadline has passed or who answered."""
        return round(100 * self.on_time / self.judged, 1) if self.judged else None


@dataclass
class PetitionTally:
    received: int = 0
    answered_at_session: int = 0
    assigned: int = 0
    resolved: int = 0
    forwarded: int = 0
    routed_out: int = 0

    def add(self, other: PetitionTally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ChildRow:
    unit: AdministrativeUnit
    is_self: bool = False
    communes: int = 0
    communes_held: int = 0
    sessions_held: int = 0
    assignments: Tally = field(default_factory=Tally)

    @property
    def communes_without(self) -> int:
        return self.communes - self.communes_held


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    year: int
    today: date
    ancestors: list[AdministrativeUnit]
    children: list[ChildRow]
    sessions_held: int
    communes: int
    communes_without: list[dict]
    petitions: PetitionTally
    petitions_by_field: list[tuple[str, PetitionTally]]
    assignments: Tally
    by_agency: list[tuple[Agency | dict, Tally]]
    by_field: list[tuple[str, Tally]]
    months: list[tuple[int, int, int]]
    oldest_overdue: list[Assignment]

    @property
    def communes_held(self) -> int:
        return self.communes - len(self.communes_without)


def _child_key(path: str, root: str) -> str:
    """The id (as text) of the child of `root` that `path` lies under; "" for root itself."""
    return path[len(root) :].split("/", 1)[0]


def _tally(values: dict) -> Tally:
    return Tally(**{name: values[f"a_{name}"] for name in Tally.__dataclass_fields__})


def _petition_tally(values: dict) -> PetitionTally:
    return PetitionTally(
        **{name: values[f"p_{name}"] for name in PetitionTally.__dataclass_fields__}
    )


def _sums(columns=summary.COLUMNS) -> dict:
    return {f"s_{c}": Sum(c) for c in columns}


def _row_values(row: dict, fix: list[int] | None) -> dict:
    values = {c: row.get(f"s_{c}") or 0 for c in summary.COLUMNS}
    if fix:
        for column, delta in zip(summary.COLUMNS, fix, strict=True):
            values[column] += delta
    return values


# --- the queries (one each) ------------------------------------------------------------------


def units_of(unit: AdministrativeUnit, year: int):
    """Every unit of `unit`'s subtree as (pk, name, path, existed that year, has a unit below,
    sessions it held that year): the communes and the sessions in one query."""
    held = (
        DialogueSession.objects.filter(
            unit=OuterRef("pk"), starts_at__year=year, status__in=HELD_STATUSES
        )
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        AdministrativeUnit.objects.subtree(unit)
        .annotate(
            existed=ExpressionWrapper(existed_in(year), output_field=BooleanField()),
            has_below=Exists(AdministrativeUnit.objects.filter(parent=OuterRef("pk"))),
            held=Coalesce(Subquery(held), 0),
        )
        .values_list("pk", "name", "path", "existed", "has_below", "held")
        .order_by()
    )


def oldest_overdue(unit: AdministrativeUnit, today: date):
    """The ten assignments longest past due under `unit`, whatever the year they were made
    (live: the partial index on open due dates gives them in order)."""
    return list(
        Assignment.objects.overdue(on=today)
        .filter(unit__path__startswith=unit.path)
        .select_related("agency", "unit", "petition")
        .defer("petition__search")
        .order_by("due_on", "id")[:OLDEST]
    )


def cells_of(unit: AdministrativeUnit, year: int):
    """The summary cells of `unit` for `year` (followups.summary), differences summed."""
    return DashboardCell.objects.filter(scope=unit, year=year)


def agencies_ranked(unit: AdministrativeUnit, year: int) -> list[dict]:
    """The AGENCIES_SHOWN agencies of `unit`'s cells with the most overdue assignments (then
    the most assignments, then the lowest id), their cells summed, in that order.

    A country has some 17,000 agencies: summing all their cells to sort them cost the page
    tens of milliseconds. An agency without difference rows has exactly one merged row
    (followups.summary), read in order from an index; the agencies with differences (few once
    the nightly merge has run) are summed in full. The first AGENCIES_SHOWN of both together
    are the first of all. Two queries: the differing agencies summed, the others from the index."""
    cells = cells_of(unit, year).filter(kind=DashboardCell.Kind.AGENCY)
    differing = cells.filter(merged=False).values("agency_id")
    summed = list(
        cells.filter(agency_id__in=differing)
        .values("agency_id", "agency__name")
        .annotate(**_sums(summary.A_COLUMNS))
        .order_by()
    )
    single = list(
        cells.filter(merged=True)
        .exclude(agency_id__in=differing)
        .order_by("-a_overdue", "-a_total", "agency_id")
        .values("agency_id", "agency__name", **{f"s_{c}": F(c) for c in summary.A_COLUMNS})[
            :AGENCIES_SHOWN
        ]
    )
    ranked = sorted(
        summed + single, key=lambda r: (-r["s_a_overdue"], -r["s_a_total"], r["agency_id"])
    )
    return ranked[:AGENCIES_SHOWN]


def build(unit: AdministrativeUnit, *, year: int, today: date) -> Dashboard:
    """Every figure of the dashboard of `unit` (already checked to be in the user's scope)."""
    # 1. The units around: ancestors for the breadcrumbs and children for the rows.
    around = list(
        AdministrativeUnit.objects.filter(Q(pk__in=unit.ancestor_ids) | Q(parent=unit)).order_by(
            "depth", "name"
        )
    )
    ancestors = [u for u in around if u.pk in unit.ancestor_ids]
    children = {str(u.pk): ChildRow(unit=u) for u in around if u.parent_id == unit.pk}
    self_row = ChildRow(unit=unit, is_self=True)

    def row_for(path: str) -> ChildRow:
        return children.get(_child_key(path, unit.path), self_row)

    # 2. Communes (units without a unit below) and whether each held its dialogue; sessions
    # held, per unit.
    communes, sessions_held, communes_without = 0, 0, []
    for pk, name, path, existed, has_below, held in units_of(unit, year):
        is_commune = existed and not has_below
        if not (held or is_commune):
            continue
        row = row_for(path)
        row.sessions_held += held
        sessions_held += held
        if is_commune:
            row.communes += 1
            communes += 1
            if held:
                row.communes_held += 1
            else:
                communes_without.append({"pk": pk, "name": name, "path": path})
    communes_without.sort(key=lambda c: c["path"])  # tree order (byte order of the paths)
    # 3. The summary cells: per child unit, per field and per month (agencies below), with the
    # live correction for the days between the cells' judging day and today (normally none).
    fixes = summary.correction(unit, year, today, summary.as_of())
    petitions, assignments = PetitionTally(), Tally()
    by_field_p, by_field_a, field_names = {}, {}, {}
    received_by_month, resolved_by_month = defaultdict(int), defaultdict(int)
    for row in (
        # By kind (not "all but agency"): the index then skips the agencies' rows.
        cells_of(unit, year)
        .filter(kind__in=(summary.CHILD, summary.FIELD, summary.MONTH))
        .values("kind", "child_id", "field_id", "field__name", "month")
        .annotate(**_sums())
        .order_by()
    ):
        kind = row["kind"]
        key = (unit.pk, year, kind, row["child_id"], None, row["field_id"], row["month"])
        values = _row_values(row, fixes.pop(key, None))
        if kind == DashboardCell.Kind.CHILD:
            tally = _tally(values)
            assignments.add(tally)
            if row["child_id"] is None:
                self_row.assignments.add(tally)
            elif str(row["child_id"]) in children:
                children[str(row["child_id"])].assignments.add(tally)
        elif kind == DashboardCell.Kind.FIELD:
            field_names[row["field_id"]] = row["field__name"]
            by_field_p[row["field_id"]] = _petition_tally(values)
            by_field_a[row["field_id"]] = _tally(values)
            petitions.add(by_field_p[row["field_id"]])
        elif kind == DashboardCell.Kind.MONTH and row["month"]:
            received_by_month[row["month"]] += values["p_received"]
            resolved_by_month[row["month"]] += (
                values["p_answered_at_session"] + values["a_on_time"] + values["a_late"]
            )
    # 4. Assignments per agency: the most overdue first, as many as the page shows.
    by_agency = []
    for row in agencies_ranked(unit, year):
        key = (unit.pk, year, summary.AGENCY, None, row["agency_id"], None, None)
        by_agency.append(
            (
                {"pk": row["agency_id"], "name": row["agency__name"]},
                _tally(_row_values(row, fixes.get(key))),
            )
        )
    # Ties by name; the correction (if any) may reorder them.
    by_agency.sort(key=lambda item: (-item[1].overdue, -item[1].total, item[0]["name"]))

    rows = sorted(children.values(), key=lambda r: r.unit.name)
    if self_row.sessions_held or self_row.assignments.total or self_row.communes:
        rows.insert(0, self_row)
    return Dashboard(
        unit=unit,
        year=year,
        today=today,
        ancestors=ancestors,
        children=rows,
        sessions_held=sessions_held,
        communes=communes,
        communes_without=communes_without,
        petitions=petitions,
        # Ties by name: the cells come in no set order.
        petitions_by_field=sorted(
            ((field_names[pk], t) for pk, t in by_field_p.items() if t.received),
            key=lambda x: (-x[1].received, x[0]),
        ),
        assignments=assignments,
        by_agency=[(a, t) for a, t in by_agency if t.total],
        by_field=sorted(
            ((field_names[pk], t) for pk, t in by_field_a.items() if t.total),
            key=lambda x: (-x[1].total, x[0]),
        ),
        months=[(m, received_by_month[m], resolved_by_month[m]) for m in range(1, 13)],
        oldest_overdue=oldest_overdue(unit, today),
    )


def charts(dashboard: Dashboard) -> list[Chart]:
    """The dashboard's three charts, each with its numbers as a table."""
    rates = [
        (row.unit.name, row.assignments.on_time_rate)
        for row in dashboard.children
        if row.assignments.on_time_rate is not None
    ]
    return [
        bar_chart(
            _("On-time rate per unit"),
            rates,
            maximum=100,
            suffix=" %",
            headers=(_("Unit"), _("On time")),
        ),
        bar_chart(
            _("Petitions by field"),
            [(name, t.received) for name, t in dashboard.petitions_by_field],
            headers=(_("Field"), _("Petitions")),
        ),
        paired_columns(
            _("Petitions received and resolved per month"),
            [(f"{m:02d}", received, resolved) for m, received, resolved in dashboard.months],
            headers=(_("Month"), _("Received"), _("Resolved")),
        ),
    ]
