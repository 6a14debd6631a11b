"""The public verification page (/v/<code>) for every status and for an unknown code, the
"report a problem" form and its anti-spam rules, and the officials' PDF downloads."""

import datetime

import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..control.revocation import revoke_certificate
from ..models import Certificate, ProblemReport, RevocationGround
from ..recognition import scans
from .factories import NOW, TODAY, historical_certificate

PHONE = "0912 345 678"
EMAIL = "lienhe@huonglinh.example.vn"
REPRESENTATIVE = "Lò Thị Riêng Tư"
ADDRESS = "Số 7 bản Sính Phình"


def product(name, commune_code="03256"):
    producer = ProducerFactory(
        name="Công ty TNHH MTV Hương Linh",
        commune=commune(commune_code),
        phone=PHONE,
        email=EMAIL,
        representative_name=REPRESENTATIVE,
        address=ADDRESS,
    )
    return ProductFactory(producer=producer, name=name)


def verify_url(certificate_or_code):
    code = getattr(certificate_or_code, "public_code", certificate_or_code)
    return reverse("verify:certificate_verify", args=[code])


def report_url(code):
    return reverse("verify:problem_report", args=[code])


def days(n):
    return datetime.timedelta(days=n)


class EnglishClient(Client):
    """Pages in English (the language cookie that the language switch sets), so that the
    assertions hold whatever the Vietnamese catalogue says."""

    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def shown(day):
    """A date as the (English) page shows it."""
    with translation.override("en"):
        return date_format(day, "SHORT_DATE_FORMAT")


@time_machine.travel(NOW, tick=False)
class VerificationPageTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.valid = historical_certificate(
            cls.officer, product("Trà xanh Shan tuyết cổ thụ Tủa Chùa"), issued_on=TODAY - days(365)
        )
        cls.window = historical_certificate(
            cls.officer,
            product("Cà phê bột Hà Chung"),
            star=4,
            issued_on=datetime.date(2023, 11, 1),
            valid_until=TODAY + days(150),
        )
        extended_product = product("Gạo Séng Cù Trường Hương")
        cls.extended = historical_certificate(
            cls.officer,
            extended_product,
            issued_on=datetime.date(2023, 1, 2),
            valid_until=TODAY - days(30),
        )
        dossier_row(extended_product, kind=Dossier.Kind.RE_RATING, is_late_re_rating=True)
        cls.expired = historical_certificate(
            cls.officer, product("Thịt trâu sấy Lò Duyên"), issued_on=datetime.date(2022, 1, 5)
        )
        cls.revoked = historical_certificate(
            cls.officer, product("Mật ong bánh tổ"), star=4, issued_on=TODAY - days(400)
        )
        revoke_certificate(
            cls.revoked,
            actor=cls.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="55/QĐ-UBND",
            decided_on=TODAY - days(10),
            finding_on=TODAY - days(10),
        )
        upgraded = product("Gạo nếp nương Tâm Thiện")
        cls.old = historical_certificate(cls.officer, upgraded, issued_on=datetime.date(2022, 3, 1))
        cls.new = historical_certificate(
            cls.officer, upgraded, star=4, issued_on=datetime.date(2025, 3, 1)
        )

    def setUp(self):
        cache.clear()

    def get(self, certificate):
        response = self.client.get(verify_url(certificate))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assertStatus(self, html, css_class, words):
        self.assertInHTML(words, html.split('id="certificate-status">', 1)[1].split("</p>")[0])
        self.assertIn(f'<p class="{css_class}" role="status" id="certificate-status">', html)

    def test_valid_certificate_shows_product_producer_star_and_green_status(self):
        html = self.get(self.valid)
        self.assertIn("Trà xanh Shan tuyết cổ thụ Tủa Chùa", html)
        self.assertIn("Công ty TNHH MTV Hương Linh", html)
        self.assertIn("Mường Ảng", html)
        self.assertIn("Điện Biên", html)
        self.assertIn("★★★", html)
        self.assertIn(self.valid.decision.number, html)
        self.assertStatus(
            html,
            "valid",
            f"Valid: this certificate is valid until {shown(self.valid.valid_until)}.",
        )

    def test_re_rating_window_is_amber_and_says_it_expires_soon(self):
        html = self.get(self.window)
        self.assertStatus(
            html,
            "expiring",
            f"Valid until {shown(TODAY + days(150))}; it expires soon and the product is due "
            "for re-rating.",
        )

    def test_extended_certificate_is_amber_and_names_the_last_day(self):
        html = self.get(self.extended)
        self.assertStatus(
            html,
            "expiring",
            f"Expired on {shown(TODAY - days(30))}, but still valid while the product's "
            f"re-rating is decided, at the latest until {shown(TODAY + days(150))}.",
        )

    def test_expired_certificate_says_expired_in_red(self):
        html = self.get(self.expired)
        self.assertStatus(
            html,
            "expired",
            f"Expired on {shown(self.expired.valid_until)}. This stamp is no longer valid.",
        )

    def test_revoked_certificate_says_when_and_why_in_red(self):
        html = self.get(self.revoked)
        ground = "misuse of the OCOP mark"
        self.assertStatus(
            html,
            "expired",
            f"Revoked on {shown(TODAY - days(10))} ({ground}), by decision "
            "55/QĐ-UBND. "
            "This stamp is no longer valid.",
        )

    def test_superseded_certificate_links_to_the_newer_one_and_lists_the_history(self):
        html = self.get(self.old)
        self.assertIn(
            f"Replaced by a newer certificate on {shown(datetime.date(2025, 3, 1))}.", html
        )
        self.assertIn(f'<a href="{verify_url(self.new)}">See the newer certificate</a>', html)
        self.assertIn(self.new.number, html)
        self.assertIn(self.old.number, html)
        newer = self.get(self.new)
        self.assertIn(f'href="{verify_url(self.old)}"', newer)

    def test_page_shows_no_phone_email_address_or_person(self):
        for certificate in (self.valid, self.revoked, self.old):
            html = self.get(certificate)
            for private in (PHONE, EMAIL, REPRESENTATIVE, ADDRESS, "Lê Thành Đô"):
                self.assertNotIn(private, html)

    def test_anonymous_visits_are_counted_and_officials_visits_are_not(self):
        self.get(self.valid)
        self.get(self.valid)
        self.client.force_login(self.officer)
        self.get(self.valid)
        self.valid.refresh_from_db()
        self.assertEqual(self.valid.scan_count, 2)
        self.expired.refresh_from_db()
        self.assertEqual(self.expired.scan_count, 0)

    def test_unknown_code_is_a_404_that_warns_of_a_fake_and_offers_the_form(self):
        response = self.client.get(verify_url("KhongCoMaNay"))
        self.assertEqual(response.status_code, 404)
        html = response.content.decode()
        self.assertIn("The stamp may be fake.", html)
        self.assertIn(f'action="{report_url("KhongCoMaNay")}"', html)

    def test_overlong_code_is_a_404_without_a_500(self):
        response = self.client.get(verify_url("x" * 500))
        self.assertEqual(response.status_code, 404)

    def test_post_to_the_verification_page_is_refused(self):
        response = self.client.post(verify_url(self.valid))
        self.assertEqual(response.status_code, 405)


@time_machine.travel(NOW, tick=False)
@override_settings(SCAN_FLUSH_VISITS=1_000_000, SCAN_FLUSH_SECONDS=3600)
class VerificationQueryCountTests(TestCase):
    """The page costs the same with 1 and with 10 certificates in the product's history, and
    one query once its certificate part is cached (visits are buffered, not written)."""

    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        officer = province_officer("11")
        cls.single = historical_certificate(
            officer, product("Bạch trà Shan tuyết"), issued_on=TODAY - days(30)
        )
        many = product("Trà Shan tuyết P.H.1.4")
        for year in range(2017, 2027):
            cls.latest = historical_certificate(officer, many, issued_on=datetime.date(year, 1, 10))

    def setUp(self):
        cache.clear()
        scans.BUFFER.drain()
        self.addCleanup(scans.BUFFER.drain)

    def assert_queries(self, certificate):
        # Not cached yet:
        # 1. the certificate's id and product name, and its cache key: the updated_at of the
        #    certificate, decision, product and producer, the commune and province names, its
        #    pending re-rating (EXISTS), the latest change and number of the product's
        #    certificates (subqueries);
        # 2. the product's certificates with their decisions, product, producer, commune,
        #    province and pending re-rating.
        with self.assertNumQueries(2):
            response = self.client.get(verify_url(certificate))
        self.assertEqual(response.status_code, 200)
        # Cached: 1. the certificate's id, product name and cache key, as above.
        with self.assertNumQueries(1):
            cached = self.client.get(verify_url(certificate))
        self.assertEqual(cached.status_code, 200)
        return cached

    def test_query_count_is_the_same_for_1_and_10_certificates(self):
        self.assert_queries(self.single)
        response = self.assert_queries(self.latest)
        self.assertEqual(response.content.decode().count("<tr>"), 11)  # header + 10
        self.assertEqual(scans.BUFFER.pending(), 4)


@time_machine.travel(NOW, tick=False)
class ProblemReportTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.certificate = historical_certificate(
            province_officer("11"), product("Trà xanh Shan tuyết Sính Phình"), issued_on=TODAY
        )

    def setUp(self):
        cache.clear()

    def data(self, **changes):
        values = {
            "kind": ProblemReport.Kind.NOT_VALID_ON_SALE,
            "message": "Bán ở chợ Mường Thanh với tem đã hết hạn.",
            "name": "",
            "contact": "",
            "website": "",
        }
        values.update(changes)
        return values

    def test_report_about_a_certificate_reaches_its_province(self):
        response = self.client.post(report_url(self.certificate.public_code), self.data())
        self.assertRedirects(
            response, reverse("verify:problem_report_sent", args=[self.certificate.public_code])
        )
        report = ProblemReport.objects.get()
        self.assertEqual(report.certificate, self.certificate)
        self.assertEqual(report.province_id, "11")
        self.assertEqual(report.status, ProblemReport.Status.NEW)
        self.assertEqual(report.message, "Bán ở chợ Mường Thanh với tem đã hết hạn.")
        self.assertEqual((report.reporter_name, report.reporter_contact), ("", ""))

    def test_report_about_an_unknown_code_reaches_the_central_office(self):
        response = self.client.post(
            report_url("GiaMao123"), self.data(kind=ProblemReport.Kind.FAKE_STAMP, name="An")
        )
        self.assertEqual(response.status_code, 302)
        report = ProblemReport.objects.get()
        self.assertIsNone(report.certificate)
        self.assertIsNone(report.province)
        self.assertEqual((report.code, report.reporter_name), ("GiaMao123", "An"))
        central = central_officer()
        self.assertEqual(list(ProblemReport.objects.visible_to(central)), [report])
        self.assertFalse(ProblemReport.objects.visible_to(province_officer("11")).exists())

    def test_province_office_sees_only_its_province_reports(self):
        self.client.post(report_url(self.certificate.public_code), self.data())
        self.assertEqual(ProblemReport.objects.visible_to(province_officer("11")).count(), 1)
        self.assertEqual(ProblemReport.objects.visible_to(province_officer("12")).count(), 0)

    def test_missing_message_re_renders_with_an_error_and_stores_nothing(self):
        response = self.client.post(
            report_url(self.certificate.public_code), self.data(message="   ")
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nothing was sent. Please correct the marked fields.")
        self.assertFalse(ProblemReport.objects.exists())

    def test_unknown_kind_is_refused_without_a_500(self):
        response = self.client.post(report_url("GiaMao123"), self.data(kind="<script>"))
        self.assertEqual(response.status_code, 404)  # the unknown-code page, re-rendered
        self.assertContains(response, "Nothing was sent.", status_code=404)
        self.assertFalse(ProblemReport.objects.exists())

    def test_filled_honeypot_is_refused_politely_and_stores_nothing(self):
        response = self.client.post(
            report_url(self.certificate.public_code), self.data(website="http://spam.example")
        )
        self.assertContains(
            response, "Your report could not be sent. Please try again later.", status_code=400
        )
        self.assertFalse(ProblemReport.objects.exists())

    @override_settings(OCOP_PROBLEM_REPORTS_PER_HOUR=2)
    def test_reports_over_the_hourly_cap_are_refused_and_not_stored(self):
        url = report_url(self.certificate.public_code)
        for _ in range(2):
            self.assertEqual(self.client.post(url, self.data()).status_code, 302)
        response = self.client.post(url, self.data())
        self.assertContains(response, "Too many reports", status_code=429)
        self.assertEqual(ProblemReport.objects.count(), 2)
        # Another address is not affected, and the cache holds no address in clear.
        other = self.client.post(url, self.data(), REMOTE_ADDR="203.0.113.9")
        self.assertEqual(other.status_code, 302)
        self.assertEqual(ProblemReport.objects.count(), 3)
        keys = list(cache._cache.keys())  # LocMemCache in the tests
        self.assertTrue(keys)
        self.assertFalse([key for key in keys if "127.0.0.1" in key or "203.0.113.9" in key])

    def test_the_cap_starts_again_the_next_hour(self):
        url = report_url(self.certificate.public_code)
        with override_settings(OCOP_PROBLEM_REPORTS_PER_HOUR=1):
            self.assertEqual(self.client.post(url, self.data()).status_code, 302)
            self.assertEqual(self.client.post(url, self.data()).status_code, 429)
            with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
                self.assertEqual(self.client.post(url, self.data()).status_code, 302)
        self.assertEqual(ProblemReport.objects.count(), 2)

    def test_get_on_the_report_address_is_refused(self):
        response = self.client.get(report_url(self.certificate.public_code))
        self.assertEqual(response.status_code, 405)


@time_machine.travel(NOW, tick=False)
class CertificatePdfViewTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other = province_officer("12")
        cls.certificate = historical_certificate(
            cls.officer, product("Trà xanh Shan tuyết cổ thụ Tủa Chùa"), issued_on=TODAY
        )
        cls.member = producer_member(cls.certificate.product.producer)
        cls.urls = [
            reverse("verify:certificate_pdf", args=[cls.certificate.public_code]),
            reverse("verify:certificate_stamps_pdf", args=[cls.certificate.public_code]),
        ]

    def state(self):
        return list(Certificate.objects.values_list("pk", "scan_count", "is_current"))

    def test_province_officer_and_producer_member_download_both_pdfs(self):
        for user in (self.officer, self.member):
            self.client.force_login(user)
            for url in self.urls:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertTrue(response.content.startswith(b"%PDF-"))

    def test_other_province_officer_gets_404_and_nothing_changes(self):
        before = self.state()
        self.client.force_login(self.other)
        for url in self.urls:
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.state(), before)

    def test_anonymous_user_is_sent_to_login_and_nothing_changes(self):
        before = self.state()
        for url in self.urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertEqual(self.state(), before)

    def test_unknown_code_is_404(self):
        self.client.force_login(self.officer)
        self.assertEqual(
            self.client.get(reverse("verify:certificate_pdf", args=["nope"])).status_code, 404
        )
