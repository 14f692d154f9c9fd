"""Benchmark: `manage.py import_units`, the official register into the unit tree.

Run: ``.venv/bin/python -m bench units`` (one JSON line per measurement).

Issue 16 budget: the full import (34 provinces, 3,321 communes, their paths and a change record
each) and the no-change second run, in seconds, on PostgreSQL; "well under a minute" on both
databases. The database is a throwaway one (bench.petitions.throwaway_database), never the
developer's. Each figure is the median of RUNS imports into an emptied unit table.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.petitions import (  # noqa: E402
    configure_django,
    database_label,
    load_note,
    throwaway_database,
)

RUNS = 3
BUDGET = "well under 60 s (issue 16)"


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
    ]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row, ensure_ascii=False))
