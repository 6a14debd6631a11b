"""Fill in the 15 days of art. 8(4) for the certificates revoked before 0006.

Each gets the day its 15 days started: the finding of the inspection closed on its revocation
(the follow-up that found the corrections not made, else the visit that recommended
revocation) when there is one and it is not after the revocation; otherwise the day of the
revocation itself, as the day of the conclusion or confirmation was not asked then (such a
revocation counts as on time). Its due day is the 15th day after that day, moved to the next
working day when it is off (Civil Code art. 147, 148(5)), with the Labour Code's days off and
the yearly plans' rows as they are when the migration runs (``ocop.core.deadlines``, with this
migration's ``PublicHoliday`` rows)."""

import datetime

from django.db import migrations

from ocop.core.deadlines import WorkingCalendar, legal_period_end

REVOCATION_DAYS = 15


def _finding_on(inspection):
    if inspection.follow_up_result == "not_corrected":
        return inspection.follow_up_on
    if inspection.outcome == "revocation_recommended":
        return inspection.visited_on
    return None


def fill(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Inspection = apps.get_model("certificates", "Inspection")
    PublicHoliday = apps.get_model("core", "PublicHoliday")
    revoked = list(Certificate.objects.filter(revoked_on__isnull=False).order_by("pk"))
    if not revoked:
        return
    findings = {}
    for inspection in Inspection.objects.filter(
        status="closed", resolution="revoked", certificate__revoked_on__isnull=False
    ).select_related("certificate"):
        day = _finding_on(inspection)
        if day is not None and day <= inspection.certificate.revoked_on:
            certificate_id = inspection.certificate_id
            findings[certificate_id] = min(day, findings.get(certificate_id, day))
    days = [findings.get(certificate.pk, certificate.revoked_on) for certificate in revoked]
    first, last = min(days), max(days) + datetime.timedelta(days=REVOCATION_DAYS + 60)
    rows = PublicHoliday.objects.filter(day__year__gte=first.year, day__year__lte=last.year)
    calendar = WorkingCalendar.official(
        rows.values_list("day", "kind", "occasion"), range(first.year, last.year + 1)
    )
    for certificate, day in zip(revoked, days, strict=True):
        certificate.revocation_finding_on = day
        certificate.revocation_due_on = legal_period_end(day, REVOCATION_DAYS, calendar=calendar)
        certificate.save(update_fields=["revocation_finding_on", "revocation_due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0006_revocation_deadline"),
        ("core", "0004_public_holiday_occasion"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
