"""The summary tables follow a sequence of issues, re-ratings (supersession), expiries and
revocations through the receivers alone: reconciliation then finds no difference; and the
command reports a difference it is shown."""

import datetime
import zoneinfo
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate, RevocationGround
from ocop.certificates.recognition import services
from ocop.stats import summary
from ocop.stats.models import CertificateFact, CriterionLoss

from .helpers import certified_products, scored_result

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)


@time_machine.travel(NOW, tick=False)
class ReconcileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")

    def test_no_difference_after_issues_re_ratings_expiries_and_revocations(self):
        old = certified_products(self.officer, 3, issued_on=datetime.date(2022, 1, 10))
        certified_products(self.officer, 2)
        # A re-rating: a newer certificate supersedes the first product's old one.
        with self.captureOnCommitCallbacks(execute=True):
            services.record_historical_decision(
                old[0].product.producer.province,
                actor=self.officer,
                number="777/QĐ-UBND",
                decided_on=datetime.date(2025, 1, 5),
                signer_name="Lê Thành Đô",
                certificates=[
                    services.HistoricalCertificate(product=old[0].product, star=4, number="GCN-R1")
                ],
            )
            revoke_certificate(
                Certificate.objects.get(number="GCN-R1"),
                actor=self.officer,
                ground=RevocationGround.PRODUCTION_STOPPED,
                decision_number="778/QĐ-UBND",
                decided_on=datetime.date(2026, 5, 20),
                finding_on=datetime.date(2026, 5, 20),
            )
        scored_result()
        # The other two old certificates expired in January 2025 (time alone, no event).
        self.assertEqual(CertificateFact.objects.count(), 6)
        self.assertEqual(CertificateFact.objects.get(certificate=old[0]).superseded_on,
                         datetime.date(2025, 1, 5))  # fmt: skip
        self.assertEqual(summary.reconcile(repair=False), [])
        self.assertTrue(CriterionLoss.objects.exists())
        valid = set(CertificateFact.objects.valid_on(NOW.date()).values_list("product", flat=True))
        self.assertEqual(
            valid, set(Certificate.objects.valid_on(NOW.date()).values_list("product", flat=True))
        )
        self.assertEqual(len(valid), 2)

    def test_a_product_moved_to_another_commune_is_followed(self):
        certificate = certified_products(self.officer, 1)[0]
        producer = certificate.product.producer
        from ocop.regions.tests.factories import commune

        producer.commune = commune("03127")
        with self.captureOnCommitCallbacks(execute=True):
            producer.save()
        self.assertEqual(CertificateFact.objects.get(certificate=certificate).commune_id, "03127")
        self.assertEqual(summary.reconcile(repair=False), [])

    def test_command_reports_and_repairs_differences(self):
        certified_products(self.officer, 2)
        CertificateFact.objects.order_by("pk").first().delete()
        out = StringIO()
        with self.assertRaises(SystemExit):
            call_command("reconcile_stats", "--check", stdout=out, stderr=StringIO())
        self.assertIn("missing", out.getvalue())
        self.assertEqual(CertificateFact.objects.count(), 1)  # --check changes nothing
        out = StringIO()
        call_command("reconcile_stats", stdout=out)
        self.assertIn("repaired", out.getvalue())
        self.assertEqual(CertificateFact.objects.count(), 2)
        out = StringIO()
        call_command("reconcile_stats", "--check", stdout=out)
        self.assertIn("match", out.getvalue())
