"""The admin shows the units read-only: they are reference data loaded from files."""

from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.regions.models import LegacyCommune


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.admin)

    def test_unit_lists_open_and_search_ignores_tone_marks(self):
        for model in ["province", "commune", "legacyprovince", "legacydistrict", "legacycommune"]:
            with self.subTest(model):
                response = self.client.get(reverse(f"admin:regions_{model}_changelist"))
                self.assertEqual(response.status_code, 200)
        response = self.client.get(
            reverse("admin:regions_legacycommune_changelist"), {"q": "ang nua"}
        )
        self.assertContains(response, "Xã Ẳng Nưa")

    def test_a_legacy_commune_shows_its_successors(self):
        response = self.client.get(reverse("admin:regions_legacycommune_change", args=["03307"]))
        self.assertContains(response, "Xã Mường Ảng")

    def test_units_cannot_be_added_changed_or_deleted_here(self):
        add = self.client.get(reverse("admin:regions_commune_add"))
        delete = self.client.post(
            reverse("admin:regions_legacycommune_delete", args=["03307"]), {"post": "yes"}
        )
        change = self.client.post(
            reverse("admin:regions_legacycommune_change", args=["03307"]), {"name": "Xã Khác"}
        )
        self.assertEqual((add.status_code, delete.status_code, change.status_code), (403, 403, 403))
        self.assertEqual(LegacyCommune.objects.get(code="03307").name, "Xã Ẳng Nưa")
