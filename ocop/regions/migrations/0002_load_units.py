from django.db import migrations


def load(apps, schema_editor):
    from ocop.regions.loader import load_all

    load_all(apps)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
