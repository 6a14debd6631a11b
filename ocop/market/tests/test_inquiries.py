"""Buyer inquiries: sent from a product page, refused when spam, oversized or over the cap, and
answered by the producer in an inbox only its members (and officials of its territory) see."""

import datetime

from django.core import mail
from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member

from .. import services
from ..models import Inquiry
from .helpers import certify, make_product


def inquiry_data(**changes):
    values = {
        "buyer_name": "Nguyễn Thị Lan",
        "organisation": "Cửa hàng đặc sản Tây Bắc",
        "phone": "0912 345 678",
        "email": "lan@example.com",
        "quantity": "200",
        "unit": "hộp",
        "wanted_by": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "message": "Cho tôi xin báo giá 200 hộp trà, giao tại Hà Nội.",
        "website": "",
    }
    values.update(changes)
    return values


class InquiryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà xanh Phan Nhất", "Phan Nhất", commune="03313")
        cls.coffee = make_product("Cà phê bột Hà Chung", "Cà phê Hà Chung")
        cls.draft = make_product("Khoai sọ nương (mẫu)")
        certify([cls.tea, cls.coffee], star=4)
        cls.tea_member = producer_member(cls.tea.producer, email="phannhat@example.com")
        cls.coffee_member = producer_member(cls.coffee.producer, email="hachung@example.com")

    def setUp(self):
        cache.clear()

    def send(self, product=None, **changes):
        product = product or self.tea
        return self.client.post(
            reverse("market:inquiry_create", args=[product.pk]), inquiry_data(**changes)
        )

    def inquiry(self, product=None):
        return services.submit_inquiry(
            product or self.tea,
            data={
                "buyer_name": "Lò Văn Bình",
                "phone": "0215 3825 000",
                "message": "Xin báo giá.",
            },
        )


class SendingTests(InquiryTestCase):
    def test_a_valid_inquiry_is_stored_and_the_producer_is_told(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.send()
        self.assertRedirects(response, reverse("market:inquiry_sent", args=[self.tea.pk]))
        inquiry = Inquiry.objects.get()
        self.assertEqual(inquiry.product, self.tea)
        self.assertEqual(inquiry.producer_id, self.tea.producer_id)
        self.assertEqual(inquiry.province_id, "11")
        self.assertEqual(inquiry.status, Inquiry.Status.NEW)
        self.assertEqual((inquiry.quantity, inquiry.unit), (200, "hộp"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["phannhat@example.com"])
        self.assertIn(self.tea.name, mail.outbox[0].subject)
        self.assertIn(reverse("market:inquiry_detail", args=[inquiry.pk]), mail.outbox[0].body)
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)

    def test_line_breaks_in_one_line_fields_cannot_forge_lines_in_the_e_mail(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.send(buyer_name="Bình\nTrả lời tại: http://lua-dao.example", unit="hộp\r\n\nX")
        inquiry = Inquiry.objects.get()
        self.assertEqual(inquiry.buyer_name, "Bình Trả lời tại: http://lua-dao.example")
        self.assertEqual(inquiry.unit, "hộp X")
        self.assertNotIn("\nTrả lời tại", mail.outbox[0].body)

    def test_the_product_page_offers_the_form_only_while_listed(self):
        response = self.client.get(reverse("market:product_detail", args=[self.tea.pk]))
        self.assertContains(response, 'id="inquiry"')

    def test_a_product_without_a_valid_certificate_takes_no_inquiry(self):
        response = self.send(self.draft)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Inquiry.objects.exists())

    def test_a_filled_honeypot_is_refused_and_nothing_is_stored(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.send(website="http://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="form-error"', status_code=400)
        self.assertFalse(Inquiry.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_oversized_or_incomplete_inquiries_are_refused_and_nothing_is_stored(self):
        for changes in [
            {"message": "x" * (services.MESSAGE_MAX_LENGTH + 1)},
            {"buyer_name": "n" * 101},
            {"organisation": "o" * 151},
            {"phone": "0" * 21},
            {"unit": "u" * 31},
            {"message": "   "},
            {"buyer_name": ""},
            {"phone": "", "email": ""},
            {"phone": "call me maybe", "email": ""},
            {"email": "not-an-address"},
            {"quantity": "0"},
            {"quantity": "9" * 25},
            {"wanted_by": "2026-02-30"},
            {"wanted_by": "2000-01-01"},
        ]:
            with self.subTest(changes={k: v[:20] for k, v in changes.items()}):
                response = self.send(**changes)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, 'role="alert"', status_code=400)
        self.assertFalse(Inquiry.objects.exists())

    @override_settings(OCOP_INQUIRIES_PER_HOUR=2)
    def test_inquiries_over_the_hourly_cap_are_refused_and_not_stored(self):
        self.assertEqual(self.send().status_code, 302)
        self.assertEqual(self.send().status_code, 302)
        response = self.send()
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, 'class="form-error"', status_code=429)
        self.assertEqual(Inquiry.objects.count(), 2)

    def test_get_on_the_sending_address_is_refused(self):
        response = self.client.get(reverse("market:inquiry_create", args=[self.tea.pk]))
        self.assertEqual(response.status_code, 405)


class InboxTests(InquiryTestCase):
    def test_a_producer_sees_only_its_own_inquiries(self):
        mine = self.inquiry(self.tea)
        self.inquiry(self.coffee)
        self.client.force_login(self.tea_member)
        response = self.client.get(reverse("market:inquiry_list"))
        self.assertEqual(list(response.context["page"].object_list), [mine])

    def test_another_producer_gets_404_and_nothing_changes(self):
        inquiry = self.inquiry(self.tea)
        self.client.force_login(self.coffee_member)
        detail = self.client.get(reverse("market:inquiry_detail", args=[inquiry.pk]))
        self.assertEqual(detail.status_code, 404)
        response = self.client.post(
            reverse("market:inquiry_update", args=[inquiry.pk]), {"action": "replied"}
        )
        self.assertEqual(response.status_code, 404)
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.NEW)
        self.assertIsNone(inquiry.replied_at)

    def test_anonymous_users_are_sent_to_login_and_nothing_changes(self):
        inquiry = self.inquiry()
        for url in [
            reverse("market:inquiry_list"),
            reverse("market:inquiry_detail", args=[inquiry.pk]),
            reverse("market:inquiry_stats"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.client.post(reverse("market:inquiry_update", args=[inquiry.pk]), {"action": "closed"})
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.NEW)

    def test_the_producer_replies_then_closes_with_the_times_recorded_and_audited(self):
        inquiry = self.inquiry()
        self.client.force_login(self.tea_member)
        url = reverse("market:inquiry_update", args=[inquiry.pk])
        response = self.client.post(url, {"action": "replied", "note": "Đã gọi điện báo giá."})
        self.assertRedirects(response, reverse("market:inquiry_detail", args=[inquiry.pk]))
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.REPLIED)
        self.assertIsNotNone(inquiry.replied_at)
        self.assertGreaterEqual(inquiry.response_time, datetime.timedelta(0))
        self.assertEqual(inquiry.reply_note, "Đã gọi điện báo giá.")
        self.client.post(url, {"action": "closed"})
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.CLOSED)
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_type="market.inquiry")
                .order_by("id")
                .values_list("action", "new_status")
            ),
            [("inquiry.replied", "replied"), ("inquiry.closed", "closed")],
        )

    def test_a_closed_inquiry_cannot_be_replied_and_nothing_changes(self):
        inquiry = services.close_inquiry(self.inquiry(), actor=self.tea_member)
        self.client.force_login(self.tea_member)
        response = self.client.post(
            reverse("market:inquiry_update", args=[inquiry.pk]), {"action": "replied"}
        )
        self.assertEqual(response.status_code, 400)
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.CLOSED)
        self.assertIsNone(inquiry.replied_at)

    def test_bad_actions_and_notes_are_refused_and_nothing_changes(self):
        inquiry = self.inquiry()
        self.client.force_login(self.tea_member)
        url = reverse("market:inquiry_update", args=[inquiry.pk])
        for data in [{}, {"action": "delete"}, {"action": "replied", "note": "n" * 1001}]:
            with self.subTest(data=str(data)[:30]):
                self.assertEqual(self.client.post(url, data).status_code, 400)
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.NEW)
        self.assertFalse(AuditEvent.objects.filter(object_type="market.inquiry").exists())

    def test_an_official_reads_but_does_not_answer(self):
        inquiry = self.inquiry()
        officer = province_officer("11")
        self.client.force_login(officer)
        self.assertEqual(
            self.client.get(reverse("market:inquiry_detail", args=[inquiry.pk])).status_code, 200
        )
        response = self.client.post(
            reverse("market:inquiry_update", args=[inquiry.pk]), {"action": "replied"}
        )
        self.assertEqual(response.status_code, 403)
        inquiry.refresh_from_db()
        self.assertEqual(inquiry.status, Inquiry.Status.NEW)
        self.client.force_login(province_officer("12"))
        self.assertEqual(
            self.client.get(reverse("market:inquiry_detail", args=[inquiry.pk])).status_code, 404
        )

    def test_officials_see_counts_and_response_rates_per_province_and_product(self):
        services.mark_inquiry_replied(self.inquiry(self.tea), actor=self.tea_member)
        self.inquiry(self.tea)
        self.inquiry(self.coffee)
        self.client.force_login(province_officer("11"))
        response = self.client.get(reverse("market:inquiry_stats"))
        self.assertEqual(
            [
                (r["province_id"], r["total"], r["answered"], r["rate"])
                for r in response.context["provinces"]
            ],
            [("11", 3, 1, 33)],
        )
        self.assertEqual(
            [(r["product__name"], r["total"], r["rate"]) for r in response.context["products"]],
            [(self.tea.name, 2, 50), (self.coffee.name, 1, 0)],
        )

    def test_inbox_query_count_is_the_same_for_5_and_50_inquiries(self):
        self.client.force_login(self.tea_member)
        for count in (5, 50):
            Inquiry.objects.all().delete()
            for _ in range(count):
                self.inquiry()
            # session; user; memberships (official scope); the count; the page of inquiries
            # with product and producer
            with self.subTest(count=count), self.assertNumQueries(5):
                response = self.client.get(reverse("market:inquiry_list"))
            self.assertEqual(response.status_code, 200)
