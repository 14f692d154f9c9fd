"""`manage.py retention [--dry-run]`: anonymise citizens' personal data past RETENTION_YEARS."""

import json

from django.core.management.base import BaseCommand

from followups import anonymisation


class Command(BaseCommand):
    help = "Anonymise the personal data of citizens of sessions older than RETENTION_YEARS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; change nothing."
        )
        parser.add_argument("--years", type=int, default=None, help="Override RETENTION_YEARS.")

    def handle(self, *args, dry_run=False, years=None, **options):
        if dry_run:
            report = anonymisation.dry_run(years=years)
        else:
            report = anonymisation.retention_sweep(years=years)
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
