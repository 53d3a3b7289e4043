"""One DisputeSettings row with the Handbook's default (20 working days), for administrators to edit."""

from django.db import migrations


def create_settings(apps, schema_editor):
    settings_model = apps.get_model("disputes", "DisputeSettings")
    if not settings_model.objects.exists():
        settings_model.objects.create(max_open_working_days=20)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0002_default_ladder")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
