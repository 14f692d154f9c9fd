"""`manage.py rebuild_dashboard_summary [--today YYYY-MM-DD]`: recount the dashboard's cells.

Run after loading records in bulk (outside the services), after moving units in the tree, or to
check them: the cells are derived from the records, so this is always safe.
"""

import time
from datetime import date

from django.core.management.base import BaseCommand

from followups import summary


class Command(BaseCommand):
    help = "Recount the supervisors' dashboard cells from the petitions and assignments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day open assignments are judged on (default: today).",
        )

    def handle(self, *args, today=None, **options):
        started = time.perf_counter()
        cells = summary.rebuild(today=today)
        self.stdout.write(f"{cells} cells in {time.perf_counter() - started:.1f} s")
