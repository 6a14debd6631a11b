"""The daily expiry pass: each notice goes out once, on its day, to the producer's members and
the province's OCOP office, and never before or twice. The certificate is issued on
15 March 2026 and valid through 15 March 2029: the re-rating window opens on 16 September
2028, its closing notice is due on 16 October 2028 (the window closes on 15 November 2028),
and the expiry notice on 13 February 2029."""

import datetime
from io import StringIO

import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.formats import date_format

from ocop.accounts.tests.factories import province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.evaluations.models import Dossier
from ocop.evaluations.tests.factories import dossier_row
from ocop.producers.tests.factories import producer_member

from ..control.revocation import revoke_certificate
from ..expiry import notices
from ..tasks import daily_certificate_pass
from .factories import NOW, VN, historical_certificate, tea_product

ISSUED = datetime.date(2026, 3, 15)
WINDOW_OPENS = datetime.date(2028, 9, 16)
WINDOW_CLOSING = datetime.date(2028, 10, 16)
EXPIRY_SOON = datetime.date(2029, 2, 13)
EXPIRES = datetime.date(2029, 3, 15)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=VN))


@time_machine.travel(NOW, tick=False)
class DailyPassTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other_province_officer = province_officer("12")
        cls.product = tea_product()
        cls.member = producer_member(cls.product.producer)
        producer_member(cls.product.producer, is_active=False)
        cls.certificate = historical_certificate(cls.officer, cls.product, issued_on=ISSUED)

    def run_pass(self, day):
        mail.outbox.clear()
        with at(day), self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(timezone.localdate(), day)
            return notices.run_daily_pass(timezone.localdate())

    def notices(self):
        return list(
            AuditEvent.objects.filter(
                object_id=str(self.certificate.pk), action__startswith="certificate.notice_"
            )
            .order_by("id")
            .values_list("action", flat=True)
        )

    def test_the_legal_dates_are_the_ones_this_test_uses(self):
        self.assertEqual(self.certificate.valid_until, EXPIRES)
        periods = {p.kind: p.starts_on for p in notices.notice_periods(EXPIRES)}
        self.assertEqual(
            periods,
            {
                "window_opens": WINDOW_OPENS,
                "window_closing": WINDOW_CLOSING,
                "expiry_soon": EXPIRY_SOON,
            },
        )

    def test_window_notice_goes_out_on_the_day_the_window_opens_to_producer_and_province(self):
        report = self.run_pass(WINDOW_OPENS)
        self.assertEqual(report.sent["window_opens"], 1)
        self.assertEqual(self.notices(), ["certificate.notice_window_opens"])
        self.assertEqual(
            sorted(message.to for message in mail.outbox),
            sorted([[self.member.email], [self.officer.email]]),
        )
        self.assertIn(self.certificate.number, mail.outbox[0].subject)
        with translation.override(settings.LANGUAGE_CODE):
            closes = date_format(datetime.date(2028, 11, 15), "SHORT_DATE_FORMAT")
        self.assertIn(closes, mail.outbox[0].body)  # the day the window closes
        self.assertEqual(verify_chain(), [])

    def test_every_notice_says_it_is_the_platforms_own_service(self):
        """Decision 26/2026/QĐ-TTg sets the dates (art. 4(3) validity, art. 7(6)(a) window,
        art. 12(3) grace) but no duty to notify before expiry: each notice says it is a service
        of the platform, not a notice the decision requires."""
        with translation.override(settings.LANGUAGE_CODE):
            own_service = str(notices.OWN_SERVICE)
        for day in (WINDOW_OPENS, WINDOW_CLOSING, EXPIRY_SOON):
            self.run_pass(day)  # clears the outbox first
            self.assertEqual(len(mail.outbox), 2, day)
            for message in mail.outbox:
                self.assertIn(own_service, message.body)

    def test_nothing_is_sent_the_day_before_each_notice(self):
        for day in (WINDOW_OPENS, EXPIRY_SOON):
            self.run_pass(day - datetime.timedelta(days=1))
            self.assertEqual(mail.outbox, [], day)
        self.assertEqual(self.notices(), [])

    def test_closing_notice_the_day_before_is_not_sent_but_the_window_notice_is(self):
        self.run_pass(WINDOW_CLOSING - datetime.timedelta(days=1))
        self.assertEqual(self.notices(), ["certificate.notice_window_opens"])

    def test_each_notice_goes_out_once_on_its_day_and_never_again(self):
        for day in (WINDOW_OPENS, WINDOW_CLOSING, EXPIRY_SOON):
            self.run_pass(day)
            self.assertEqual(len(mail.outbox), 2, day)
            again = self.run_pass(day)
            self.assertEqual(mail.outbox, [], day)
            self.assertEqual(again.already_sent, 1)
            self.run_pass(day + datetime.timedelta(days=1))
            self.assertEqual(mail.outbox, [], day)
        self.run_pass(EXPIRES)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(
            self.notices(),
            [
                "certificate.notice_window_opens",
                "certificate.notice_window_closing",
                "certificate.notice_expiry_soon",
            ],
        )
        self.assertEqual(verify_chain(), [])

    def test_a_missed_day_is_caught_up_with_only_the_latest_notice(self):
        self.run_pass(EXPIRY_SOON + datetime.timedelta(days=3))
        self.assertEqual(self.notices(), ["certificate.notice_expiry_soon"])
        self.assertEqual(len(mail.outbox), 2)

    def test_nothing_after_expiry(self):
        self.run_pass(EXPIRES + datetime.timedelta(days=1))
        self.assertEqual(self.notices(), [])

    def test_no_window_notice_once_a_re_rating_is_filed_but_the_expiry_notice_still_goes(self):
        dossier_row(
            self.product,
            kind=Dossier.Kind.RE_RATING,
            status=Dossier.Status.SUBMITTED,
            submitted_at=NOW,
        )
        self.run_pass(WINDOW_OPENS)
        self.assertEqual(self.notices(), [])
        self.run_pass(EXPIRY_SOON)
        self.assertEqual(self.notices(), ["certificate.notice_expiry_soon"])

    def test_a_revoked_certificate_gets_no_notice(self):
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground="mark_misuse",
            decision_number="9/QĐ-UBND",
            decided_on=NOW.date(),
            finding_on=NOW.date(),
        )
        self.run_pass(WINDOW_OPENS)
        self.assertEqual(self.notices(), [])
        self.assertEqual(mail.outbox, [])

    def test_send_notice_twice_records_and_sends_once(self):
        with at(WINDOW_OPENS), self.captureOnCommitCallbacks(execute=True):
            first = notices.send_notice(self.certificate, kind="window_opens", day=WINDOW_OPENS)
            second = notices.send_notice(self.certificate, kind="window_opens", day=WINDOW_OPENS)
        self.assertEqual((first, second), (True, False))
        self.assertEqual(len(mail.outbox), 2)

    def test_the_task_runs_the_pass_of_the_given_day(self):
        with at(WINDOW_OPENS), self.captureOnCommitCallbacks(execute=True):
            result = daily_certificate_pass.enqueue(WINDOW_OPENS.isoformat())
        self.assertEqual(result.return_value["window_opens"], 1)
        self.assertEqual(self.notices(), ["certificate.notice_window_opens"])

    def test_the_task_without_a_day_runs_today(self):
        with at(EXPIRY_SOON), self.captureOnCommitCallbacks(execute=True):
            result = daily_certificate_pass.enqueue()
        self.assertEqual(result.return_value["day"], EXPIRY_SOON.isoformat())
        self.assertEqual(self.notices(), ["certificate.notice_expiry_soon"])


@time_machine.travel(NOW, tick=False)
class UpdateCertificatesCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.product = tea_product()
        producer_member(cls.product.producer)
        cls.certificate = historical_certificate(cls.officer, cls.product, issued_on=ISSUED)

    def call(self, *args):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("update_certificates", *args, stdout=out)
        return out.getvalue()

    def notice_count(self):
        return AuditEvent.objects.filter(action__startswith="certificate.notice_").count()

    def test_date_option_runs_the_pass_of_that_day_once(self):
        output = self.call("--date", WINDOW_CLOSING.isoformat())
        self.assertIn("notices window_closing: 1 sent", output)
        self.assertEqual(len(mail.outbox), 2)
        output = self.call("--date", WINDOW_CLOSING.isoformat())
        self.assertIn("notices already sent before: 1", output)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.notice_count(), 1)

    def test_without_a_date_it_runs_today(self):
        with at(EXPIRY_SOON):
            output = self.call()
        self.assertIn("notices expiry_soon: 1 sent", output)

    def test_enqueue_hands_the_pass_to_the_task_queue(self):
        output = self.call("--date", WINDOW_OPENS.isoformat(), "--enqueue")
        self.assertIn("queued", output)
        self.assertEqual(self.notice_count(), 1)  # the test settings run tasks at once

    def test_a_malformed_date_is_refused_and_nothing_is_sent(self):
        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            self.call("--date", "16/09/2028")
        self.assertEqual(self.notice_count(), 0)
        self.assertEqual(mail.outbox, [])


class NoticeDueTests(TestCase):
    """The pure rule, at the edges of each period."""

    class Cert:
        valid_until = EXPIRES

    def due(self, day, pending=False):
        return notices.notice_due(self.Cert, on=day, re_rating_filed=pending)

    def test_edges(self):
        one = datetime.timedelta(days=1)
        self.assertIsNone(self.due(WINDOW_OPENS - one))
        self.assertEqual(self.due(WINDOW_OPENS), "window_opens")
        self.assertEqual(self.due(WINDOW_CLOSING - one), "window_opens")
        self.assertEqual(self.due(WINDOW_CLOSING), "window_closing")
        self.assertEqual(self.due(datetime.date(2028, 11, 15)), "window_closing")
        self.assertIsNone(self.due(datetime.date(2028, 11, 16)))
        self.assertIsNone(self.due(EXPIRY_SOON - one))
        self.assertEqual(self.due(EXPIRY_SOON), "expiry_soon")
        self.assertEqual(self.due(EXPIRES), "expiry_soon")
        self.assertIsNone(self.due(EXPIRES + one))
        self.assertIsNone(self.due(WINDOW_CLOSING, pending=True))
        self.assertEqual(self.due(EXPIRY_SOON, pending=True), "expiry_soon")
