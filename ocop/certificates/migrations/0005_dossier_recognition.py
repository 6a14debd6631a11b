"""Fill in, for the upgrades and re-ratings filed before it was recorded, the certificate each
one starts from, whether a re-rating was filed late (art. 12(3)) and its 45-day due date (art.
7(6)(g)). It lives here because only this app knows the certificates; evaluations 0004 added
the fields."""

import datetime

from django.db import migrations

RE_RATING_LATEST_DAYS_BEFORE_EXPIRY = 120
RE_RATING_DECISION_DAYS = 45


def fill(apps, schema_editor):
    Dossier = apps.get_model("evaluations", "Dossier")
    Certificate = apps.get_model("certificates", "Certificate")
    dossiers = Dossier.objects.filter(kind__in=["upgrade", "re_rating"]).order_by("pk")
    for dossier in dossiers.iterator():
        day = dossier.received_on or dossier.created_at.date()
        certificate = (
            Certificate.objects.filter(product_id=dossier.product_id, issued_on__lte=day)
            .order_by("-issued_on", "-pk")
            .first()
        )
        if certificate is None:
            continue
        dossier.recognised_certificate_number = certificate.number
        dossier.recognised_star = certificate.star
        dossier.recognised_until = certificate.valid_until
        fields = ["recognised_certificate_number", "recognised_star", "recognised_until"]
        if dossier.kind == "re_rating" and dossier.received_on is not None:
            closes_on = certificate.valid_until - datetime.timedelta(
                days=RE_RATING_LATEST_DAYS_BEFORE_EXPIRY
            )
            dossier.is_late_re_rating = dossier.received_on > closes_on
            fields.append("is_late_re_rating")
            if dossier.province_received_at is not None and dossier.forwarded_on is not None:
                dossier.re_rating_due_on = dossier.forwarded_on + datetime.timedelta(
                    days=RE_RATING_DECISION_DAYS
                )
                fields.append("re_rating_due_on")
        dossier.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_inspections"),
        ("evaluations", "0004_re_rating_from_certificate"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
