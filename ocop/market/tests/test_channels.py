"""Sales channels: kept by the producer's members and its province's OCOP office (nobody else,
404 and nothing changed), validated (web addresses are http or https only), audited, and shown
on the public product and producer pages as "where to buy" (active ones only)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member

from .. import services
from ..models import SalesChannel
from .helpers import certify, make_product

SHOP = {
    "kind": "showroom",
    "name": "Điểm bán sản phẩm OCOP Điện Biên Phủ",
    "address": "Số 1 Võ Nguyên Giáp",
    "url": "",
    "country": "",
    "province": "11",
    "commune": "03127",
    "is_active": "on",
}
LISTING = {
    "kind": "ecommerce",
    "name": "Gian hàng Postmart",
    "url": "https://postmart.example/tra-shan-tuyet",
    "is_active": "on",
}


class ChannelTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà xanh Shan tuyết cổ thụ Tủa Chùa", "Hương Linh", commune="03127")
        cls.coffee = make_product("Cà phê bột Hà Chung", "Cà phê Hà Chung")
        cls.lai_chau = make_product("Chè Tam Đường", "HTX Tam Đường", commune="03388")
        certify([cls.tea, cls.coffee], star=4)
        certify([cls.lai_chau], star=3, province_code="12")
        cls.member = producer_member(cls.tea.producer)
        cls.other_member = producer_member(cls.coffee.producer)
        cls.officer = province_officer("11")
        cls.lai_chau_officer = province_officer("12")
        cls.channel = SalesChannel.objects.create(
            product=cls.tea, kind="ecommerce", name="Sàn bưu điện", url="https://shop.example/a"
        )

    def snapshot(self):
        return list(SalesChannel.objects.order_by("pk").values())


class ChannelServiceTests(ChannelTestCase):
    def test_member_adds_a_channel_and_it_is_audited(self):
        channel = services.create_sales_channel(
            self.tea, actor=self.member, data={**LISTING, "is_active": True}
        )
        self.assertEqual((channel.kind, channel.url), ("ecommerce", LISTING["url"]))
        self.assertIsNone(channel.province_id)  # not a physical place
        event = AuditEvent.objects.get(action="sales_channel.created")
        self.assertEqual((event.actor, event.object_id), (self.member, str(channel.pk)))

    def test_province_office_edits_and_the_change_is_audited(self):
        services.update_sales_channel(
            self.channel, actor=self.officer, data={"name": "Sàn Postmart", "is_active": False}
        )
        self.channel.refresh_from_db()
        self.assertEqual((self.channel.name, self.channel.is_active), ("Sàn Postmart", False))
        event = AuditEvent.objects.get(action="sales_channel.updated")
        self.assertEqual(event.changes["name"], ["Sàn bưu điện", "Sàn Postmart"])

    def test_others_are_refused_and_nothing_changes(self):
        before = self.snapshot()
        for actor in (
            self.other_member,
            self.lai_chau_officer,
            commune_officer("03127"),
            central_officer(),
        ):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                services.update_sales_channel(self.channel, actor=actor, data={"name": "X"})
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                services.create_sales_channel(self.tea, actor=actor, data=LISTING)
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                services.delete_sales_channel(self.channel, actor=actor)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(AuditEvent.objects.filter(action__startswith="sales_channel").exists())

    def test_only_http_and_https_web_addresses_are_accepted(self):
        before = self.snapshot()
        for url in ("javascript:alert(1)", "JavaScript:alert(1)", "ftp://shop.example/", "data:,x"):
            with self.subTest(url=url), self.assertRaises(ValidationError) as caught:
                services.create_sales_channel(
                    self.tea, actor=self.member, data={**LISTING, "url": url}
                )
            self.assertIn("url", caught.exception.message_dict)
        self.assertEqual(self.snapshot(), before)

    def test_each_kind_needs_its_own_details(self):
        cases = [
            ({"kind": "ecommerce", "name": "Sàn", "url": ""}, "url"),
            ({"kind": "export", "name": "Nhập khẩu", "country": ""}, "country"),
            ({"kind": "shop", "name": "Cửa hàng", "address": "", "province": "11"}, "address"),
            ({"kind": "shop", "name": "Cửa hàng", "address": "Số 2"}, "province"),
            (
                {"kind": "shop", "name": "Cửa hàng", "address": "Số 2", "province": "12"}
                | {"commune": "03127"},
                "commune",
            ),
        ]
        for data, field in cases:
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                services.create_sales_channel(self.tea, actor=self.member, data=data)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(SalesChannel.objects.count(), 1)


class ChannelViewTests(ChannelTestCase):
    def test_anonymous_is_sent_to_log_in(self):
        for url in (
            reverse("market:channel_product_list"),
            reverse("market:channel_list", args=[self.tea.pk]),
            reverse("market:channel_update", args=[self.channel.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("accounts:login"), response.url)

    def test_member_adds_a_showroom_through_the_form(self):
        self.client.force_login(self.member)
        response = self.client.post(reverse("market:channel_list", args=[self.tea.pk]), SHOP)
        self.assertRedirects(response, reverse("market:channel_list", args=[self.tea.pk]))
        channel = SalesChannel.objects.get(kind="showroom")
        self.assertEqual((channel.province_id, channel.commune_id), ("11", "03127"))

    def test_a_javascript_address_is_refused_with_a_message_and_nothing_is_stored(self):
        self.client.force_login(self.member)
        response = self.client.post(
            reverse("market:channel_list", args=[self.tea.pk]),
            {**LISTING, "url": "javascript:alert(document.cookie)"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("url", response.context["form"].errors)
        self.assertEqual(SalesChannel.objects.count(), 1)

    def test_bad_input_never_gives_a_server_error(self):
        self.client.force_login(self.member)
        url = reverse("market:channel_list", args=[self.tea.pk])
        for data in (
            {},
            {"kind": "nope", "name": "x" * 1000},
            {**SHOP, "province": "99", "commune": "abc"},
            {**SHOP, "province": "1" * 500},
            {**SHOP, "province": "\x00", "commune": "\x00"},
        ):
            with self.subTest(data=data):
                self.assertEqual(self.client.post(url, data).status_code, 400)
        self.assertEqual(SalesChannel.objects.count(), 1)
        for query in ("?q=%00", "?q=" + "trà" * 1000, "?page=abc"):
            response = self.client.get(reverse("market:channel_product_list") + query)
            self.assertEqual(response.status_code, 200)
        huge = reverse("market:channel_list", args=[10**20])
        self.assertEqual(self.client.get(huge).status_code, 404)

    def test_other_producer_and_other_province_get_404_and_nothing_changes(self):
        before = self.snapshot()
        for user in (self.other_member, self.lai_chau_officer):
            self.client.force_login(user)
            with self.subTest(user=user):
                self.assertEqual(
                    self.client.get(reverse("market:channel_list", args=[self.tea.pk])).status_code,
                    404,
                )
                response = self.client.post(
                    reverse("market:channel_list", args=[self.tea.pk]), LISTING
                )
                self.assertEqual(response.status_code, 404)
                response = self.client.post(
                    reverse("market:channel_update", args=[self.channel.pk]),
                    {**LISTING, "name": "Đổi tên"},
                )
                self.assertEqual(response.status_code, 404)
                response = self.client.post(
                    reverse("market:channel_delete", args=[self.channel.pk])
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.snapshot(), before)

    def test_province_office_edits_and_removes_a_channel(self):
        self.client.force_login(self.officer)
        response = self.client.post(
            reverse("market:channel_update", args=[self.channel.pk]),
            {**LISTING, "name": "Sàn Postmart"},
        )
        self.assertRedirects(response, reverse("market:channel_list", args=[self.tea.pk]))
        self.channel.refresh_from_db()
        self.assertEqual(self.channel.name, "Sàn Postmart")
        self.client.post(reverse("market:channel_delete", args=[self.channel.pk]))
        self.assertFalse(SalesChannel.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="sales_channel.deleted").exists())

    def test_delete_needs_post(self):
        self.client.force_login(self.member)
        response = self.client.get(reverse("market:channel_delete", args=[self.channel.pk]))
        self.assertEqual(response.status_code, 405)
        self.assertTrue(SalesChannel.objects.filter(pk=self.channel.pk).exists())

    def test_list_of_products_shows_only_the_users_products(self):
        self.client.force_login(self.member)
        response = self.client.get(reverse("market:channel_product_list"))
        self.assertEqual([p.pk for p in response.context["page"].object_list], [self.tea.pk])
        self.client.force_login(self.officer)
        response = self.client.get(reverse("market:channel_product_list"))
        self.assertEqual(
            {p.pk for p in response.context["page"].object_list}, {self.tea.pk, self.coffee.pk}
        )


class WhereToBuyTests(ChannelTestCase):
    def test_product_page_lists_active_channels_with_safe_external_links(self):
        SalesChannel.objects.create(
            product=self.tea, kind="shop", name="Cửa hàng đã đóng", address="x", is_active=False
        )
        html = self.client.get(reverse("market:product_detail", args=[self.tea.pk])).content
        html = html.decode()
        self.assertIn("Sàn bưu điện", html)
        self.assertNotIn("Cửa hàng đã đóng", html)
        self.assertIn(
            '<a href="https://shop.example/a" rel="nofollow noopener noreferrer" target="_blank">',
            html,
        )

    def test_a_stored_unsafe_address_is_never_a_link(self):
        SalesChannel.objects.filter(pk=self.channel.pk).update(url="javascript:alert(1)")
        html = self.client.get(reverse("market:product_detail", args=[self.tea.pk])).content
        self.assertNotIn(b"javascript:", html)
        self.assertIn("Sàn bưu điện".encode(), html)

    def test_producer_page_lists_the_channels_of_its_products(self):
        response = self.client.get(reverse("market:producer_detail", args=[self.tea.producer_id]))
        self.assertEqual([c.pk for c in response.context["channels"]], [self.channel.pk])
        response = self.client.get(
            reverse("market:producer_detail", args=[self.coffee.producer_id])
        )
        self.assertEqual(response.context["channels"], [])


class ChannelQueryBudgetTests(TestCase):
    """Back office ≤ 20 queries and public ≤ 8, the same for 5 and for 50 rows."""

    @classmethod
    def setUpTestData(cls):
        cls.tea = make_product("Trà Shan tuyết mẫu 0", "HTX Trà mẫu")
        certify([cls.tea], star=4)
        cls.member = producer_member(cls.tea.producer)

    def build(self, count):
        SalesChannel.objects.all().delete()
        for n in range(count):
            make_product(f"Sản phẩm mẫu {n}", producer=self.tea.producer)
            SalesChannel.objects.create(
                product=self.tea, kind="ecommerce", name=f"Sàn {n}", url=f"https://s.example/{n}"
            )

    def assert_same_count(self, url, expected, user=None):
        if user:
            self.client.force_login(user)
        for count in (5, 50):
            self.build(count)
            with self.subTest(count=count), self.assertNumQueries(expected):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)

    def test_product_list_of_channels(self):
        # session; user; official scope (memberships); count; the page of products with
        # producer and channel counts
        self.assert_same_count(reverse("market:channel_product_list"), 5, self.member)

    def test_channels_of_a_product(self):
        # session; user; official scope; the product with its producer; its channels with
        # places; provinces (form); communes of the province (form)
        self.assert_same_count(reverse("market:channel_list", args=[self.tea.pk]), 7, self.member)
