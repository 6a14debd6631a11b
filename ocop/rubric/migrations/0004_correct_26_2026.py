"""Corrections of 2026-12: the published rows of 26/2026 brought in line with its corrected files.

The files now follow the decision where the first conversion did not: sheet 3, 5.1, option 5
carries the 4-star minimum printed as "* * * *" (and loses the asterisks from its text);
sheet 7, 3.1, option 2 scores 1 point as printed; version.json lists the corrections that
remain, each with its basis. A database that 0002 loaded before that still holds the old
values. This migration updates them in place (every row keeps its key, so score sheets and
self-assessments still point at the same criteria and options) and is a no-op where 0002
already loaded the corrected files. Council results closed before it keep the star they were
given: they are records; the engine scores everything new on the corrected data.
"""

from django.db import migrations


def correct(apps, schema_editor):
    from ocop.rubric.engine import DATA_DIR
    from ocop.rubric.loading import correct_version_in_migration

    changes = correct_version_in_migration("26-2026", data_dir=DATA_DIR, apps=apps)
    if changes:
        print(f"\n  Rubric 26/2026: {len(changes)} value(s) corrected to follow the decision:")
        for change in changes:
            print(f"    {change}")


class Migration(migrations.Migration):
    dependencies = [("rubric", "0003_selfassessment")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
