from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.core.audit import history_for
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.models import Product
from ocop.regions.tests.factories import MUONG_ANG, commune

from .factories import ProductFactory
from .test_permissions import edit_data

INLINE_MANAGEMENT = {
    "photos-TOTAL_FORMS": "0",
    "photos-INITIAL_FORMS": "0",
    "photos-MIN_NUM_FORMS": "0",
    "photos-MAX_NUM_FORMS": "0",
}


class ProductAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(is_staff=True, is_superuser=True)
        cls.product = ProductFactory(producer=ProducerFactory(commune=commune(MUONG_ANG)))

    def setUp(self):
        self.client.force_login(self.admin)

    def test_classification_is_read_only(self):
        for model in ("sector", "productgroup", "scoringset"):
            with self.subTest(model=model):
                url = reverse(f"admin:products_{model}_changelist")
                assert self.client.get(url).status_code == 200
                assert self.client.get(reverse(f"admin:products_{model}_add")).status_code == 403

    def test_admin_change_goes_through_the_service_and_is_audited(self):
        url = reverse("admin:products_product_change", args=[self.product.pk])
        assert self.client.get(url).status_code == 200
        data = {**edit_data(self.product, name="Tên sửa trong admin"), **INLINE_MANAGEMENT}
        response = self.client.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        self.product.refresh_from_db()
        assert self.product.name == "Tên sửa trong admin"
        assert history_for(self.product).get().action == "product.updated"

    def test_admin_add_goes_through_the_service(self):
        data = {**edit_data(self.product, name="Thêm trong admin", code=""), **INLINE_MANAGEMENT}
        response = self.client.post(reverse("admin:products_product_add"), data)
        assert response.status_code == 302
        created = Product.objects.get(name="Thêm trong admin")
        assert history_for(created).get().action == "product.created"

    def test_admin_refuses_an_invalid_code_with_the_reason(self):
        url = reverse("admin:products_product_change", args=[self.product.pk])
        data = {**edit_data(self.product, code="11-99999-001-2026"), **INLINE_MANAGEMENT}
        response = self.client.post(url, data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["code"]
        self.product.refresh_from_db()
        assert self.product.code == ""

    def test_products_cannot_be_deleted_in_the_admin(self):
        url = reverse("admin:products_product_delete", args=[self.product.pk])
        assert self.client.get(url).status_code == 403
        assert Product.objects.filter(pk=self.product.pk).exists()
