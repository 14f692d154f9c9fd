"""Benchmark: `manage.py import_units`, the official register into the unit tree, and the
petitions list of a national supervisor over it.

Run: ``.venv/bin/python -m bench units`` (one JSON line per measurement).

Issue 16 budgets, on PostgreSQL; the database is a throwaway one
(bench.petitions.throwaway_database), never the developer's:

1. ``units.import_register``: the full import (34 provinces, 3,321 communes, their paths and a
   change record each) and the no-change second run, in seconds; "well under a minute" on both
   databases. Each figure is the median of RUNS imports into an emptied unit table.
2. ``units.scoped_list_national``: the petitions list page (``/petitions/``, first page) for a
   supervisor of every province of the register (34 SUPERVISOR memberships, so 34 subtree
   paths in the scope), over the register and bench.petitions' 200,000 petitions spread over a
   session in each of its communes (the same generator, seed and bulk_create). Median of
   LIST_RUNS requests after bench.petitions.WARMUP, and the query count; ≤ 100 ms, ≤ 12 queries
   as the other lists.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.petitions import (  # noqa: E402
    ROWS,
    SEED,
    _build_world,
    _explain,
    _load,
    _measure,
    _sql_gist,
    configure_django,
    database_label,
    load_note,
    login_verified,
    throwaway_database,
)

RUNS = 3
BUDGET = "well under 60 s (issue 16)"
LIST_RUNS = 15
LIST_BUDGET = "≤ 100 ms, ≤ 12 queries"


def _empty() -> None:
    from dialogue.models import AdministrativeUnit, ChangeRecord

    ChangeRecord.objects.all().delete()
    # Children first: the parent key protects them.
    for depth in sorted(
        set(AdministrativeUnit.objects.values_list("depth", flat=True)), reverse=True
    ):
        AdministrativeUnit.objects.filter(depth=depth).delete()


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _scoped_list_national(database: str) -> list[dict]:
    """The national supervisor's petitions list, the register already imported."""
    from django.db import connection
    from django.test import Client

    from dialogue.models import AdministrativeUnit, Membership, Role, User
    from petitions.models import Petition
    from petitions.views import LIST_ORDER, PAGE_SIZE

    provinces = list(AdministrativeUnit.objects.filter(parent=None))
    communes = list(
        AdministrativeUnit.objects.filter(parent__isnull=False)
        .select_related("parent")
        .order_by("code")
    )
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    _province, _communes, sessions, organiser, _supervisor = _build_world(rng, communes)
    world_s = time.perf_counter() - t0
    load_s = _load(rng, sessions, organiser, local=len(sessions))
    national = User.objects.create(username="national", full_name="Phạm Văn Toàn Quốc")
    Membership.objects.bulk_create(
        Membership(user=national, unit=p, role=Role.SUPERVISOR) for p in provinces
    )
    client = Client()
    login_verified(client, national)
    explain = ""
    if connection.vendor == "postgresql":
        qs = (
            Petition.objects.visible_to(national)
            .select_related("field", "session", "unit")
            .order_by(*LIST_ORDER)[: PAGE_SIZE + 1]
        )
        explain = f"; EXPLAIN ANALYZE: {_explain(qs)}"
    m = _measure(client, "/petitions/", runs=LIST_RUNS)
    what = (
        f"supervisor of all {len(provinces)} provinces (parent=None), first page; "
        f"{AdministrativeUnit.objects.count():,} units, {len(sessions):,} sessions (one per "
        f"commune, {world_s:.0f} s through the services), {ROWS:,} petitions over them "
        f"(bulk_create {load_s:.0f} s, seed {SEED})"
    )
    return [
        {
            "name": "units.scoped_list_national",
            "value": round(m["ms"], 1),
            "unit": "ms",
            "budget": LIST_BUDGET,
            "note": (
                f"{what}; {m['rows']} rows shown; median of {LIST_RUNS} (p90 "
                f"{m['p90_ms']:.1f} ms); SQL {m['sql_ms']:.0f} ms in {m['queries']} queries, "
                f"slowest {m['slowest_ms']:.1f} ms: {_sql_gist(m['slowest_sql'])}; {database}, "
                f"{load_note()}{explain}"
            ),
        },
        {
            "name": "units.scoped_list_national.queries",
            "value": m["queries"],
            "unit": "queries",
            "budget": LIST_BUDGET,
            "note": f"{what}; counted on the requests after the timed ones; {database}",
        },
    ]


def run() -> list[dict]:
    choice = configure_django()
    import vietnam_provinces

    from dialogue import units_register

    full, again = [], []
    with throwaway_database():
        database = database_label()
        for _ in range(RUNS):
            _empty()
            full.append(_timed(units_register.import_register))
            again.append(_timed(units_register.import_register))
        assert units_register.import_register().is_empty
        from dialogue.models import AdministrativeUnit

        count = AdministrativeUnit.objects.count()
        note = (
            f"{count} units (vietnam-provinces {vietnam_provinces.__version__}, data "
            f"{vietnam_provinces.__data_version__}); median of {RUNS}; throwaway {database} "
            f"({choice}); {load_note()}"
        )
        listed = _scoped_list_national(f"throwaway {database} ({choice})")
    return [
        {
            "name": "units.import_register.full_s",
            "value": round(statistics.median(full), 3),
            "unit": "s",
            "budget": BUDGET,
            "note": f"full import into an empty tree; {note}",
        },
        {
            "name": "units.import_register.no_change_s",
            "value": round(statistics.median(again), 3),
            "unit": "s",
            "budget": BUDGET,
            "note": f"second run, nothing to change; {note}",
        },
        *listed,
    ]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
