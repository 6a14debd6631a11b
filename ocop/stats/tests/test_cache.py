"""The cached figures are read again only while nothing they come from has changed: each change
(a certificate, a council result, a dossier's status, a unit's name, a reconciliation) gives the
statistics a new version, and the next request computes the figures afresh."""

import datetime
import zoneinfo

import time_machine
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import province_officer
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.models import Province
from ocop.regions.tests.factories import commune
from ocop.stats import summary
from ocop.stats.cache import current_token
from ocop.stats.models import CertificateFact

from .helpers import certified_products

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=VN)


@time_machine.travel(NOW, tick=False)
class CachedFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        with time_machine.travel(NOW, tick=False):
            cls.officer = province_officer("11")
            certified_products(cls.officer, 2)

    def summary(self, **query):
        return self.client.get(reverse("open_data:summary_json"), query).json()

    def test_a_new_certificate_is_counted_at_once(self):
        self.assertEqual(self.summary()["products"], 2)
        certified_products(self.officer, 3)
        self.assertEqual(self.summary()["products"], 5)
        self.assertEqual(CertificateFact.objects.count(), 5)

    def test_each_day_has_its_own_figures(self):
        self.assertEqual(self.summary()["products"], 2)
        self.assertEqual(self.summary(as_of="2025-02-28")["products"], 0)
        self.assertEqual(self.summary()["products"], 2)

    def test_a_dossier_sent_to_the_central_round_changes_the_potential_five_star(self):
        self.assertEqual(self.summary()["potential_5_star"], 0)
        product = ProductFactory(producer=ProducerFactory(commune=commune("03256")))
        dossier = dossier_row(product, status=Dossier.Status.AWAITING_APPROVAL)
        with self.captureOnCommitCallbacks(execute=True):
            dossier.status = Dossier.Status.SENT_CENTRAL
            dossier.save(update_fields=["status", "updated_at"])
        self.assertEqual(self.summary()["potential_5_star"], 1)

    def test_a_dossier_saved_without_status_or_dates_keeps_the_version(self):
        product = ProductFactory(producer=ProducerFactory(commune=commune("03256")))
        with self.captureOnCommitCallbacks(execute=True):
            dossier = dossier_row(product, status=Dossier.Status.AWAITING_APPROVAL)
        token = current_token()
        with self.captureOnCommitCallbacks(execute=True):
            dossier.save(update_fields=["updated_at"])
        self.assertEqual(current_token(), token)
        with self.captureOnCommitCallbacks(execute=True):
            dossier.save(update_fields=["status", "updated_at"])
        self.assertNotEqual(current_token(), token)

    def test_a_dossier_far_from_the_figures_keeps_the_version(self):
        product = ProductFactory(producer=ProducerFactory(commune=commune("03256")))
        with self.captureOnCommitCallbacks(execute=True):
            dossier = dossier_row(product, status=Dossier.Status.FORWARDED)
        token = current_token()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            dossier.status = Dossier.Status.ACCEPTED
            dossier.save(update_fields=["status", "updated_at"])
        self.assertEqual((callbacks, current_token()), ([], token))
        with self.captureOnCommitCallbacks(execute=True):
            dossier.kind = Dossier.Kind.RE_RATING
            dossier.save(update_fields=["kind", "updated_at"])
        self.assertNotEqual(current_token(), token)

    def test_a_province_renamed_shows_its_new_name(self):
        self.summary()
        province = Province.objects.get(code="11")
        with self.captureOnCommitCallbacks(execute=True):
            province.name = "Tỉnh Điện Biên mới"
            province.save()
        names = {row["code"]: row["name"] for row in self.summary()["provinces"]}
        self.assertEqual(names["11"], "Tỉnh Điện Biên mới")

    def test_a_repair_gives_a_new_version_and_a_check_does_not(self):
        self.assertEqual(self.summary()["products"], 2)
        CertificateFact.objects.all().delete()  # behind the receivers' back
        self.assertEqual(self.summary()["products"], 2)  # the figures cached before
        token = current_token()
        self.assertEqual(len(summary.reconcile(repair=False)), 2)
        self.assertEqual(current_token(), token)
        summary.reconcile(repair=True)
        self.assertNotEqual(current_token(), token)
        self.assertEqual(CertificateFact.objects.count(), 2)
        self.assertEqual(self.summary()["products"], 2)

    def test_nothing_is_cached_before_the_first_version(self):
        from ocop.stats.models import SummaryVersion, Tally

        SummaryVersion.objects.all().delete()
        self.assertIsNone(current_token())
        self.assertEqual(self.summary()["products"], 2)
        # without a version nothing was cached
        CertificateFact.objects.all().delete()
        Tally.objects.all().delete()
        self.assertEqual(self.summary()["products"], 0)
