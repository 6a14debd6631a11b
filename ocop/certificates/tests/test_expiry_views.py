"""The officials' list of certificates expiring in the next 180 days: scope, filters, order,
and a query count that does not grow with the rows.

The list's URLs are included here until the lead adds them to ``config/urls.py``."""

import datetime

import time_machine
from django.test import TestCase, override_settings
from django.urls import include, path, reverse
from django.utils import translation

from ocop.accounts.tests.factories import (
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.deadlines import add_months
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune, province

from ..control.revocation import revoke_certificate
from ..models import Certificate, CertificateStatus
from ..recognition import services
from .factories import NOW, TODAY, historical_certificate, tea_product

urlpatterns = [
    path("", include("config.urls")),
    path("manage/certificates/", include("ocop.certificates.expiry.urls")),
]


def add_months_back(days_left):
    """The issue day of a certificate that expires ``days_left`` days after TODAY."""
    return add_months(TODAY + datetime.timedelta(days=days_left), -36)


@override_settings(ROOT_URLCONF=__name__)
@time_machine.travel(NOW, tick=False)
class ExpiringListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau_officer = province_officer("12")
        cls.central = central_officer()
        cls.product = tea_product()
        cls.member = producer_member(cls.product.producer)
        # Expires in 150 days (window open), 60 days (window closed), 200 days (too far).
        cls.in_window = historical_certificate(
            cls.officer, cls.product, issued_on=add_months_back(150)
        )
        cls.closing = historical_certificate(
            cls.officer, tea_product(), issued_on=add_months_back(60)
        )
        cls.far = historical_certificate(cls.officer, tea_product(), issued_on=add_months_back(200))
        # Expired on Friday 29 May (a validity whose 36th month ends on the weekend before
        # TODAY runs to Monday, TODAY: Civil Code art. 148(5)).
        cls.expired = historical_certificate(
            cls.officer, tea_product(), issued_on=add_months_back(-3)
        )
        revoked = historical_certificate(cls.officer, tea_product(), issued_on=add_months_back(30))
        revoke_certificate(
            revoked,
            actor=cls.officer,
            ground="mark_misuse",
            decision_number="1/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        lai_chau_product = ProductFactory(
            producer=ProducerFactory(commune=commune("03388")), scoring_set_id=11
        )
        cls.lai_chau = services.record_historical_decision(
            province("12"),
            actor=cls.lai_chau_officer,
            number="77/QĐ-UBND",
            decided_on=add_months_back(10),
            signer_name="Nguyễn Văn B",
            certificates=[
                services.HistoricalCertificate(product=lai_chau_product, star=3, number="LC-1")
            ],
        ).certificates.get()

    def shown(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(reverse("certificate_expiry:expiring_list"), params)
        self.assertEqual(response.status_code, 200)
        return [certificate.pk for certificate, _, _ in response.context["rows"]]

    def test_province_office_sees_its_current_certificates_expiring_within_180_days_soonest_first(
        self,
    ):
        self.assertEqual(self.shown(self.officer), [self.closing.pk, self.in_window.pk])

    def test_central_office_sees_every_province_and_can_filter_by_one(self):
        self.assertEqual(
            self.shown(self.central), [self.lai_chau.pk, self.closing.pk, self.in_window.pk]
        )
        self.assertEqual(self.shown(self.central, province="12"), [self.lai_chau.pk])

    def test_status_filter_separates_open_and_closed_windows(self):
        self.assertEqual(self.shown(self.officer, status="window"), [self.in_window.pk])
        self.assertEqual(self.shown(self.officer, status="closed"), [self.closing.pk])

    def test_malformed_filters_are_ignored(self):
        self.assertEqual(
            self.shown(self.central, province="zz", status="nonsense", page="x")[:1],
            [self.lai_chau.pk],
        )

    def test_province_filter_is_not_offered_to_a_province_office_and_is_ignored(self):
        self.assertEqual(
            self.shown(self.officer, province="12"), [self.closing.pk, self.in_window.pk]
        )

    def test_other_province_office_sees_only_its_own(self):
        self.assertEqual(self.shown(self.lai_chau_officer), [self.lai_chau.pk])

    def test_producer_member_sees_only_their_products(self):
        self.assertEqual(self.shown(self.member), [self.in_window.pk])

    def test_commune_officer_and_user_without_role_see_nothing(self):
        self.assertEqual(self.shown(commune_officer("03256")), [])
        self.assertEqual(self.shown(UserFactory()), [])

    def test_anonymous_user_is_sent_to_login_and_nothing_changes(self):
        before = list(Certificate.objects.order_by("pk").values())
        response = self.client.get(reverse("certificate_expiry:expiring_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(list(Certificate.objects.order_by("pk").values()), before)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.officer)
        response = self.client.post(reverse("certificate_expiry:expiring_list"))
        self.assertEqual(response.status_code, 405)

    def test_rows_show_status_in_words_and_days_left(self):
        self.client.force_login(self.officer)
        self.client.cookies["django_language"] = "en"  # the words asserted below are English
        response = self.client.get(reverse("certificate_expiry:expiring_list"))
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            label = str(CertificateStatus.RE_RATING_WINDOW.label)
        self.assertContains(response, label)
        self.assertContains(response, "in 150 days")
        self.assertContains(response, self.in_window.number)

    def test_htmx_request_gets_the_results_only(self):
        self.client.force_login(self.officer)
        response = self.client.get(
            reverse("certificate_expiry:expiring_list"), headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<form")
        self.assertContains(response, self.closing.number)


@override_settings(ROOT_URLCONF=__name__)
@time_machine.travel(NOW, tick=False)
class ExpiringListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.central = central_officer()

    def make_certificates(self, count):
        for index in range(count):
            historical_certificate(
                self.officer, tea_product(), issued_on=add_months_back(10 + index)
            )

    def assert_list_queries(self, count):
        self.make_certificates(count)
        self.client.force_login(self.officer)
        # 1 session, 2 user, 3 the user's memberships (official scope), 4 count of the
        # certificates, 5 the page of certificates with product, producer, province, decision
        # and whether a re-rating is pending
        with self.assertNumQueries(5):
            response = self.client.get(reverse("certificate_expiry:expiring_list"))
        self.assertEqual(len(response.context["rows"]), min(count, 25))

    def test_list_with_5_certificates(self):
        self.assert_list_queries(5)

    def test_list_with_50_certificates(self):
        self.assert_list_queries(50)

    def assert_national_list_queries(self, count):
        self.make_certificates(count)
        self.client.force_login(self.central)
        # 1 session, 2 user, 3 memberships, 4 the chosen province (validation), 5 count, 6 the
        # page of certificates, 7 the provinces of the filter
        with self.assertNumQueries(7):
            response = self.client.get(
                reverse("certificate_expiry:expiring_list"), {"province": "11", "status": ""}
            )
        self.assertEqual(len(response.context["rows"]), min(count, 25))

    def test_national_list_with_5_certificates(self):
        self.assert_national_list_queries(5)

    def test_national_list_with_50_certificates(self):
        self.assert_national_list_queries(50)
