"""The shipped calendar exceptions said "gói holidays" (a Python package) to the user: word the
source in the user's terms. Only rows still holding the shipped text are changed, so an
administrator's own wording is kept."""

import uuid

from django.db import migrations

STATUTORY = "Ngày lễ theo Bộ luật Lao động (cập nhật tự động)"
REWORDED = {
    "note": {
        "Gói holidays coi ngày này là ngày làm việc.": (
            "Theo lịch ngày lễ của Bộ luật Lao động, ngày này là ngày làm việc."
        ),
        "Gói holidays coi ngày này là thứ Bảy nghỉ.": (
            "Theo lịch ngày lễ của Bộ luật Lao động, ngày này là thứ Bảy nghỉ."
        ),
        "Chưa được luật quyết định khi kiểm tra (Nghị quyết 80-NQ/TW ngày 07/01/2026 mới là chủ "
        "trương). Ứng dụng theo gói holidays; cập nhật khi có văn bản.": (
            "Chưa được luật quyết định khi kiểm tra (Nghị quyết 80-NQ/TW ngày 07/01/2026 mới là "
            "chủ trương). Ứng dụng theo lịch ngày lễ cập nhật tự động; cập nhật khi có văn bản."
        ),
    },
    "source": {
        "Theo gói holidays; chưa tìm thấy văn bản quy phạm đã ban hành quy định ngày nghỉ này": (
            f"{STATUTORY}; chưa tìm thấy văn bản quy phạm đã ban hành quy định ngày nghỉ này"
        ),
    },
}


def forwards(apps, schema_editor):
    Exception_ = apps.get_model("dialogue", "CalendarException")
    Revision = apps.get_model("dialogue", "CalendarRevision")
    changed = 0
    for field, texts in REWORDED.items():
        for old, new in texts.items():
            changed += Exception_.objects.filter(**{field: old}).update(**{field: new})
    if changed:
        # The sources are shown from each process's cached calendar: make them rebuild it.
        Revision.objects.filter(pk=1).update(token=uuid.uuid4().hex)


def backwards(apps, schema_editor):
    Exception_ = apps.get_model("dialogue", "CalendarException")
    for field, texts in REWORDED.items():
        for old, new in texts.items():
            Exception_.objects.filter(**{field: new}).update(**{field: old})


class Migration(migrations.Migration):
    dependencies = [("dialogue", "0007_merge_exports_and_units")]
    operations = [migrations.RunPython(forwards, backwards)]
