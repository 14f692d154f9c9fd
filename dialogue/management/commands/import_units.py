from collections import Counter

from django.core.management.base import BaseCommand

from dialogue import units_register

EXAMPLES = 5


class Command(BaseCommand):
    help = (
        "Load the official register of provinces and communes (vietnam-provinces) into the unit "
        "tree, keyed on the official code. Safe to run again; nothing is ever deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change, change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        self.stdout.write(f"Danh mục: {units_register.register_source()}")
        plan = units_register.import_register(dry_run=dry_run)
        if plan.is_empty:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Không có thay đổi: {plan.unchanged} đơn vị đã khớp với danh mục."
                )
            )
            return
        verb = "Sẽ" if dry_run else "Đã"
        self.stdout.write(
            f"{verb} thêm {len(plan.create)}, cập nhật {len(plan.update)}, "
            f"đánh dấu không còn tồn tại {len(plan.end)}; không đổi {plan.unchanged}."
        )
        if plan.create:
            kinds = Counter(row.kind for row in plan.create)
            self.stdout.write("  " + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()))
        for row in plan.create[:EXAMPLES]:
            self.stdout.write(f"  + {row.code} {row.name} ({row.kind})")
        for unit, changes in plan.update[:EXAMPLES]:
            described = "; ".join(f"{k}: {old!r} → {new!r}" for k, (old, new) in changes.items())
            self.stdout.write(f"  ~ {unit.code} {unit.name}: {described}")
        for unit in plan.end[:EXAMPLES]:
            self.stdout.write(f"  - {unit.code} {unit.name} (không còn trong danh mục)")
        if dry_run:
            self.stdout.write(self.style.WARNING("Chạy thử: không có gì được ghi."))
        else:
            self.stdout.write(self.style.SUCCESS("Đã ghi, kèm lịch sử thay đổi của từng đơn vị."))
