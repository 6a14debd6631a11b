from django.db import migrations


def load(apps, schema_editor):
    from ocop.products.classification import load_classification

    load_classification(
        apps.get_model("products", "Sector"),
        apps.get_model("products", "ProductGroup"),
        apps.get_model("products", "ScoringSet"),
    )


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
