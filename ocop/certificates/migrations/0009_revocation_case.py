"""Revocations due (``RevocationCase``, Decision 26/2026/QĐ-TTg art. 8(4)): a conclusion on a
breach, the commune's confirmation that production stopped, or an inspection's finding, against
a certificate not yet revoked, due 15 days later. Every inspection still waiting for its
certificate's revocation gets its revocation due (its ground left to the revocation decision),
due 15 days after its finding (the follow-up that found the corrections not made, else the
visit that recommended revocation), with the Labour Code's days off and the yearly plans' rows
as they are when the migration runs (``ocop.core.deadlines``, with this migration's
``PublicHoliday`` rows). The rows are written after the table and its constraints."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ocop.core.deadlines import WorkingCalendar, legal_period_end

REVOCATION_DAYS = 15


def _finding_on(inspection):
    if inspection.follow_up_result == "not_corrected":
        return inspection.follow_up_on
    if inspection.outcome == "revocation_recommended":
        return inspection.visited_on
    return None


def open_cases(apps, schema_editor):
    Inspection = apps.get_model("certificates", "Inspection")
    RevocationCase = apps.get_model("certificates", "RevocationCase")
    PublicHoliday = apps.get_model("core", "PublicHoliday")
    waiting = [
        inspection
        for inspection in Inspection.objects.filter(
            status="recorded", certificate__revoked_on__isnull=True
        ).order_by("pk")
        if _finding_on(inspection) is not None
    ]
    if not waiting:
        return
    days = [_finding_on(inspection) for inspection in waiting]
    first, last = min(days), max(days) + datetime.timedelta(days=REVOCATION_DAYS + 60)
    rows = PublicHoliday.objects.filter(day__year__gte=first.year, day__year__lte=last.year)
    calendar = WorkingCalendar.official(
        rows.values_list("day", "kind", "occasion"), range(first.year, last.year + 1)
    )
    for inspection in waiting:
        finding_on = _finding_on(inspection)
        RevocationCase.objects.create(
            certificate_id=inspection.certificate_id,
            inspection=inspection,
            ground="",
            finding_on=finding_on,
            due_on=legal_period_end(finding_on, REVOCATION_DAYS, calendar=calendar),
            reference=f"Hậu kiểm ngày {inspection.visited_on:%d-%m-%Y} (số {inspection.pk})",
            recorded_by_id=inspection.created_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_revocation_deadline_required"),
        ("core", "0004_public_holiday_occasion"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RevocationCase",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "ground",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("false_documents", "false or forged documents in the dossier"),
                            ("criteria_not_met", "the product no longer meets the criteria"),
                            (
                                "law_breach",
                                "breach of quality, food safety, environment, intellectual property or labelling law",
                            ),
                            ("mark_misuse", "misuse of the OCOP mark"),
                            ("production_stopped", "production stopped"),
                            ("other_finding", "other findings by a competent authority"),
                        ],
                        help_text="Empty for an inspection's finding: chosen with the revocation decision.",
                        max_length=30,
                        verbose_name="ground for revocation",
                    ),
                ),
                (
                    "finding_on",
                    models.DateField(
                        help_text="The day of the competent authority's conclusion on the breach, or of the commune People's Committee's confirmation that production stopped.",
                        verbose_name="date of the conclusion or confirmation",
                    ),
                ),
                ("due_on", models.DateField(verbose_name="revocation due by")),
                (
                    "reference",
                    models.CharField(
                        help_text="Its number and the body that issued it, e.g. 12/KL-QLTT of the market surveillance.",
                        max_length=200,
                        verbose_name="conclusion or confirmation",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "revocation due"),
                            ("revoked", "certificate revoked"),
                            ("withdrawn", "withdrawn"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "withdrawal_reason",
                    models.TextField(blank=True, verbose_name="reason for withdrawing"),
                ),
            ],
            options={
                "verbose_name": "case of revocation due",
                "verbose_name_plural": "cases of revocation due",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.AddField(
            model_name="revocationcase",
            name="certificate",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revocation_cases",
                to="certificates.certificate",
                verbose_name="certificate",
            ),
        ),
        migrations.AddField(
            model_name="revocationcase",
            name="inspection",
            field=models.OneToOneField(
                blank=True,
                help_text="The inspection whose finding calls for the revocation, if any.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="revocation_case",
                to="certificates.inspection",
                verbose_name="inspection",
            ),
        ),
        migrations.AddField(
            model_name="revocationcase",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddIndex(
            model_name="revocationcase",
            index=models.Index(fields=["status", "due_on"], name="certificates_revocation_due"),
        ),
        migrations.AddConstraint(
            model_name="revocationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["open", "revoked", "withdrawn"])),
                name="certificates_revocationcase_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="revocationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("ground", ""), _negated=True),
                    ("inspection__isnull", False),
                    _connector="OR",
                ),
                name="certificates_revocationcase_ground_or_inspection",
            ),
        ),
        migrations.AddConstraint(
            model_name="revocationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_on__gt", models.F("finding_on"))),
                name="certificates_revocationcase_due_after_finding",
            ),
        ),
        migrations.AddConstraint(
            model_name="revocationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("closed_at__isnull", True), ("status", "open")),
                    models.Q(
                        ("closed_at__isnull", False), ("status__in", ["revoked", "withdrawn"])
                    ),
                    _connector="OR",
                ),
                name="certificates_revocationcase_closed_at_iff_closed",
            ),
        ),
        migrations.AddConstraint(
            model_name="revocationcase",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "withdrawn"), _negated=True),
                    models.Q(("withdrawal_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="certificates_revocationcase_withdrawal_has_reason",
            ),
        ),
        migrations.RunPython(open_cases, migrations.RunPython.noop),
    ]
