"""The demo's sample inspections (``ocop.demo.inspections.seed_inspections``): one of each step,
written through the services, marked sample, and a second run changes nothing."""

import datetime

import time_machine
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.models import Certificate, Inspection
from ocop.certificates.recognition import services
from ocop.certificates.tests.factories import NOW, TODAY, tea_product
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.demo.inspections import seed_inspections
from ocop.producers.tests.factories import producer_member
from ocop.products.models import Product
from ocop.regions.tests.factories import province


@time_machine.travel(NOW, tick=False)
class DemoInspectionsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11", username="dienbien")
        cls.lai_chau = province_officer("12", username="laichau")
        cls.member = producer_member(username="huonglinh")
        # Three invented products and three real ones.
        cls.products = [tea_product() for _ in range(6)]
        Product.objects.filter(pk__in=[p.pk for p in cls.products[:3]]).update(is_sample=True)
        services.record_historical_decision(
            province("11"),
            actor=cls.officer,
            number="5/QĐ-UBND (mẫu)",
            decided_on=TODAY - datetime.timedelta(days=200),
            signer_name="Chủ tịch UBND (mẫu)",
            is_sample=True,
            certificates=[
                services.HistoricalCertificate(
                    product=product, star=3 + n % 2, number=f"GCN {n} (mẫu)"
                )
                for n, product in enumerate(cls.products)
            ],
        )
        cls.users = {"dienbien": cls.officer, "laichau": cls.lai_chau, "huonglinh": cls.member}

    def test_one_inspection_at_each_step_all_sample(self):
        seed_inspections(self.users)
        inspections = Inspection.objects.all()
        self.assertEqual(inspections.count(), 5)
        self.assertTrue(all(inspection.is_sample for inspection in inspections))
        steps = sorted(
            (i.status, i.outcome, i.awaits_revocation, i.is_corrective_overdue(TODAY))
            for i in inspections
        )
        self.assertEqual(
            steps,
            [
                ("closed", "compliant", False, False),
                ("planned", "", False, False),
                ("recorded", "corrective_action", False, False),
                ("recorded", "corrective_action", False, True),
                ("recorded", "revocation_recommended", True, False),
            ],
        )
        self.assertEqual(
            len({inspection.certificate_id for inspection in inspections}), 5, "one per product"
        )
        self.assertFalse(Certificate.objects.filter(revoked_on__isnull=False).exists())
        # Invented findings only ever name invented products.
        with_findings = Inspection.objects.filter(findings__isnull=False).distinct()
        self.assertEqual(with_findings.count(), 3)
        self.assertFalse(with_findings.filter(certificate__product__is_sample=False).exists())
        self.assertTrue(Inspection.objects.filter(findings__area="criterion").exists())
        self.assertEqual(verify_chain(), [])

    def test_running_again_changes_nothing(self):
        seed_inspections(self.users)
        events = AuditEvent.objects.count()
        with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
            seed_inspections(self.users)
        self.assertEqual(Inspection.objects.count(), 5)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_a_province_without_current_sample_certificates_gets_none(self):
        seed_inspections({"laichau": self.lai_chau, "huonglinh": self.member})
        self.assertFalse(Inspection.objects.exists())
