"""The admin shows the rubric and cannot change it."""

from django.test import TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import UserFactory
from ocop.rubric.models import Option
from ocop.rubric.tests.test_models import snapshot


class RubricAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(is_staff=True, is_superuser=True)
        cls.option = Option.objects.get(
            criterion__sheet__version__slug="26-2026",
            criterion__sheet__number=1,
            criterion__code="1.1",
            number=1,
        )

    def setUp(self):
        self.client.force_login(self.admin)

    def test_every_rubric_list_and_the_option_page_are_shown(self):
        for model in ("rubricversion", "sheet", "criterion", "option", "selfassessment"):
            with self.subTest(model=model):
                response = self.client.get(reverse(f"admin:rubric_{model}_changelist"))
                self.assertEqual(response.status_code, 200)
        page = self.client.get(reverse("admin:rubric_option_change", args=[self.option.pk]))
        self.assertContains(page, self.option.text_vi)

    def test_nothing_can_be_added_changed_or_deleted_and_nothing_changes(self):
        before = snapshot()
        add = self.client.get(reverse("admin:rubric_option_add"))
        change = self.client.post(
            reverse("admin:rubric_option_change", args=[self.option.pk]),
            {"number": 1, "text_vi": "Khác", "points": 3},
        )
        delete = self.client.post(
            reverse("admin:rubric_option_delete", args=[self.option.pk]), {"post": "yes"}
        )
        self.assertEqual((add.status_code, change.status_code, delete.status_code), (403, 403, 403))
        self.assertEqual(snapshot(), before)
