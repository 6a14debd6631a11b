"""Producers whose commune is not known yet (imported from a list that printed only the
province): every page shows them, the office finds and fills them in, and no dossier is filed
until it has."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.certificates.tests.factories import historical_certificate
from ocop.evaluations.services.dossiers import create_dossier
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import DIEN_BIEN, MUONG_ANG, province
from ocop.stats import summary


class CommuneOpenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.open = ProducerFactory(name="HTX Chưa Rõ Xã", commune=None, province=province())
        cls.placed = ProducerFactory(name="HTX Có Xã")
        cls.product = ProductFactory(producer=cls.open, name="Chè mẫu chưa rõ xã")
        historical_certificate(cls.office, cls.product, issued_on=datetime.date(2024, 5, 2))

    def test_the_office_lists_only_the_producers_to_fill_in(self):
        self.client.force_login(self.office)
        response = self.client.get(reverse("producers:producer_list"), {"commune_open": "on"})
        self.assertContains(response, "HTX Chưa Rõ Xã")
        self.assertNotContains(response, "HTX Có Xã")
        self.assertContains(response, "Cần bổ sung xã")

    def test_back_office_and_public_pages_show_the_province_alone(self):
        self.client.force_login(self.office)
        for url in (
            reverse("producers:producer_detail", args=[self.open.pk]),
            reverse("products:product_detail", args=[self.product.pk]),
            reverse("products:product_list"),
        ):
            with self.subTest(url):
                self.assertContains(self.client.get(url), "Điện Biên")
        self.client.logout()
        for url in (
            reverse("market:product_detail", args=[self.product.pk]),
            reverse("market:producer_detail", args=[self.open.pk]),
            reverse("market:product_list"),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertContains(response, "Điện Biên")
                self.assertNotContains(response, "None")

    def test_no_dossier_is_filed_before_the_commune_is_filled_in(self):
        member = producer_member(self.open)
        with self.assertRaises(ValidationError) as caught:
            create_dossier(self.product, actor=member, kind="upgrade")
        self.assertEqual(caught.exception.code, "no_commune")

    def test_the_office_fills_the_commune_in(self):
        self.client.force_login(self.office)
        url = reverse("producers:producer_edit", args=[self.open.pk])
        form = self.client.get(url).context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.update(commune=MUONG_ANG, representative_name="Lò Văn Mẫu", kind=self.open.kind)
        response = self.client.post(url, data)
        self.assertEqual(
            response.status_code,
            302,
            getattr(response, "context", {}) and response.context["form"].errors,
        )
        self.open.refresh_from_db()
        self.assertEqual(self.open.commune_id, MUONG_ANG)


class CommuneOpenFiguresTests(TestCase):
    """The figures count a producer whose commune is open under its province."""

    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        producer = ProducerFactory(commune=None, province=province())
        placed = ProducerFactory()
        for owner, issued_on in (
            (producer, datetime.date(2024, 5, 2)),
            (placed, datetime.date(2024, 6, 3)),
        ):
            product = ProductFactory(producer=owner)
            historical_certificate(cls.office, product, issued_on=issued_on)
        summary.rebuild_all()  # what the commit of the certificates triggers

    def test_dashboards_exports_and_open_data_list_it(self):
        self.client.force_login(self.office)
        for url in (
            reverse("stats:dashboard_province", args=[DIEN_BIEN]),
            reverse("stats:monthly_report_province", args=[DIEN_BIEN]),
            reverse("stats:export_province", args=[DIEN_BIEN, "expiring", "csv"]),
            reverse("open_data:dataset", args=["products", "csv"]),
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.get(reverse("stats:dashboard_province", args=[DIEN_BIEN]))
        self.assertContains(response, "Cần bổ sung xã")
        self.client.force_login(central_officer())
        self.assertEqual(self.client.get(reverse("stats:dashboard_national")).status_code, 200)
