"""Every products page for every role: a fixed cast around one product of a Mường Ảng producer
(Điện Biên). Officials whose scope covers it and the producer's members see and edit it; everyone
else gets 404 and changes nothing; anonymous users are sent to the login page."""

from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import (
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products import services
from ocop.products.models import Product, ProductPhoto
from ocop.regions.tests.factories import DIEN_BIEN_PHU, DOAN_KET, MUONG_ANG, commune

from .factories import ProductFactory, image_upload

INSIDERS = ("central", "dien_bien_office", "commune_officer_here", "member")
OUTSIDERS = ("lai_chau_office", "commune_officer_elsewhere", "other_member")


def database_state():
    return {
        "products": list(Product.objects.order_by("pk").values()),
        "photos": list(ProductPhoto.objects.order_by("pk").values()),
        "events": list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)),
    }


def edit_data(product, **overrides):
    """The POST data of the product form for `product`, unchanged unless overridden."""
    data = {
        "producer": product.producer_id,
        "name": product.name,
        "scoring_set": product.scoring_set_id,
        "code": product.code,
        "description": product.description,
        "story": product.story,
        "unit": product.unit,
        "packaging": product.packaging,
        "price_min": "" if product.price_min is None else product.price_min,
        "price_max": "" if product.price_max is None else product.price_max,
        "available_months": [str(month) for month in product.months],
        "shelf_life_days": "" if product.shelf_life_days is None else product.shelf_life_days,
        "standards": product.standards,
        "geographical_indication": product.geographical_indication,
    }
    if product.is_sample:
        data["is_sample"] = "on"
    data.update(overrides)
    return data


class CastMixin:
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(name="HTX Cà phê Mường Ảng", commune=commune(MUONG_ANG))
        cls.other_producer = ProducerFactory(name="HTX Chè Mường Ảng", commune=commune(MUONG_ANG))
        cls.lai_chau_producer = ProducerFactory(name="HTX Lai Châu", commune=commune(DOAN_KET))
        cls.product = ProductFactory(
            producer=cls.producer,
            name="Cà phê bột Hà Chung",
            code="11-03256-001-2026",
            is_sample=False,
            price_min=120_000,
            price_max=150_000,
        )
        cls.users = {
            "central": central_officer(),
            "dien_bien_office": province_officer("11"),
            "lai_chau_office": province_officer("12"),
            "commune_officer_here": commune_officer(MUONG_ANG),
            "commune_officer_elsewhere": commune_officer(DIEN_BIEN_PHU),
            "member": producer_member(cls.producer),
            "other_member": producer_member(cls.other_producer),
        }

    def login(self, role):
        self.client.force_login(self.users[role])


class ProductPagePermissionTests(CastMixin, TestCase):
    def urls(self):
        pk = self.product.pk
        return {
            "list": reverse("products:product_list"),
            "detail": reverse("products:product_detail", args=[pk]),
            "create": reverse("products:product_create"),
            "edit": reverse("products:product_edit", args=[pk]),
        }

    def test_anonymous_user_is_sent_to_login_from_every_page_and_nothing_changes(self):
        before = database_state()
        photo_args = [self.product.pk, 1]
        pages = [
            *[("get", url) for url in self.urls().values()],
            ("post", reverse("products:product_create")),
            ("post", reverse("products:product_edit", args=[self.product.pk])),
            ("get", reverse("products:photo_add", args=[self.product.pk])),
            ("post", reverse("products:photo_add", args=[self.product.pk])),
            ("get", reverse("products:photo_file", args=photo_args)),
            ("get", reverse("products:photo_thumbnail", args=photo_args)),
            ("post", reverse("products:photo_remove", args=photo_args)),
            ("post", reverse("products:photo_move", args=photo_args)),
        ]
        for method, url in pages:
            with self.subTest(method=method, url=url):
                response = getattr(self.client, method)(url, edit_data(self.product, name="X"))
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("accounts:login"))
        assert database_state() == before

    def test_list_shows_the_product_to_insiders_only(self):
        for role in INSIDERS + OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.urls()["list"])
                assert response.status_code == 200
                assert ("Cà phê bột Hà Chung" in response.text) == (role in INSIDERS)

    def test_insiders_see_the_detail_page(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.urls()["detail"])
                assert response.status_code == 200
                assert "Cà phê bột Hà Chung" in response.text
                assert "11-03256-001-2026" in response.text

    def test_outsiders_get_404_on_the_detail_and_edit_pages_and_nothing_changes(self):
        before = database_state()
        for role in OUTSIDERS:
            for page in ("detail", "edit"):
                with self.subTest(role=role, page=page):
                    self.login(role)
                    assert self.client.get(self.urls()[page]).status_code == 404
        assert database_state() == before

    def test_insiders_get_the_edit_form(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.urls()["edit"])
                assert response.status_code == 200
                assert ('name="code"' in response.text) == (role != "member")
                assert ('name="producer"' in response.text) == (role != "member")
                assert ('name="is_sample"' in response.text) == (role != "member")

    def test_outsiders_posting_an_edit_get_404_and_nothing_changes(self):
        before = database_state()
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(
                    self.urls()["edit"], edit_data(self.product, name="Đổi tên")
                )
                assert response.status_code == 404
        assert database_state() == before

    def test_insiders_posting_an_edit_save_it(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                self.product.refresh_from_db()
                response = self.client.post(
                    self.urls()["edit"], edit_data(self.product, name=f"Cà phê {role}")
                )
                assert response.status_code == 302
                self.product.refresh_from_db()
                assert self.product.name == f"Cà phê {role}"
        assert AuditEvent.objects.filter(action="product.updated").count() == len(INSIDERS)

    def test_member_forging_code_producer_and_sample_flag_changes_nothing(self):
        self.login("member")
        before = database_state()
        response = self.client.post(
            self.urls()["edit"],
            edit_data(
                self.product,
                code="11-03256-999-2026",
                producer=self.other_producer.pk,
                is_sample="on",
            ),
        )
        assert response.status_code == 302
        assert database_state() == before

    def test_users_who_may_add_products_get_the_create_form(self):
        for role in (*INSIDERS, "lai_chau_office", "other_member"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.urls()["create"])
                assert response.status_code == 200
                offered = response.context["form"].fields["producer"].queryset
                assert offered.filter(pk=self.producer.pk).exists() == (role in INSIDERS)
                assert (self.producer.name in response.text) == (role in INSIDERS)

    def test_users_without_any_producer_get_404_on_the_create_form(self):
        before = database_state()
        for user in (self.users["commune_officer_elsewhere"], UserFactory()):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                assert self.client.get(self.urls()["create"]).status_code == 404
                response = self.client.post(
                    self.urls()["create"], edit_data(self.product, code="", name="Mới")
                )
                assert response.status_code == 404
        assert database_state() == before

    def test_outsiders_cannot_create_a_product_for_the_producer_and_nothing_is_created(self):
        before = database_state()
        for role in ("lai_chau_office", "other_member"):
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(
                    self.urls()["create"], edit_data(self.product, code="", name="Sản phẩm lạ")
                )
                assert response.status_code == 200
                assert response.context["form"].errors["producer"]
        assert database_state() == before

    def test_insiders_create_a_product_for_the_producer(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(
                    self.urls()["create"],
                    edit_data(self.product, code="", name=f"Sản phẩm của {role}"),
                )
                assert response.status_code == 302
                created = Product.objects.get(name=f"Sản phẩm của {role}")
                assert response["Location"] == created.get_absolute_url()
                assert created.producer == self.producer

    def test_member_forging_a_code_and_sample_flag_on_create_gets_neither(self):
        self.login("member")
        response = self.client.post(
            self.urls()["create"],
            edit_data(self.product, code="11-03256-999-2026", name="Mới", is_sample="on"),
        )
        assert response.status_code == 302
        created = Product.objects.get(name="Mới")
        assert created.code == ""
        assert created.is_sample is False

    def test_member_forging_another_producer_on_create_gets_an_error_and_nothing_is_created(self):
        self.login("member")
        before = database_state()
        for producer in (self.other_producer, self.lai_chau_producer):
            with self.subTest(producer=producer.name):
                response = self.client.post(
                    self.urls()["create"],
                    edit_data(self.product, code="", name="Mới", producer=producer.pk),
                )
                assert response.status_code == 200
                assert response.context["form"].errors["producer"]
        assert database_state() == before

    def test_official_forging_a_producer_of_another_province_on_edit_gets_an_error(self):
        self.login("dien_bien_office")
        before = database_state()
        response = self.client.post(
            self.urls()["edit"], edit_data(self.product, producer=self.lai_chau_producer.pk)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["producer"]
        assert database_state() == before

    def test_non_existent_product_is_404(self):
        self.login("central")
        for name in ("products:product_detail", "products:product_edit", "products:photo_add"):
            with self.subTest(name=name):
                assert self.client.get(reverse(name, args=[999_999])).status_code == 404


class PhotoPagePermissionTests(CastMixin, TestCase):
    def setUp(self):
        # Photo files live in the per-test media folder, so they are made here, not in
        # setUpTestData.
        self.photo = services.add_photo(
            self.product, actor=self.users["central"], upload=image_upload("a.png")
        )
        self.second = services.add_photo(
            self.product, actor=self.users["central"], upload=image_upload("b.jpg", "JPEG")
        )

    def url(self, name, photo=None):
        return reverse(f"products:{name}", args=[self.product.pk, (photo or self.photo).pk])

    def test_insiders_get_the_photo_and_its_thumbnail(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.get(self.url("photo_file"))
                assert response.status_code == 200
                assert response["Content-Type"] == "image/png"
                assert b"".join(response.streaming_content).startswith(b"\x89PNG")
                response = self.client.get(self.url("photo_thumbnail"))
                assert response.status_code == 200
                assert response["Content-Type"] == "image/jpeg"
                assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")

    def test_outsiders_get_404_for_the_photo_and_its_thumbnail(self):
        for role in OUTSIDERS:
            for name in ("photo_file", "photo_thumbnail"):
                with self.subTest(role=role, name=name):
                    self.login(role)
                    assert self.client.get(self.url(name)).status_code == 404

    def test_photo_asked_under_another_product_is_404(self):
        other = ProductFactory(producer=self.producer)
        self.login("central")
        url = reverse("products:photo_file", args=[other.pk, self.photo.pk])
        assert self.client.get(url).status_code == 404

    def test_insiders_get_the_upload_form(self):
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                url = reverse("products:photo_add", args=[self.product.pk])
                assert self.client.get(url).status_code == 200

    def test_outsiders_cannot_upload_remove_or_move_photos_and_nothing_changes(self):
        before = database_state()
        add_url = reverse("products:photo_add", args=[self.product.pk])
        for role in OUTSIDERS:
            with self.subTest(role=role):
                self.login(role)
                assert self.client.get(add_url).status_code == 404
                response = self.client.post(add_url, {"image": image_upload(), "caption": ""})
                assert response.status_code == 404
                assert self.client.post(self.url("photo_remove")).status_code == 404
                response = self.client.post(self.url("photo_move"), {"direction": "later"})
                assert response.status_code == 404
        assert database_state() == before

    def test_insiders_upload_move_and_remove_photos(self):
        add_url = reverse("products:photo_add", args=[self.product.pk])
        for role in INSIDERS:
            with self.subTest(role=role):
                self.login(role)
                response = self.client.post(add_url, {"image": image_upload(), "caption": role})
                assert response.status_code == 302
                photo = ProductPhoto.objects.get(caption=role)
                assert photo.uploaded_by == self.users[role]
                response = self.client.post(self.url("photo_move", photo), {"direction": "earlier"})
                assert response.status_code == 302
                assert list(self.product.photos.values_list("caption", flat=True))[-2] == role
                assert self.client.post(self.url("photo_remove", photo)).status_code == 302
                assert not ProductPhoto.objects.filter(pk=photo.pk).exists()

    def test_removing_or_moving_a_photo_needs_a_post(self):
        self.login("central")
        before = database_state()
        assert self.client.get(self.url("photo_remove")).status_code == 405
        assert self.client.get(self.url("photo_move")).status_code == 405
        assert database_state() == before
