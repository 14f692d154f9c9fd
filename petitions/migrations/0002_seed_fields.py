"""The fields (lĩnh vực) the source documents name; administrators edit the list afterwards."""

from django.db import migrations

FIELDS = [
    ("dat-dai-gpmb", "Đất đai, giải phóng mặt bằng"),
    ("moi-truong", "Môi trường"),
    ("ha-tang-giao-thong", "Hạ tầng, giao thông"),
    ("chinh-sach-xa-hoi", "Chính sách xã hội"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("le-loi-can-bo", "Tác phong, lề lối làm việc của cán bộ"),
    ("an-ninh-trat-tu", "An ninh, trật tự"),
    ("khac", "Lĩnh vực khác"),
]


def seed(apps, schema_editor):
    Field = apps.get_model("petitions", "Field")
    for position, (code, name) in enumerate(FIELDS, start=1):
        Field.objects.get_or_create(code=code, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
