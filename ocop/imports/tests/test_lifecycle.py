"""An imported certificate lives like any other: listed and verified while valid, expires,
opens its re-rating window, can be upgraded (Decision 26/2026/QĐ-TTg art. 4(3): 36 months;
art. 7(6)(a): re-rating filed 180 to 120 days before expiry; art. 6(1)(b): upgrade of a valid
certificate) and supersedes, or is superseded by, the product's other certificates."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import province_officer
from ocop.certificates.recognition.models import Certificate, CertificateStatus, certificate_status
from ocop.core.deadlines import add_months, certificate_expires_on
from ocop.evaluations.models import Dossier
from ocop.evaluations.services.dossiers import create_dossier
from ocop.market import search
from ocop.producers.tests.factories import producer_member
from ocop.regions.tests.factories import DIEN_BIEN, province
from ocop.stats.models import CertificateFact

from ..services import commit_import
from .lists import checked, csv_file

ADDRESS = "Xã Ẳng Nưa, Huyện Mường Ảng, Tỉnh Điện Biên"


def row(product, star, decided_on, number="5/QĐ-UBND"):
    return [
        1,
        product,
        "HTX Vòng Đời (mẫu)",
        ADDRESS,
        star,
        number,
        decided_on.strftime("%d/%m/%Y"),
        "",
    ]


class LifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.today = timezone.localdate()

    def run_import(self, rows):
        job = checked(csv_file(rows), actor=self.office, province=province(DIEN_BIEN))
        with self.captureOnCommitCallbacks(execute=True):
            job = commit_import(job, actor=self.office)
        self.assertEqual(job.status, "committed", job.message)
        return job

    def test_a_valid_imported_certificate_is_listed_verified_and_can_be_upgraded(self):
        decided_on = self.today - datetime.timedelta(days=400)
        self.run_import([row("Cà phê vòng đời (mẫu)", "3", decided_on)])
        certificate = Certificate.objects.get()
        self.assertEqual(certificate.valid_until, certificate_expires_on(decided_on))
        self.assertGreaterEqual(certificate.valid_until, add_months(decided_on, 36))
        self.assertEqual(certificate_status(certificate, on=self.today), CertificateStatus.VALID)
        verify = self.client.get(f"/v/{certificate.public_code}")
        self.assertContains(verify, "Cà phê vòng đời (mẫu)")
        catalogue = self.client.get(reverse("market:product_list"), {"q": "vòng đời"})
        self.assertContains(catalogue, "Cà phê vòng đời (mẫu)")
        self.assertTrue(CertificateFact.objects.filter(certificate=certificate).exists())
        member = producer_member(certificate.product.producer)
        dossier = create_dossier(certificate.product, actor=member, kind=Dossier.Kind.UPGRADE)
        self.assertEqual(dossier.kind, Dossier.Kind.UPGRADE)

    def test_an_imported_certificate_expires_after_36_months(self):
        decided_on = add_months(self.today, -40)
        self.run_import([row("Chè hết hạn (mẫu)", "4", decided_on)])
        certificate = Certificate.objects.get()
        self.assertLess(certificate.valid_until, self.today)
        self.assertNotEqual(certificate_status(certificate, on=self.today), CertificateStatus.VALID)
        self.client.logout()
        self.assertNotContains(
            self.client.get(reverse("market:product_list"), {"q": "hết hạn"}), "Chè hết hạn"
        )
        self.assertEqual(self.client.get(f"/v/{certificate.public_code}").status_code, 200)

    def test_an_imported_certificate_opens_its_re_rating_window(self):
        # Expiring in about 150 days: inside the window of 180 to 120 days before expiry.
        decided_on = add_months(self.today + datetime.timedelta(days=150), -36)
        self.run_import([row("Mật ong tái đánh giá (mẫu)", "3", decided_on)])
        certificate = Certificate.objects.get()
        window = certificate.re_rating_window
        self.assertLessEqual(window.opens_on, self.today)
        self.assertGreaterEqual(window.closes_on, self.today)
        member = producer_member(certificate.product.producer)
        dossier = create_dossier(certificate.product, actor=member, kind=Dossier.Kind.RE_RATING)
        self.assertEqual(dossier.recognised_certificate_number, certificate.number)

    def test_a_newer_imported_certificate_supersedes_and_an_older_one_is_superseded(self):
        first = self.today - datetime.timedelta(days=700)
        self.run_import([row("Gạo thay thế (mẫu)", "3", first)])
        older = Certificate.objects.get()
        newer_day = self.today - datetime.timedelta(days=100)
        oldest_day = self.today - datetime.timedelta(days=1000)
        self.run_import(
            [
                row("Gạo thay thế (mẫu)", "4", newer_day, number="9/QĐ-UBND"),
                row("Gạo thay thế (mẫu)", "3", oldest_day, number="2/QĐ-UBND"),
            ]
        )
        current = Certificate.objects.get(is_current=True)
        self.assertEqual((current.star, current.issued_on), (4, newer_day))
        older.refresh_from_db()
        self.assertEqual(older.superseded_by, current)
        self.assertEqual(older.superseded_on, newer_day)
        oldest = Certificate.objects.get(issued_on=oldest_day)
        self.assertFalse(oldest.is_current)
        # As record_historical_decision does: the current certificate supersedes it.
        self.assertEqual(oldest.superseded_by, current)
        self.assertEqual(Certificate.objects.filter(product=current.product).count(), 3)

    def test_search_entries_follow_the_commit(self):
        self.run_import(
            [row("Miến dong tìm kiếm (mẫu)", "3", self.today - datetime.timedelta(days=30))]
        )
        certificate = Certificate.objects.get()
        from ocop.market.models import SearchEntry

        self.assertTrue(SearchEntry.objects.filter(product=certificate.product).exists())
        self.assertEqual(
            search.search(certificate.product.__class__.objects.all(), "miến dong").count(), 1
        )
