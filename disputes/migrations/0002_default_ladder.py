"""The default ladder of docs/rules.md#disputes (docs/sources.md#thurrock-2011, Thurrock's management alert process).
An administrator edits it in the admin; a shorter ladder deactivates the rungs it does not use."""

from django.db import migrations

DEFAULT_LADDER = [
    (0, "Informal resolution", "Social worker or team manager", "none", None, False),
    (1, "Stage 1", "Social worker", "written", 5, False),
    (2, "Stage 2", "Team manager", "written", 5, False),
    (3, "Stage 3", "Service manager", "written", 5, True),
    (4, "Stage 4", "Head of service", "meeting", None, False),
    (5, "Stage 5", "Director of children's services", "meeting", None, False),
    (6, "Stage 6", "Chief executive", "meeting", None, False),
    (7, "CAFCASS referral", "CAFCASS", "referral", None, False),
]


def create_ladder(apps, schema_editor):
    stage = apps.get_model("disputes", "EscalationStage")
    for number, name, raised_with, kind, days, direct in DEFAULT_LADDER:
        stage.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "raised_with": raised_with,
                "response_kind": kind,
                "response_working_days": days,
                "is_direct_entry": direct,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]

    operations = [migrations.RunPython(create_ladder, migrations.RunPython.noop)]
