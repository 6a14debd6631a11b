"""A historical decision recorded before may gain products later (a list names one it did not
record then): they get the next lines and, without a number, the platform's number."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer

from ..models import Certificate, RecognitionDecision
from ..recognition import services
from .factories import historical_certificate, tea_product

DECIDED = datetime.date(2023, 5, 4)


class ExtendHistoricalDecisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer("11")
        cls.first = tea_product()
        cls.decision = historical_certificate(cls.office, cls.first, issued_on=DECIDED).decision

    def test_products_get_the_next_lines_and_a_generated_number(self):
        product = tea_product()
        entry = services.HistoricalCertificate(product=product, star=4, number="")
        services.extend_historical_decision(self.decision, actor=self.office, certificates=[entry])
        certificate = Certificate.objects.get(product=product)
        self.assertEqual(certificate.item.position, 2)
        self.assertEqual(certificate.number, f"11-2023-{self.decision.pk:05d}-002")
        self.assertEqual(certificate.valid_until, datetime.date(2026, 5, 4))
        self.assertTrue(certificate.is_current)

    def test_a_product_already_listed_is_refused_and_nothing_changes(self):
        entry = services.HistoricalCertificate(product=self.first, star=3, number="")
        with self.assertRaises(ValidationError):
            services.extend_historical_decision(
                self.decision, actor=self.office, certificates=[entry]
            )
        self.assertEqual(self.decision.items.count(), 1)

    def test_another_province_s_office_may_not_extend_it(self):
        entry = services.HistoricalCertificate(product=tea_product(), star=3, number="")
        with self.assertRaises(PermissionDenied):
            services.extend_historical_decision(
                self.decision, actor=province_officer("12"), certificates=[entry]
            )
        self.assertEqual(self.decision.items.count(), 1)

    def test_a_decision_issued_on_the_platform_is_not_extended(self):
        RecognitionDecision.objects.filter(pk=self.decision.pk).update(is_historical=False)
        entry = services.HistoricalCertificate(product=tea_product(), star=3, number="")
        with self.assertRaises(ValidationError) as caught:
            services.extend_historical_decision(
                self.decision, actor=self.office, certificates=[entry]
            )
        self.assertEqual(caught.exception.code, "not_historical")
