"""The system check core.W001: a warning while this year or the next has no confirmed plan
of official days off (Labour Code 2019 art. 112(3): the Prime Minister fixes the Tết days each
year)."""

import datetime

import time_machine
from django.conf import settings
from django.core import checks
from django.test import SimpleTestCase, TestCase

from ocop.core.checks import check_audit_key, check_holiday_plans, check_signing_certificate
from ocop.core.models import PublicHoliday

VN = datetime.timezone(datetime.timedelta(hours=7))


def at(year, month, day):
    return time_machine.travel(datetime.datetime(year, month, day, 9, tzinfo=VN), tick=False)


def warned_years(messages):
    return [int(message.msg.split(" for ")[1][:4]) for message in messages]


class HolidayPlanCheckTests(TestCase):
    def run_check(self):
        return check_holiday_plans(databases=["default"])

    def test_silent_when_this_year_and_the_next_have_a_plan(self):
        """2025 and 2026 have their confirmed Tết plans."""
        with at(2025, 6, 15):
            self.assertEqual(self.run_check(), [])

    def test_warns_for_next_year_when_its_tet_is_only_provisional(self):
        """On 6 December 2026 the committed 2027 Tết days are estimates."""
        with at(2026, 12, 6):
            messages = self.run_check()
        self.assertEqual(warned_years(messages), [2027])
        (message,) = messages
        self.assertEqual(message.id, "core.W001")
        self.assertEqual(message.level, checks.WARNING)
        self.assertFalse(message.is_serious())
        self.assertIn("2027", message.msg)
        self.assertIn("/admin/core/publicholiday/", message.hint)
        self.assertIn("swapped", message.hint)

    def test_warns_for_each_year_without_a_plan(self):
        with at(2027, 3, 1):
            self.assertEqual(warned_years(self.run_check()), [2027, 2028])

    def test_silent_once_the_plan_is_entered(self):
        PublicHoliday.objects.filter(day__year=2027, occasion="tet").update(is_provisional=False)
        with at(2026, 12, 6):
            self.assertEqual(self.run_check(), [])

    def test_a_confirmed_swap_of_tet_counts_as_the_plan(self):
        PublicHoliday.objects.create(
            day=datetime.date(2028, 1, 31), kind="swapped", occasion="tet", name="Hoán đổi"
        )
        with at(2027, 12, 1):
            self.assertEqual(warned_years(self.run_check()), [2027])

    def test_runs_only_when_databases_are_checked(self):
        """A plain `manage.py check` (no --database) does not read the table; `migrate` and
        `check --database default` do."""
        with at(2027, 3, 1):
            plain = checks.run_checks()
            with_database = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
        self.assertNotIn("core.W001", [message.id for message in plain])
        self.assertEqual([m.id for m in with_database if m.id == "core.W001"], ["core.W001"] * 2)


class AuditKeyCheckTests(SimpleTestCase):
    def test_a_weak_or_development_audit_key_warns_on_deploy(self):
        assert check_audit_key() == []
        for key in (settings.INSECURE_AUDIT_KEY, "short", "a" * 60):
            with self.settings(AUDIT_KEY=key):
                assert [m.id for m in check_audit_key()] == ["core.W002"]


class SigningCertificateCheckTests(SimpleTestCase):
    def test_the_sample_certificate_warns_and_a_missing_file_is_an_error(self):
        with self.settings(SIGNING_KEY_FILE="", SIGNING_CERT_FILE=""):
            assert [m.id for m in check_signing_certificate()] == ["core.W003"]
        with self.settings(SIGNING_KEY_FILE="/nonexistent/key.pem", SIGNING_CERT_FILE=__file__):
            assert [m.id for m in check_signing_certificate()] == ["core.E003"]
        with self.settings(SIGNING_KEY_FILE=__file__, SIGNING_CERT_FILE=__file__):
            assert check_signing_certificate() == []
