import datetime

import time_machine
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts import throttle
from ocop.accounts.models import Membership
from ocop.accounts.scope import official_scope
from ocop.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.regions.tests.factories import commune, province


class LoginTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer(username="dienbien")

    def test_anonymous_is_sent_to_login_with_next(self):
        response = self.client.get(reverse("accounts:home"))
        self.assertRedirects(
            response, f"{reverse('accounts:login')}?next={reverse('accounts:home')}"
        )

    def test_wrong_password_shows_a_vietnamese_message_and_stays_logged_out(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "dienbien", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Sai tên đăng nhập hoặc mật khẩu")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_login_leads_to_the_start_page_listing_the_role(self):
        """A commune officer's role does not require a second factor (issue 16 §3)."""
        commune_officer(username="muongang")
        response = self.client.post(
            reverse("accounts:login"), {"username": "muongang", "password": PASSWORD}, follow=True
        )
        self.assertEqual(response.redirect_chain[-1][0], reverse("accounts:home"))
        self.assertContains(response, "Mường Ảng")

    def test_logout_needs_post_and_ends_the_session(self):
        self.client.force_login(self.officer)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("core:landing"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_change_takes_effect(self):
        self.client.force_login(self.officer)
        response = self.client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Tra-Shan-tuyet-2026",
                "new_password2": "Tra-Shan-tuyet-2026",
            },
        )
        self.assertRedirects(response, reverse("accounts:password_change_done"))
        self.officer.refresh_from_db()
        self.assertTrue(self.officer.check_password("Tra-Shan-tuyet-2026"))

    def test_password_change_with_wrong_old_password_changes_nothing(self):
        self.client.force_login(self.officer)
        response = self.client.post(
            reverse("accounts:password_change"),
            {
                "old_password": "nope",
                "new_password1": "Abc-12345-x",
                "new_password2": "Abc-12345-x",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.officer.refresh_from_db()
        self.assertTrue(self.officer.check_password(PASSWORD))

    def test_user_without_role_is_told_to_ask_for_one(self):
        self.client.force_login(UserFactory())
        response = self.client.get(reverse("accounts:home"))
        self.assertContains(response, "chưa có vai trò")


class ScopeTests(TestCase):
    def test_each_role_governs_its_own_territory(self):
        self.assertTrue(official_scope(central_officer()).is_national)
        dien_bien = official_scope(province_officer("11"))
        self.assertEqual(dien_bien.province_codes, {"11"})
        self.assertFalse(dien_bien.is_national)
        commune_scope = official_scope(commune_officer("03256"))
        self.assertEqual(commune_scope.commune_codes, {"03256"})
        self.assertFalse(official_scope(UserFactory()).is_official)

    def test_superuser_is_national(self):
        self.assertTrue(official_scope(UserFactory(is_superuser=True)).is_national)

    def test_inactive_user_has_no_scope(self):
        user = province_officer("11")
        user.is_active = False
        self.assertFalse(official_scope(user).is_official)

    def test_scope_is_computed_with_one_query_per_user_object(self):
        user = province_officer("11")
        with self.assertNumQueries(1):  # memberships of the user
            official_scope(user)
            official_scope(user)

    def test_membership_scope_must_match_the_role(self):
        user = UserFactory()
        bad = [
            {"role": Membership.Role.CENTRAL_OFFICE, "province": province("11")},
            {"role": Membership.Role.PROVINCE_OFFICE},
            {"role": Membership.Role.COMMUNE_OFFICER, "province": province("11")},
            {"role": Membership.Role.PROVINCE_OFFICE, "province": province(), "commune": commune()},
        ]
        for fields in bad:
            with (
                self.subTest(fields=fields),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
            ):
                Membership.objects.create(user=user, **fields)
        self.assertEqual(Membership.objects.filter(user=user).count(), 0)

    def test_the_same_role_and_territory_cannot_be_given_twice(self):
        user = province_officer("11")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                user=user, role=Membership.Role.PROVINCE_OFFICE, province=province("11")
            )


class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer(username="dienbien2")

    def setUp(self):
        from django.core.cache import cache

        cache.clear()

    def _login(self, username, password, address="10.0.0.1"):
        return self.client.post(
            reverse("accounts:login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def test_a_pair_pauses_after_five_failures_even_with_the_right_password(self):
        for _attempt in range(throttle.PAIR_LIMIT - 1):
            self.assertEqual(self._login("dienbien2", "wrong").status_code, 200)
        response = self._login("dienbien2", "wrong")
        self.assertEqual(response.status_code, 429)
        response = self._login("dienbien2", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(int(response["Retry-After"]), throttle.PAUSE)
        self.assertContains(response, "Thử lại sau 15 phút", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_paused_pair_does_not_lock_the_real_user_out_from_elsewhere(self):
        """Issue 16 §2: ten wrong passwords locked the account name for everyone, so anyone
        could lock out any known official."""
        for _attempt in range(throttle.PAIR_LIMIT + 5):
            self._login("dienbien2", "wrong", address="203.0.113.9")
        response = self._login("dienbien2", PASSWORD, address="10.0.0.7")
        self.assertEqual(response.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)

    def test_one_address_cannot_spray_many_account_names(self):
        """Issue 16 §2: one address could try 40 usernames without slowing down."""
        for n in range(throttle.ADDRESS_LIMIT):
            self._login(f"official{n}", "Password-2026", address="198.51.100.4")
        response = self._login("dienbien2", PASSWORD, address="198.51.100.4")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "từ địa chỉ của bạn", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self._login("dienbien2", PASSWORD, address="10.0.0.8").status_code, 302)

    def test_the_pause_ends(self):
        for _attempt in range(throttle.PAIR_LIMIT):
            self._login("dienbien2", "wrong")
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=throttle.PAUSE + 1)):
            self.assertEqual(self._login("dienbien2", PASSWORD).status_code, 302)

    def test_a_few_failures_do_not_block_the_right_password(self):
        for _attempt in range(throttle.PAIR_LIMIT - 1):
            self._login("dienbien2", "wrong")
        self._login("dienbien2", PASSWORD)
        self.assertIn("_auth_user_id", self.client.session)
        self.client.logout()
        for _attempt in range(throttle.PAIR_LIMIT - 1):
            self._login("dienbien2", "wrong")
        self.assertEqual(self._login("dienbien2", PASSWORD).status_code, 302)

    def test_logins_failures_pauses_and_logouts_are_in_the_audit_log(self):
        self._login("dienbien2", PASSWORD)
        self.client.post(reverse("accounts:logout"))
        self._login("nobody-has-this-name", "my-password-typed-as-name")
        for _attempt in range(throttle.PAIR_LIMIT):
            self._login("dienbien2", "wrong")
        events = list(AuditEvent.objects.order_by("id"))
        self.assertEqual(
            [event.action for event in events],
            ["login.succeeded", "logout", "login.failed"]
            + ["login.failed"] * throttle.PAIR_LIMIT
            + ["login.paused"],
        )
        self.assertEqual(events[0].actor, self.officer)
        unknown = events[2]
        self.assertEqual((unknown.object_id, unknown.object_repr), ("", ""))
        self.assertNotIn("nobody-has-this-name", unknown.comment)
        self.assertNotIn("10.0.0.1", unknown.comment)
        self.assertEqual(events[-1].object_id, str(self.officer.pk))
        self.assertIn("pair", events[-1].comment)
        self.assertEqual(verify_chain(), [])

    def test_the_admin_login_leads_to_ours(self):
        response = self.client.get("/admin/login/?next=/admin/core/auditevent/")
        self.assertRedirects(
            response,
            f"{reverse('accounts:login')}?next=%2Fadmin%2Fcore%2Fauditevent%2F",
            fetch_redirect_response=False,
        )
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get("/admin/login/").status_code, 403)
