"""The 15 days of a revocation (Decision 26/2026/QĐ-TTg, art. 8(4)): "Thời gian thu hồi giấy
chứng nhận là 15 ngày kể từ ngày có kết luận của cơ quan có thẩm quyền về hành vi vi phạm của
chủ thể hoặc xác nhận của UBND cấp xã về chủ thể OCOP không còn sản xuất sản phẩm OCOP."

Every revocation records the day its 15 days ran from (the competent authority's conclusion,
or the commune's confirmation that production stopped; for an inspection, its finding), the
due day (``revocation_due_on``: the day itself not counted, a 15th day that is off moved to
the next working day, Civil Code art. 147, 148(5)) and so whether it was late; a late
revocation is recorded and reported, never refused.

The cast: the Điện Biên office (``officer``), the Lai Châu office (``lai_chau``) and the
central office (``central``); today is Monday 1 June 2026."""

import datetime

import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member

from ..control.inspections import escalate_to_revocation, record_follow_up
from ..control.revocation import revoke_certificate
from ..models import Certificate, RevocationGround
from .factories import NOW, TODAY, historical_certificate, recorded_inspection, tea_product

ISSUED_ON = datetime.date(2025, 6, 2)


def day(text):
    return datetime.date.fromisoformat(text)


def days(n):
    return datetime.timedelta(days=n)


def vi(message):
    with translation.override("vi"):
        return gettext(message)


def snapshot():
    return (list(Certificate.objects.order_by("pk").values()), AuditEvent.objects.count())


def codes(error):
    return {item.code for items in error.error_dict.values() for item in items}


class Cast(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau = province_officer("12")
        cls.central = central_officer()

    def certificate(self, **kwargs):
        kwargs.setdefault("issued_on", ISSUED_ON)
        return historical_certificate(self.officer, tea_product(), **kwargs)

    def revoke(self, certificate, **kwargs):
        values = {
            "actor": self.officer,
            "ground": RevocationGround.LAW_BREACH,
            "decision_number": "45/QĐ-UBND",
            "decided_on": TODAY,
            "finding_on": TODAY,
        }
        values.update(kwargs)
        return revoke_certificate(certificate, **values)


@time_machine.travel(NOW, tick=False)
class DueDayTests(Cast):
    def test_the_due_day_of_every_ground_is_the_15th_day_or_the_next_working_day(self):
        """Art. 8(4): "Thời gian thu hồi giấy chứng nhận là 15 ngày kể từ ngày có kết luận của
        cơ quan có thẩm quyền ... hoặc xác nhận của UBND cấp xã ...": for each of the six
        grounds, the day of the conclusion (or of the commune's confirmation) is not counted
        and a 15th day that is a Saturday, a Sunday or a day of Tết ends on the next working
        day (Civil Code art. 148(5))."""
        findings = [
            # Wednesday 20 May: the 15th day is Thursday 4 June, a working day.
            (day("2026-05-20"), day("2026-06-04")),
            # Friday 22 May: the 15th day is Saturday 6 June, so Monday 8 June.
            (day("2026-05-22"), day("2026-06-08")),
            # Saturday 23 May: the 15th day is Sunday 7 June, so Monday 8 June.
            (day("2026-05-23"), day("2026-06-08")),
            # Sunday 1 February: the 15th day is Monday 16 February, inside the Tết break of
            # 14-22 February 2026, so Monday 23 February.
            (day("2026-02-01"), day("2026-02-23")),
        ]
        for ground in RevocationGround.values:
            for finding_on, due_on in findings:
                with self.subTest(ground=ground, finding_on=finding_on):
                    revoked = self.revoke(self.certificate(), ground=ground, finding_on=finding_on)
                    stored = Certificate.objects.get(pk=revoked.pk)
                    self.assertEqual(stored.revocation_finding_on, finding_on)
                    self.assertEqual(stored.revocation_due_on, due_on)
                    self.assertEqual(stored.is_revoked_late, due_on < TODAY)

    def test_a_revocation_on_the_due_day_is_in_time_and_the_audit_event_says_so(self):
        """Art. 8(4): "15 ngày kể từ ngày có kết luận": decided on the 15th day after the
        conclusion, the revocation is in time."""
        certificate = self.certificate()
        self.revoke(certificate, finding_on=TODAY - days(15), decided_on=TODAY)
        certificate.refresh_from_db()
        self.assertEqual(certificate.revocation_due_on, TODAY)
        self.assertFalse(certificate.is_revoked_late)
        changes = AuditEvent.objects.get(action="certificate.revoked").changes
        self.assertEqual(changes["revocation_finding_on"], [None, str(TODAY - days(15))])
        self.assertEqual(changes["revocation_due_on"], [None, str(TODAY)])
        self.assertEqual(changes["late"], [None, "no"])

    def test_a_late_revocation_is_recorded_as_late_and_still_revokes(self):
        """Art. 8(4): "Thời gian thu hồi giấy chứng nhận là 15 ngày kể từ ngày có kết luận ...":
        a revocation decided after the 15 days is recorded and reported as late, never
        refused: the certificate must still go."""
        certificate = self.certificate()
        member = producer_member(certificate.product.producer)
        with self.captureOnCommitCallbacks(execute=True):
            self.revoke(
                certificate,
                ground=RevocationGround.PRODUCTION_STOPPED,
                finding_on=day("2026-05-12"),
            )
        certificate.refresh_from_db()
        self.assertEqual(certificate.revoked_on, TODAY)
        self.assertFalse(certificate.is_current)
        self.assertEqual(certificate.status_on(TODAY), "revoked")
        # Tuesday 12 May + 15 days: Wednesday 27 May, five days ago.
        self.assertEqual(certificate.revocation_due_on, day("2026-05-27"))
        self.assertTrue(certificate.is_revoked_late)
        self.assertEqual(
            list(Certificate.objects.filter(revoked_on__gt=F("revocation_due_on"))),
            [certificate],
        )
        event = AuditEvent.objects.get(action="certificate.revoked")
        self.assertEqual(event.changes["late"], [None, "yes"])
        self.assertEqual(verify_chain(), [])
        # The producer is told what the revocation rests on: the commune's confirmation.
        self.assertEqual(mail.outbox[0].to, [member.email])
        with translation.override(settings.LANGUAGE_CODE):
            finding = date_format(day("2026-05-12"), "SHORT_DATE_FORMAT")
        self.assertIn(finding, mail.outbox[0].body)
        self.assertIn(certificate.number, mail.outbox[0].body)

    def test_a_finding_after_the_decision_in_the_future_or_before_issue_is_refused(self):
        """Art. 8(4): the 15 days run "kể từ ngày có kết luận" (or the commune's confirmation):
        that day is not after the revocation decision, not in the future and not before the
        certificate was issued; a refusal names the conclusion, or the commune's confirmation
        when production stopped, and changes nothing."""
        certificate = self.certificate()
        before = snapshot()
        cases = [
            ({"finding_on": None}, "no_finding_date"),
            ({"finding_on": TODAY + days(1), "decided_on": TODAY}, "future_finding"),
            (
                {"finding_on": TODAY - days(1), "decided_on": TODAY - days(2)},
                "finding_after_decision",
            ),
            ({"finding_on": ISSUED_ON - days(1)}, "finding_before_issue"),
        ]
        for kwargs, code in cases:
            for ground in (RevocationGround.LAW_BREACH, RevocationGround.PRODUCTION_STOPPED):
                with self.subTest(code=code, ground=ground), translation.override("en"):
                    with self.assertRaises(ValidationError) as caught:
                        self.revoke(certificate, ground=ground, **kwargs)
                    self.assertEqual(codes(caught.exception), {code})
                    message = caught.exception.message_dict["finding_on"][0]
                    word = "commune" if ground == RevocationGround.PRODUCTION_STOPPED else "author"
                    self.assertIn(word, message)
        self.assertEqual(snapshot(), before)


@time_machine.travel(NOW, tick=False)
class EscalationTests(Cast):
    def escalate(self, inspection, **kwargs):
        values = {
            "actor": self.officer,
            "ground": RevocationGround.CRITERIA_NOT_MET,
            "decision_number": "88/QĐ-UBND",
            "decided_on": TODAY,
        }
        values.update(kwargs)
        return escalate_to_revocation(inspection, **values)

    def test_the_escalation_records_the_inspections_finding_and_due_day(self):
        """Art. 8(4): "15 ngày kể từ ngày có kết luận của cơ quan có thẩm quyền": for an
        inspection, the conclusion is the visit that recommended revocation; the certificate
        records it, the due day and whether the revocation was late, as from its own page."""
        certificate = self.certificate()
        inspection = recorded_inspection(
            self.officer,
            certificate,
            outcome="revocation_recommended",
            visited_on=day("2026-05-22"),
        )
        escalation = self.escalate(inspection)
        certificate.refresh_from_db()
        self.assertEqual(certificate.revocation_finding_on, day("2026-05-22"))
        # Friday 22 May: the 15th day is Saturday 6 June, so Monday 8 June.
        self.assertEqual(certificate.revocation_due_on, day("2026-06-08"))
        self.assertEqual(escalation.due_on, certificate.revocation_due_on)
        self.assertFalse(certificate.is_revoked_late)
        self.assertFalse(escalation.is_late)

    def test_a_late_escalation_after_a_follow_up_is_recorded_as_late(self):
        """Art. 8(4): "Thời gian thu hồi giấy chứng nhận là 15 ngày ...": after corrections
        not made, the 15 days run from the follow-up; a later revocation is late, and
        recorded."""
        certificate = self.certificate()
        inspection = recorded_inspection(self.officer, certificate, visited_on=day("2026-04-01"))
        record_follow_up(
            inspection, actor=self.officer, checked_on=day("2026-05-11"), corrected=False
        )
        escalation = self.escalate(inspection)
        certificate.refresh_from_db()
        self.assertEqual(certificate.revocation_finding_on, day("2026-05-11"))
        self.assertEqual(certificate.revocation_due_on, day("2026-05-26"))
        self.assertTrue(certificate.is_revoked_late)
        self.assertTrue(escalation.is_late)
        self.assertEqual(certificate.revoked_on, TODAY)


class EnglishClient(Client):
    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@time_machine.travel(NOW, tick=False)
class RevokeFormTests(Cast):
    def post(self, certificate, client=None, **fields):
        client = client or self.client
        client.force_login(self.officer)
        data = {
            "ground": "law_breach",
            "decision_number": "45/QĐ-UBND",
            "decided_on": TODAY.isoformat(),
            "finding_on": (TODAY - days(3)).isoformat(),
            "note": "",
        }
        data.update(fields)
        return client.post(reverse("certificates:certificate_revoke", args=[certificate.pk]), data)

    def test_the_form_asks_for_the_day_of_the_conclusion(self):
        """Art. 8(4): the 15 days run "kể từ ngày có kết luận ... hoặc xác nhận của UBND cấp
        xã": the form asks for that day, with help that names both."""
        certificate = self.certificate()
        client = EnglishClient()
        client.force_login(self.officer)
        response = client.get(reverse("certificates:certificate_detail", args=[certificate.pk]))
        form = response.context["revoke_form"]
        self.assertIn("finding_on", form.fields)
        self.assertContains(response, 'name="finding_on"')
        self.assertContains(response, "commune People&#x27;s Committee&#x27;s confirmation")

    def test_bad_days_are_refused_in_vietnamese_and_change_nothing(self):
        """Art. 8(4): the day of the conclusion, or of the commune's confirmation, is not after
        the revocation decision nor in the future; each refusal says so in Vietnamese, in the
        words of the ground, and nothing changes."""
        certificate = self.certificate()
        before = snapshot()
        cases = [
            (
                {"finding_on": TODAY.isoformat(), "decided_on": (TODAY - days(1)).isoformat()},
                "The date of the authority's conclusion cannot be after the date of the "
                "revocation decision.",
            ),
            (
                {
                    "ground": "production_stopped",
                    "finding_on": TODAY.isoformat(),
                    "decided_on": (TODAY - days(1)).isoformat(),
                },
                "The date of the commune's confirmation cannot be after the date of the "
                "revocation decision.",
            ),
            (
                {"finding_on": (TODAY + days(2)).isoformat()},
                "The date of the authority's conclusion cannot be in the future.",
            ),
            (
                {"ground": "production_stopped", "finding_on": (TODAY + days(2)).isoformat()},
                "The date of the commune's confirmation cannot be in the future.",
            ),
            (
                {"finding_on": ""},
                "Enter the date of the competent authority's conclusion or, when production "
                "stopped, of the commune's confirmation.",
            ),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                response = self.post(certificate, **fields)
                self.assertEqual(response.status_code, 200)
                self.assertIn("finding_on", response.context["revoke_form"].errors)
                self.assertContains(response, escape(vi(message)))
        for value in ("2026-02-30", "hôm qua", "0001-01-01"):
            with self.subTest(value=value):
                response = self.post(certificate, finding_on=value)
                self.assertIn("finding_on", response.context["revoke_form"].errors)
        response = self.post(certificate, finding_on=(ISSUED_ON - days(1)).isoformat())
        self.assertIn("finding_on", response.context["revoke_form"].errors)
        self.assertEqual(snapshot(), before)

    def test_a_late_revocation_from_the_page_is_made_and_reported_late(self):
        """Art. 8(4): "15 ngày kể từ ngày có kết luận": a revocation after them is made, and
        the page says it was late, with the due day."""
        certificate = self.certificate()
        client = EnglishClient()
        response = self.post(certificate, client=client, finding_on="2026-05-12")
        self.assertRedirects(
            response,
            reverse("certificates:certificate_detail", args=[certificate.pk]),
            fetch_redirect_response=False,
        )
        certificate.refresh_from_db()
        self.assertEqual(certificate.revoked_on, TODAY)
        self.assertTrue(certificate.is_revoked_late)
        page = client.get(response["Location"])
        self.assertContains(page, "it is recorded as late")
        self.assertContains(page, "Date of the competent authority&#x27;s conclusion")
        with translation.override("en"):
            self.assertContains(page, date_format(day("2026-05-12"), "SHORT_DATE_FORMAT"))
        self.assertContains(page, "revoked late")

    def test_a_revocation_in_time_says_so_on_the_page(self):
        """Art. 8(4): the commune's confirmation that production stopped starts the 15 days;
        the page names it and says the revocation was in time."""
        certificate = self.certificate()
        client = EnglishClient()
        self.post(certificate, client=client, ground="production_stopped")
        page = client.get(reverse("certificates:certificate_detail", args=[certificate.pk]))
        self.assertContains(page, "Date of the commune&#x27;s confirmation that production stopped")
        self.assertContains(page, "revoked in time")
        self.assertNotContains(page, "revoked late")
