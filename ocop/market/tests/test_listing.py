"""The catalogue's listing (one join on the current certificate) lists exactly the products
that ``Certificate.objects.valid_on`` says hold a valid certificate, on today and later days,
at every edge: issue, expiry, the 180 days of grace while a late re-rating is pending,
revocation and replacement."""

import datetime

import time_machine
from django.test import TestCase

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.control.revocation import revoke_certificate
from ocop.certificates.models import Certificate, RevocationGround
from ocop.certificates.tests.factories import NOW, TODAY, historical_certificate, tea_product
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row

from ..catalogue import listed_products


def days(n):
    return datetime.timedelta(days=n)


@time_machine.travel(NOW, tick=False)
class ListingMatchesValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        officer = province_officer("11")

        def certificate(valid_until, *, issued_on=None, star=3):
            product = tea_product()
            return historical_certificate(
                officer,
                product,
                issued_on=issued_on or valid_until - days(1000),
                valid_until=valid_until,
                star=star,
            )

        def pending_re_rating(product):
            """Filed after the window closed (art. 12(3)), so it keeps the certificate valid."""
            dossier_row(
                product,
                kind=Dossier.Kind.RE_RATING,
                status=Dossier.Status.IN_ROUND,
                submitted_at=NOW - days(30),
                is_late_re_rating=True,
            )

        cls.valid = certificate(TODAY + days(400), issued_on=TODAY - days(10), star=4)
        cls.expires_today = certificate(TODAY)
        cls.expired = certificate(TODAY - days(1))
        cls.extended = certificate(TODAY - days(20))
        pending_re_rating(cls.extended.product)
        cls.grace_ends_today = certificate(TODAY - days(180))
        pending_re_rating(cls.grace_ends_today.product)
        cls.grace_over = certificate(TODAY - days(181))
        pending_re_rating(cls.grace_over.product)
        cls.revoked = certificate(TODAY + days(300))
        revoke_certificate(
            cls.revoked,
            actor=officer,
            ground=RevocationGround.PRODUCTION_STOPPED,
            decision_number="9/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        cls.old = certificate(TODAY + days(100), issued_on=TODAY - days(900))
        cls.renewed = historical_certificate(
            officer, cls.old.product, issued_on=TODAY - days(5), star=4
        )

    def listed(self, day):
        return dict(listed_products(day).values_list("pk", "ocop_star"))

    def valid_on(self, day):
        return dict(Certificate.objects.valid_on(day).values_list("product_id", "star"))

    def test_listing_equals_validity_on_today_and_later_days(self):
        for offset in (0, 1, 99, 100, 101, 160, 161, 299, 300, 401, 2000):
            day = TODAY + days(offset)
            with self.subTest(day=day):
                self.assertEqual(self.listed(day), self.valid_on(day))

    def test_today_lists_the_valid_extended_and_renewed_products_only(self):
        expected = {
            self.valid.product_id: 4,
            self.expires_today.product_id: 3,
            self.extended.product_id: 3,
            self.grace_ends_today.product_id: 3,
            self.renewed.product_id: 4,
        }
        self.assertEqual(self.listed(TODAY), expected)

    def test_a_decided_re_rating_ends_the_grace(self):
        """Saved as the evaluation services save a status (guards.move): the listing follows."""
        dossier = Dossier.objects.get(product=self.extended.product)
        dossier.status = Dossier.Status.RATED_LOW
        dossier.save(update_fields=["status"])
        self.assertNotIn(self.extended.product_id, self.listed(TODAY))
        self.assertEqual(self.listed(TODAY), self.valid_on(TODAY))
