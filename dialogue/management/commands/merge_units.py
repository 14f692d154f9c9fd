from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dialogue import services
from dialogue.models import AdministrativeUnit


def _successor(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code, valid_to__isnull=True).first()
    if unit is None:
        raise CommandError(f"Không có đơn vị hiện hành mã {code}.")
    return unit


def _former(code: str, successor: AdministrativeUnit) -> AdministrativeUnit:
    # The register may give a former unit's code to its successor (Bắc Giang's 24 is Bắc
    # Ninh's): the former one is any other unit with that code, the current one first.
    units = AdministrativeUnit.objects.filter(code=code).exclude(pk=successor.pk)
    unit = units.filter(valid_to__isnull=True).first() or units.order_by("-valid_to").first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {code}.")
    return unit


class Command(BaseCommand):
    help = (
        "Record a merger: the units --from (official codes) become part of --into from the "
        "date --on; each former unit ends the day before and keeps its records."
    )

    def add_arguments(self, parser):
        parser.add_argument("--into", required=True, help="Official code of the successor.")
        parser.add_argument("--from", dest="from_codes", nargs="+", required=True)
        parser.add_argument("--on", required=True, help="YYYY-MM-DD, the first day merged.")
        parser.add_argument("--source", default="", help="The deciding document.")

    def handle(self, *args, into, from_codes, on, source, **options):
        try:
            day = date.fromisoformat(on)
        except ValueError as e:
            raise CommandError(f"Ngày không hợp lệ: {on}") from e
        successor = _successor(into)
        predecessors = [_former(code, successor) for code in from_codes]
        try:
            made = services.unit_merge(
                actor=None, into=successor, predecessors=predecessors, on=day, source=source
            )
        except ValidationError as e:
            raise CommandError("; ".join(e.messages)) from e
        for succession in made:
            self.stdout.write(
                f"{succession.predecessor.name} → {successor.name} từ {succession.on:%d/%m/%Y}"
            )
