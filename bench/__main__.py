"""`make bench`: print every measurement as one JSON object per line.

Each line: {"name", "value", "unit", "budget", "note"}. Budgets are those of DESIGN.md §10;
the figures are reported, never asserted (timings do not belong in pass/fail tests).
Benchmarks that need Django set it up themselves; PostgreSQL ones use DATABASE_URL.
"""

import json
import sys
from importlib import import_module

MODULES = [
    "bench.workdays",
    "bench.petitions",
    "bench.search",
    "bench.documents",
    "bench.console",
    "bench.followups",
    "bench.units",
    "bench.supervise",
    "bench.citizen",
]


def main(names: list[str]) -> None:
    for module_name in names or MODULES:
        for row in import_module(module_name).run():
            print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main([f"bench.{n}" for n in sys.argv[1:]])
