from django.db import migrations, models


def mirror_finalised_minutes(apps, schema_editor):
    DialogueSession = apps.get_model("dialogue_sessions", "DialogueSession")
    DialogueSession.objects.filter(minutes__finalised_at__isnull=False).update(minutes_final=True)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue_sessions", "0009_console_deltas"),
    ]

    operations = [
        migrations.AddField(
            model_name="dialoguesession",
            name="minutes_final",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mirror_finalised_minutes, migrations.RunPython.noop),
    ]
