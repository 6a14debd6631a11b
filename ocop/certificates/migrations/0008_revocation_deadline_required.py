"""Require of every revoked certificate the day its 15 days started and the day they ran out
(art. 8(4)), not after the revocation; 0007 filled them for the certificates already revoked."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_fill_revocation_deadline"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificate",
            name="certificates_certificate_revocation_complete",
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("revocation_due_on__isnull", True),
                        ("revocation_finding_on__isnull", True),
                        ("revocation_ground", ""),
                        ("revoked_on__isnull", True),
                    ),
                    models.Q(
                        ("revocation_due_on__isnull", False),
                        ("revocation_finding_on__isnull", False),
                        ("revoked_on__isnull", False),
                        models.Q(("revocation_ground", ""), _negated=True),
                        models.Q(("revocation_decision_number", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="certificates_certificate_revocation_complete",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("revoked_on__isnull", True),
                    models.Q(
                        ("revocation_due_on__gt", models.F("revocation_finding_on")),
                        ("revocation_finding_on__lte", models.F("revoked_on")),
                    ),
                    _connector="OR",
                ),
                name="certificates_certificate_revocation_after_finding",
            ),
        ),
    ]
