from django.test import TestCase, override_settings
from django.urls import reverse

from ocop.accounts.tests.factories import commune_officer, province_officer
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products import services
from ocop.products.models import Product
from ocop.regions.tests.factories import MUONG_ANG, commune

from .factories import ProductFactory, ProductPhotoFactory


@override_settings(LANGUAGE_CODE="en")  # the tests read the English page
class ProductDetailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(name="HTX Cà phê Mường Ảng", commune=commune(MUONG_ANG))
        cls.product = ProductFactory(
            producer=cls.producer,
            name="Cà phê bột Hà Chung",
            code="11-03256-001-2022",
            description="Cà phê Arabica rang xay.",
            story="Trồng trên đồi Mường Ảng từ năm 1990.",
            packaging="Túi zip 500 g",
            price_min=120_000,
            price_max=150_000,
            available_months=Product.months_to_mask([3, 4, 11]),
            shelf_life_days=365,
            standards="TCCS 01:2022, VietGAP",
            geographical_indication="Cà phê Mường Ảng",
        )
        cls.officer = province_officer("11")
        cls.member = producer_member(cls.producer)
        cls.url = reverse("products:product_detail", args=[cls.product.pk])

    def test_every_field_is_shown_with_months_by_name(self):
        self.client.force_login(self.officer)
        text = self.client.get(self.url).text
        for expected in [
            "Cà phê bột Hà Chung",
            "HTX Cà phê Mường Ảng",
            "11-03256-001-2022",
            "11. Fresh and processed tea",
            "I. Food products › Tea",
            "hộp 200 g",
            "Túi zip 500 g",
            "120,000–150,000 VND",
            "March, April, November",
            "365 days",
            "TCCS 01:2022, VietGAP",
            "Cà phê Mường Ảng",
            "Cà phê Arabica rang xay.",
            "Trồng trên đồi Mường Ảng từ năm 1990.",
        ]:
            assert expected in text, expected

    def test_history_shows_who_changed_what(self):
        services.update_product(
            self.product, actor=self.member, data={"name": "Cà phê Hà Chung", "price_max": 160_000}
        )
        self.client.force_login(self.officer)
        response = self.client.get(self.url)
        history = response.context["history"]
        assert len(history) == 1
        assert history[0]["event"].actor == self.member
        rows = {str(row["label"]): (row["old"], row["new"]) for row in history[0]["rows"]}
        assert rows == {
            "name": ("Cà phê bột Hà Chung", "Cà phê Hà Chung"),
            "highest price (VND)": ("150000", "160000"),
        }
        assert "Highest price (VND): 150000 → 160000" in response.text

    def test_member_sees_edit_links_and_the_photo_form(self):
        self.client.force_login(self.member)
        response = self.client.get(self.url)
        assert response.context["can_edit"]
        assert reverse("products:product_edit", args=[self.product.pk]) in response.text
        assert reverse("products:photo_add", args=[self.product.pk]) in response.text

    def test_only_an_office_gets_the_link_to_the_certificate_list(self):
        certificate_list = reverse("certificates:certificate_list")
        for user, expected in (
            (self.officer, True),
            (commune_officer(MUONG_ANG), False),  # the list answers 404 to a commune
            (self.member, False),
        ):
            with self.subTest(user=user):
                self.client.force_login(user)
                response = self.client.get(self.url)
                assert (f'href="{certificate_list}?product=' in response.text) is expected
                if expected:
                    assert self.client.get(certificate_list).status_code == 200


class ProductDetailQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.product = ProductFactory(producer__commune=commune(MUONG_ANG))

    def assert_detail_queries(self, photos):
        ProductPhotoFactory.create_batch(photos, product=self.product)
        self.client.force_login(self.officer)
        # 1 session, 2 user, 3 the user's memberships (official scope), 4 the product with its
        # producer, province, commune and classification, 5 whether the user may edit it,
        # 6 whether the user is a member of its producer, 7 its history with the actors,
        # 8 its photos.
        with self.assertNumQueries(8):
            response = self.client.get(reverse("products:product_detail", args=[self.product.pk]))
        assert response.status_code == 200
        assert response.text.count("/thumbnail/") == photos

    def test_detail_with_5_photos(self):
        self.assert_detail_queries(5)

    def test_detail_with_50_photos(self):
        self.assert_detail_queries(50)
