"""The day a revoked certificate's 15 days started and the day they ran out (Decision
26/2026/QĐ-TTg, art. 8(4)). 0007 fills them for the certificates already revoked; 0008 then
requires them of every revoked certificate."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_dossier_recognition"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="revocation_due_on",
            field=models.DateField(
                blank=True,
                help_text="The 15th day after that day, or the next working day when it is a day off; computed when the revocation was recorded.",
                null=True,
                verbose_name="revocation due by",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="revocation_finding_on",
            field=models.DateField(
                blank=True,
                help_text="The day of the competent authority's conclusion on the breach, or of the commune People's Committee's confirmation that production stopped: the 15 days of art. 8(4) run from it.",
                null=True,
                verbose_name="revocation period started on",
            ),
        ),
    ]
