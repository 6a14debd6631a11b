"""The official days off of 2025-2027 (ocop/core/data/public_holidays.json), for the working-day
deadlines of ocop.core.deadlines."""

from django.db import migrations


def load(apps, schema_editor):
    from ocop.core.holidays import load_public_holidays

    load_public_holidays(apps)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_public_holiday")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
