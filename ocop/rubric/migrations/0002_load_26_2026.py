"""Every database gets Decision 26/2026/QĐ-TTg as a published rubric version.

The rows come from the committed files in ocop/rubric/data/26-2026/ (a few bulk inserts). A
later version is added by its own data migration or by `manage.py load_rubric`."""

from django.db import migrations


def load(apps, schema_editor):
    from ocop.rubric.engine import DATA_DIR
    from ocop.rubric.loading import load_version_in_migration

    load_version_in_migration("26-2026", data_dir=DATA_DIR, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("rubric", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
