"""Two-factor authentication (issue 16 §3): required for the central and provincial offices,
council chairs and secretaries and staff; optional for everyone else."""

import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ocop.accounts import second_factor
from ocop.accounts.models import LoginSession
from ocop.accounts.tests.factories import (
    PASSWORD,
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.models import AuditEvent
from ocop.evaluations.tests.factories import make_panel
from ocop.regions.tests.factories import province

SETUP = reverse("accounts:second_factor_setup")
VERIFY = reverse("accounts:second_factor_verify")
HOME = reverse("accounts:home")


def code_of(device):
    """The code the user's app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class SecondFactorTests(TestCase):
    def _login(self, user, next_url=""):
        url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
        return self.client.post(url, {"username": user.username, "password": PASSWORD})

    def _set_up(self, user):
        """Log in and turn the second factor on; returns the recovery codes."""
        self._login(user)
        self.client.get(SETUP)
        device = TOTPDevice.objects.get(user=user)
        response = self.client.post(SETUP, {"code": code_of(device)})
        self.assertEqual(response.status_code, 200)
        self.client.post(reverse("accounts:logout"))
        return response.context["codes"]

    def test_who_must_use_it(self):
        panel = make_panel(organiser=province_officer(), province=province("11"))
        member = panel.scorers[2]
        required = [
            central_officer(),
            province_officer(),
            panel.chair,
            panel.scorers[1],
            UserFactory(is_staff=True),
        ]
        for user in required:
            self.assertTrue(second_factor.required_for(user), user)
        for user in (commune_officer(), member, panel.adviser, UserFactory()):
            self.assertFalse(second_factor.required_for(user), user)

    def test_a_province_officer_must_set_it_up_before_anything_else(self):
        officer = province_officer()
        response = self._login(officer, next_url="/manage/producers/")
        self.assertRedirects(response, SETUP, fetch_redirect_response=False)
        self.assertRedirects(self.client.get(HOME), SETUP, fetch_redirect_response=False)
        self.assertRedirects(self.client.get("/admin/"), SETUP, fetch_redirect_response=False)
        page = self.client.get(SETUP)
        self.assertContains(page, "data:image/png;base64,")
        device = TOTPDevice.objects.get(user=officer, confirmed=False)
        self.assertContains(page, page.context["secret"])
        wrong = self.client.post(SETUP, {"code": "000000" if code_of(device) != "000000" else "1"})
        self.assertEqual(wrong.status_code, 200)
        self.assertFalse(second_factor.is_enabled(officer))
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
            # django-otp waits 1, 2, 4… seconds after each wrong code
            done = self.client.post(SETUP, {"code": code_of(device)})
        codes = done.context["codes"]
        self.assertEqual(len(set(codes)), second_factor.RECOVERY_CODES)
        self.assertContains(done, codes[0])
        self.assertContains(done, 'href="/manage/producers/"')
        self.assertEqual(self.client.get(HOME).status_code, 200)
        self.assertTrue(second_factor.is_enabled(officer))
        self.assertTrue(AuditEvent.objects.filter(action="second_factor.enabled").exists())

    def test_next_logins_ask_for_a_code_and_accept_each_recovery_code_once(self):
        officer = province_officer()
        codes = self._set_up(officer)
        device = TOTPDevice.objects.get(user=officer)
        later = timezone.now() + datetime.timedelta(minutes=2)
        with time_machine.travel(later):
            self.assertRedirects(self._login(officer), VERIFY, fetch_redirect_response=False)
            self.assertRedirects(self.client.get(HOME), VERIFY, fetch_redirect_response=False)
            response = self.client.post(VERIFY, {"code": code_of(device)})
            self.assertRedirects(response, HOME, fetch_redirect_response=False)
            self.assertEqual(self.client.get(HOME).status_code, 200)
            self.client.post(reverse("accounts:logout"))
        with time_machine.travel(later + datetime.timedelta(minutes=2)):
            self._login(officer)
            response = self.client.post(VERIFY, {"code": codes[3]})
            self.assertRedirects(response, HOME, fetch_redirect_response=False)
            self.client.post(reverse("accounts:logout"))
        with time_machine.travel(later + datetime.timedelta(minutes=4)):
            self._login(officer)
            response = self.client.post(VERIFY, {"code": codes[3]})
            self.assertContains(response, "đã được dùng")
            self.assertRedirects(self.client.get(HOME), VERIFY, fetch_redirect_response=False)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertLessEqual({"login.second_factor", "login.second_factor_failed"}, actions)

    def test_a_wrong_code_slows_the_next_tries(self):
        officer = province_officer()
        self._set_up(officer)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
            self._login(officer)
            self.client.post(VERIFY, {"code": "123456"})
            response = self.client.post(VERIFY, {"code": "123456"})
            self.assertEqual(response.status_code, 429)
            self.assertGreaterEqual(int(response["Retry-After"]), 1)

    def test_it_is_optional_for_a_commune_officer_who_can_turn_it_on_and_off(self):
        officer = commune_officer()
        self.assertRedirects(self._login(officer), HOME, fetch_redirect_response=False)
        page = self.client.get(reverse("accounts:security"))
        self.assertContains(page, SETUP)
        self.client.get(SETUP)
        device = TOTPDevice.objects.get(user=officer)
        self.client.post(SETUP, {"code": code_of(device)})
        self.assertTrue(second_factor.is_enabled(officer))
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
            wrong = self.client.post(
                reverse("accounts:security"), {"action": "disable", "code": "12345678"}
            )
            self.assertEqual(wrong.status_code, 400)
            self.assertTrue(second_factor.is_enabled(officer))
            response = self.client.post(
                reverse("accounts:security"), {"action": "disable", "code": code_of(device)}
            )
        self.assertRedirects(response, reverse("accounts:security"))
        self.assertFalse(second_factor.is_enabled(officer))
        self.assertTrue(AuditEvent.objects.filter(action="second_factor.disabled").exists())

    def test_a_required_role_cannot_turn_it_off_but_can_renew_its_codes(self):
        officer = province_officer()
        old_codes = self._set_up(officer)
        device = TOTPDevice.objects.get(user=officer)
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
            self._login(officer)
            self.client.post(VERIFY, {"code": old_codes[0]})
            response = self.client.post(
                reverse("accounts:security"), {"action": "disable", "code": code_of(device)}
            )
            self.assertEqual(response.status_code, 400)
            self.assertTrue(second_factor.is_enabled(officer))
            response = self.client.post(
                reverse("accounts:security"), {"action": "codes", "code": code_of(device)}
            )
        new_codes = response.context["codes"]
        self.assertFalse(set(new_codes) & set(old_codes))
        self.assertIsNone(second_factor.verify(officer, old_codes[1]))
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
            self.assertIsNotNone(second_factor.verify(officer, new_codes[1]))

    def test_someone_else_cannot_replace_an_authenticator_without_the_code(self):
        """A session that has one cannot reach the setup page to enrol a new phone."""
        officer = commune_officer()
        self._set_up(officer)
        self.client.force_login(officer)
        self.assertRedirects(
            self.client.get(SETUP), reverse("accounts:security"), fetch_redirect_response=False
        )
        self.assertEqual(TOTPDevice.objects.filter(user=officer).count(), 1)


class DisabledUserTests(TestCase):
    def test_disabling_a_user_ends_all_of_its_sessions(self):
        """Issue 16 §3: two browsers logged in, the office disables the account."""
        officer = commune_officer()
        other = commune_officer()
        first, second, bystander = Client(), Client(), Client()
        for client, user in ((first, officer), (second, officer), (bystander, other)):
            client.post(
                reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
            )
        keys = [first.session.session_key, second.session.session_key]
        self.assertEqual(Session.objects.filter(session_key__in=keys).count(), 2)
        officer.is_active = False
        officer.save()
        self.assertFalse(Session.objects.filter(session_key__in=keys).exists())
        self.assertFalse(LoginSession.objects.filter(user=officer).exists())
        self.assertEqual(first.get(HOME).status_code, 302)
        self.assertEqual(bystander.get(HOME).status_code, 200)

    def test_a_logout_forgets_its_session(self):
        officer = commune_officer()
        self.client.post(
            reverse("accounts:login"), {"username": officer.username, "password": PASSWORD}
        )
        self.assertEqual(LoginSession.objects.filter(user=officer).count(), 1)
        self.client.post(reverse("accounts:logout"))
        self.assertFalse(LoginSession.objects.filter(user=officer).exists())
