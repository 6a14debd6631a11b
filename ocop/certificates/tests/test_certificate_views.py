"""The offices' certificate pages: the list (status as it is today), a certificate's page, its
revocation, and the product page's list of certificates.

The cast: the Điện Biên office (``officer``), the Lai Châu office (``lai_chau``), the central
office (``central``) and a member of a Điện Biên producer (``member``)."""

import datetime
import unicodedata

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.deadlines import add_months
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..control.revocation import revoke_certificate
from ..models import Certificate
from ..recognition import services
from .factories import NOW, TODAY, historical_certificate, proposal, signed_decision, tea_product


def url(name, *args):
    return reverse(f"certificates:{name}", args=args)


def vi(message, **params):
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def snapshot():
    return (list(Certificate.objects.order_by("pk").values()), AuditEvent.objects.count())


class Cast(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau = province_officer("12")
        cls.central = central_officer()
        cls.shan_tuyet = ProductFactory(
            producer=ProducerFactory(commune=commune("03256")),
            scoring_set_id=11,
            name="Trà xanh Shan tuyết cổ thụ Tủa Chùa",
        )
        cls.member = producer_member(cls.shan_tuyet.producer)
        # Valid (3★), expired, revoked, and a 5★ one of the Minister.
        cls.valid = historical_certificate(
            cls.officer, cls.shan_tuyet, issued_on=TODAY - datetime.timedelta(days=400)
        )
        cls.expired = historical_certificate(
            cls.officer, tea_product(), issued_on=add_months(TODAY, -40), star=4
        )
        cls.revoked = historical_certificate(
            cls.officer, tea_product(), issued_on=TODAY - datetime.timedelta(days=100)
        )
        revoke_certificate(
            cls.revoked,
            actor=cls.officer,
            ground="mark_misuse",
            decision_number="3/QĐ-UBND",
            decided_on=TODAY - datetime.timedelta(days=10),
            finding_on=TODAY - datetime.timedelta(days=10),
        )
        cls.revoked.refresh_from_db()
        cls.five = signed_decision(cls.central, [proposal(star=5)]).certificates.get()
        lai_chau_product = ProductFactory(
            producer=ProducerFactory(commune=commune("03388")), scoring_set_id=11
        )
        cls.other = services.record_historical_decision(
            lai_chau_product.producer.province,
            actor=cls.lai_chau,
            number="77/QĐ-UBND",
            decided_on=TODAY - datetime.timedelta(days=30),
            signer_name="Nguyễn Văn B",
            certificates=[
                services.HistoricalCertificate(product=lai_chau_product, star=3, number="LC-1")
            ],
        ).certificates.get()

    def login(self, user):
        self.client.force_login(user)


@time_machine.travel(NOW, tick=False)
class CertificateListTests(Cast):
    def shown(self, user, **params):
        self.login(user)
        response = self.client.get(url("certificate_list"), params)
        self.assertEqual(response.status_code, 200)
        return {row["certificate"].pk for row in response.context["rows"]}

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(url("certificate_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_producer_member_gets_404(self):
        self.login(self.member)
        self.assertEqual(self.client.get(url("certificate_list")).status_code, 404)

    def test_each_office_sees_its_territory_and_the_central_office_all(self):
        dien_bien = {self.valid.pk, self.expired.pk, self.revoked.pk, self.five.pk}
        self.assertEqual(self.shown(self.officer), dien_bien)
        self.assertEqual(self.shown(self.lai_chau), {self.other.pk})
        self.assertEqual(self.shown(self.central), dien_bien | {self.other.pk})
        self.assertEqual(self.shown(self.central, province="12"), {self.other.pk})

    def test_status_filters_use_todays_status(self):
        self.assertEqual(self.shown(self.officer, status="valid"), {self.valid.pk, self.five.pk})
        self.assertEqual(self.shown(self.officer, status="revoked"), {self.revoked.pk})
        self.assertEqual(self.shown(self.officer, status="expired"), {self.expired.pk})
        self.assertEqual(self.shown(self.officer, status="superseded"), set())

    def test_a_replaced_certificate_is_neither_valid_nor_expired(self):
        newer = historical_certificate(self.officer, self.shan_tuyet, issued_on=TODAY)
        self.assertEqual(self.shown(self.officer, status="superseded"), {self.valid.pk})
        self.assertIn(newer.pk, self.shown(self.officer, status="valid"))
        self.assertNotIn(self.valid.pk, self.shown(self.officer, status="valid"))

    def test_star_search_and_product_filters(self):
        self.assertEqual(self.shown(self.officer, star="5"), {self.five.pk})
        # The folded product name: no tone marks, any case.
        self.assertEqual(self.shown(self.officer, q="SHAN TUYET co thu"), {self.valid.pk})
        self.assertEqual(self.shown(self.officer, q=self.expired.number), {self.expired.pk})
        self.assertEqual(self.shown(self.officer, product=str(self.shan_tuyet.pk)), {self.valid.pk})

    def test_malformed_filters_are_ignored(self):
        shown = self.shown(
            self.officer, status="x", star="9", product="-1", province="zz", page="999"
        )
        self.assertEqual(len(shown), 4)

    def test_rows_show_the_status_in_words(self):
        self.login(self.officer)
        response = self.client.get(url("certificate_list"), {"status": "revoked"})
        with translation.override("vi"):
            label = capfirst(str(self.revoked.status_on(TODAY).label))
        self.assertContains(response, label)

    def assert_list_queries(self, count):
        product = tea_product()
        for index in range(count):
            historical_certificate(
                self.officer,
                product,
                issued_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=index),
            )
        self.login(self.officer)
        first = self.client.get(url("certificate_list"), {"q": product.name})
        # The first page, the last, and the page after the first (a keyset cursor).
        for query in (
            f"q={product.name}",
            f"q={product.name}&page=last",
            first.context["page"].next_query,
        ):
            if not query:
                continue
            with self.subTest(query=query[:40]):
                # 1 session, 2 user, 3 memberships (official scope), 4 the page of
                # certificates with product, producer, province and decision, and whether a
                # re-rating is pending (a subquery), 5 the count. Statuses are computed
                # without a query.
                with self.assertNumQueries(5):
                    response = self.client.get(f"{url('certificate_list')}?{query}")
                self.assertEqual(len(response.context["rows"]), min(count, 25))

    def test_list_with_5_certificates(self):
        self.assert_list_queries(5)

    def test_list_with_50_certificates(self):
        self.assert_list_queries(50)


@time_machine.travel(NOW, tick=False)
class CertificateDetailTests(Cast):
    def test_office_sees_the_facts_links_history_and_revoke_form(self):
        older = historical_certificate(
            self.officer, self.shan_tuyet, issued_on=add_months(self.valid.issued_on, -36)
        )
        Certificate.objects.filter(pk=self.valid.pk).update(scan_count=7)
        self.login(self.officer)
        response = self.client.get(url("certificate_detail", self.valid.pk))
        self.assertEqual(response.status_code, 200)
        code = self.valid.public_code
        for address in (
            reverse("verify:certificate_pdf", args=[code]),
            reverse("verify:certificate_stamps_pdf", args=[code]),
            reverse("verify:certificate_verify", args=[code]),
            url("certificate_detail", older.pk),
            url("decision_detail", self.valid.decision_id),
        ):
            self.assertContains(response, address)
        self.assertEqual(response.context["status"], "valid")
        self.assertEqual(
            [row["certificate"].pk for row in response.context["history"]],
            [self.valid.pk, older.pk],
        )
        self.assertEqual(
            response.context["window"].opens_on,
            self.valid.valid_until - datetime.timedelta(days=180),
        )
        self.assertContains(response, 'id="scan-count"')
        self.assertIn("7", response.content.decode().split('id="scan-count"')[1][:80])
        self.assertIsNotNone(response.context["revoke_form"])

    def test_revoked_certificate_shows_why_and_no_revoke_form(self):
        self.login(self.officer)
        response = self.client.get(url("certificate_detail", self.revoked.pk))
        self.assertEqual(response.context["status"], "revoked")
        self.assertContains(response, "3/QĐ-UBND")
        self.assertIsNone(response.context["revoke_form"])
        self.assertNotContains(response, reverse("inspections:inspection_plan"))

    def test_central_office_sees_a_3_star_certificate_but_may_not_revoke_it(self):
        self.login(self.central)
        response = self.client.get(url("certificate_detail", self.valid.pk))
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["revoke_form"])
        self.assertNotContains(response, url("certificate_revoke", self.valid.pk))
        self.assertNotContains(response, reverse("inspections:inspection_plan"))

    def test_the_office_plans_an_inspection_from_the_certificate(self):
        self.login(self.officer)
        response = self.client.get(url("certificate_detail", self.valid.pk))
        plan = f"{reverse('inspections:inspection_plan')}?certificate={self.valid.pk}"
        self.assertContains(response, f'href="{plan}"')
        self.assertEqual(self.client.get(plan).status_code, 200)

    def test_other_province_producer_and_unknown_ids_get_404(self):
        for user in (self.lai_chau, self.member):
            with self.subTest(user=user):
                self.login(user)
                response = self.client.get(url("certificate_detail", self.valid.pk))
                self.assertEqual(response.status_code, 404)
        self.login(self.officer)
        self.assertEqual(self.client.get(url("certificate_detail", 10**25)).status_code, 404)

    def test_anonymous_user_is_sent_to_login(self):
        self.assertEqual(self.client.get(url("certificate_detail", self.valid.pk)).status_code, 302)

    def assert_detail_queries(self, count):
        issued_on = self.valid.issued_on
        for _ in range(count):
            issued_on = add_months(issued_on, -36)
            historical_certificate(self.officer, self.shan_tuyet, issued_on=issued_on)
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the certificate with product, producer,
        # commune, province, decision and the newer certificate, 5 the product's
        # certificates with their decisions, 6 its revocations due (the office may revoke
        # it). Statuses are computed without a query.
        with self.assertNumQueries(6):
            response = self.client.get(url("certificate_detail", self.valid.pk))
        self.assertEqual(len(response.context["history"]), count + 1)

    def test_detail_with_5_older_certificates(self):
        self.assert_detail_queries(5)

    def test_detail_with_50_older_certificates(self):
        self.assert_detail_queries(50)


@time_machine.travel(NOW, tick=False)
class CertificateRevokeTests(Cast):
    def revoke(self, user, certificate, **fields):
        self.login(user)
        data = {
            "ground": "criteria_not_met",
            "decision_number": "45/QĐ-UBND",
            "decided_on": TODAY.isoformat(),
            "finding_on": TODAY.isoformat(),
            "note": "Hậu kiểm: không còn đạt tiêu chí.",
        }
        data.update(fields)
        return self.client.post(url("certificate_revoke", certificate.pk), data)

    def test_office_revokes_and_the_public_page_says_so_at_once(self):
        response = self.revoke(self.officer, self.valid)
        self.assertRedirects(response, url("certificate_detail", self.valid.pk))
        self.valid.refresh_from_db()
        self.assertEqual(self.valid.revoked_on, TODAY)
        self.assertEqual(self.valid.revocation_ground, "criteria_not_met")
        self.assertFalse(self.valid.is_current)
        self.assertTrue(AuditEvent.objects.filter(action="certificate.revoked").exists())
        self.client.logout()
        public = self.client.get(
            reverse("verify:certificate_verify", args=[self.valid.public_code])
        )
        self.assertEqual(public.context["status"], "revoked")
        self.assertContains(public, "45/QĐ-UBND")
        self.assertContains(public, 'class="expired"')

    def test_bad_input_is_refused_in_vietnamese_and_nothing_changes(self):
        before = snapshot()
        cases = [
            ({"ground": "bribery"}, "ground"),
            ({"ground": ""}, "ground"),
            ({"decision_number": "   "}, "decision_number"),
            ({"decided_on": "2026-13-45"}, "decided_on"),
            ({"decided_on": "99999-01-01"}, "decided_on"),
        ]
        for fields, field in cases:
            with self.subTest(fields=fields):
                response = self.revoke(self.officer, self.valid, **fields)
                self.assertEqual(response.status_code, 200)
                self.assertIn(field, response.context["revoke_form"].errors)
        response = self.revoke(
            self.officer,
            self.valid,
            decided_on=(TODAY + datetime.timedelta(days=1)).isoformat(),
        )
        self.assertContains(
            response, vi("The date of the revocation decision cannot be in the future.")
        )
        before_issue = (self.valid.issued_on - datetime.timedelta(days=1)).isoformat()
        response = self.revoke(
            self.officer, self.valid, decided_on=before_issue, finding_on=before_issue
        )
        self.assertContains(
            response, vi("The revocation cannot be dated before the certificate was issued.")
        )
        self.assertEqual(snapshot(), before)

    def test_empty_fields_get_their_own_vietnamese_messages(self):
        before = snapshot()
        response = self.revoke(self.officer, self.valid, decision_number=" \u00a0 ", decided_on="")
        self.assertContains(response, vi("Enter the number of the revocation decision."))
        self.assertContains(response, vi("Enter the date of the revocation decision."))
        response = self.revoke(self.officer, self.valid, decided_on="0001-01-01")
        self.assertIn("decided_on", response.context["revoke_form"].errors)
        self.assertEqual(snapshot(), before)

    def test_the_number_is_stored_as_typed_by_hand(self):
        self.revoke(
            self.officer,
            self.valid,
            decision_number=unicodedata.normalize("NFD", " Số\u00a045/QĐ-UBND "),
        )
        self.valid.refresh_from_db()
        self.assertEqual(self.valid.revocation_decision_number, "Số 45/QĐ-UBND")

    def test_revoking_twice_is_refused_and_nothing_changes(self):
        before = snapshot()
        response = self.revoke(self.officer, self.revoked)
        self.assertRedirects(response, url("certificate_detail", self.revoked.pk))
        self.assertEqual(snapshot(), before)

    def test_other_province_office_and_producer_get_404_and_nothing_changes(self):
        before = snapshot()
        for user in (self.lai_chau, self.member):
            with self.subTest(user=user):
                self.assertEqual(self.revoke(user, self.valid).status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_central_office_revokes_5_star_only_and_the_province_cannot(self):
        before = snapshot()
        self.assertEqual(self.revoke(self.central, self.valid).status_code, 404)
        self.assertEqual(self.revoke(self.officer, self.five).status_code, 404)
        self.assertEqual(snapshot(), before)
        self.revoke(self.central, self.five, ground="mark_misuse")
        self.five.refresh_from_db()
        self.assertEqual(self.five.revoked_on, TODAY)

    def test_anonymous_user_and_get_change_nothing(self):
        before = snapshot()
        response = self.client.post(url("certificate_revoke", self.valid.pk), {"ground": "x"})
        self.assertEqual(response.status_code, 302)
        self.login(self.officer)
        self.assertEqual(self.client.get(url("certificate_revoke", self.valid.pk)).status_code, 405)
        self.assertEqual(snapshot(), before)


@time_machine.travel(NOW, tick=False)
class ProductCertificatesFragmentTests(Cast):
    def test_office_gets_links_to_the_certificate_pages(self):
        older = historical_certificate(
            self.officer, self.shan_tuyet, issued_on=add_months(self.valid.issued_on, -36)
        )
        self.login(self.officer)
        response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        self.assertEqual(
            [row["certificate"].pk for row in response.context["rows"]], [self.valid.pk, older.pk]
        )
        self.assertContains(response, url("certificate_detail", self.valid.pk))

    def test_producer_member_gets_the_public_page_and_pdf(self):
        self.login(self.member)
        response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        code = self.valid.public_code
        self.assertContains(response, reverse("verify:certificate_verify", args=[code]))
        self.assertContains(response, reverse("verify:certificate_pdf", args=[code]))
        self.assertNotContains(response, url("certificate_detail", self.valid.pk))

    def test_producer_member_may_apply_for_an_upgrade_while_valid(self):
        self.login(self.member)
        response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        self.assertEqual(response.context["next_dossier"], "upgrade")
        self.assertContains(
            response, f"{reverse('evaluations:dossier_create')}?product={self.shan_tuyet.pk}"
        )

    def test_producer_member_files_the_re_rating_from_the_certificate_once_the_window_opens(self):
        opens = self.valid.re_rating_window.opens_on
        day_before = opens - datetime.timedelta(days=1)
        for day, expected in ((day_before, "upgrade"), (opens, "re_rating")):
            with self.subTest(day=day), time_machine.travel(day, tick=False):
                self.login(self.member)  # a session of that day
                response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
                self.assertEqual(response.context["next_dossier"], expected)
        with time_machine.travel(opens, tick=False):
            self.login(self.member)
            response = self.client.get(
                reverse("evaluations:dossier_create"),
                {"product": self.shan_tuyet.pk, "kind": "re_rating"},
            )
        self.assertEqual(response.context["form"].initial["kind"], "re_rating")

    def test_offices_are_not_offered_to_file_a_dossier(self):
        self.login(self.officer)
        response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        self.assertIsNone(response.context["next_dossier"])

    def test_other_province_office_gets_404(self):
        self.login(self.lai_chau)
        response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        self.assertEqual(response.status_code, 404)

    def test_product_page_loads_the_fragment(self):
        self.login(self.officer)
        response = self.client.get(reverse("products:product_detail", args=[self.shan_tuyet.pk]))
        self.assertContains(response, url("product_certificates", self.shan_tuyet.pk))

    def assert_fragment_queries(self, count):
        issued_on = self.valid.issued_on
        for _ in range(count):
            issued_on = add_months(issued_on, -36)
            historical_certificate(self.officer, self.shan_tuyet, issued_on=issued_on)
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the product (visible to the user), 5 its
        # certificates with their decisions and whether a re-rating is pending.
        with self.assertNumQueries(5):
            response = self.client.get(url("product_certificates", self.shan_tuyet.pk))
        self.assertEqual(len(response.context["rows"]), count + 1)

    def test_fragment_with_5_certificates(self):
        self.assert_fragment_queries(5)

    def test_fragment_with_50_certificates(self):
        self.assert_fragment_queries(50)
