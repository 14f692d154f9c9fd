"""The calendar exceptions shipped by dialogue 0003 date from the release, not from `migrate`.

Their `updated_at` was the moment the migration ran, so on a freshly migrated database they looked
changed in the last days and the daily sweep owed a recomputation of every open due date for
them. Their due dates were counted with them from the start: nothing is owed. Only rows still as
shipped (same day, kind and name) are dated back; one an administrator edited keeps its date.
"""

from datetime import UTC, date, datetime

from django.db import migrations

SHIPPED_AT = datetime(2026, 11, 22, tzinfo=UTC)
#: (day, kind, name) as dialogue/migrations/0003_ship_profiles_and_official_schedules ships them.
SHIPPED = [
    (date(2026, 1, 2), "day_off", "Nghỉ Tết Dương lịch (hoán đổi, làm bù thứ Bảy 10/01/2026)"),
    (date(2026, 1, 10), "working_day", "Làm bù cho ngày 02/01/2026"),
    (date(2026, 11, 24), "day_off", "Ngày Văn hóa Việt Nam"),
]


def forwards(apps, schema_editor):
    CalendarException = apps.get_model("dialogue", "CalendarException")
    for day, kind, name in SHIPPED:
        CalendarException.objects.filter(
            day=day, kind=kind, name=name, updated_at__gt=SHIPPED_AT
        ).update(updated_at=SHIPPED_AT)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0003_ship_profiles_and_official_schedules"),
        ("followups", "0002_recomputation"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
