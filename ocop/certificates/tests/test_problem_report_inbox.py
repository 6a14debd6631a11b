"""Problem reports reach the province: the e-mail to the OCOP office when a report is stored,
the officials' inbox (list, detail, mark as handled, reopen), its scope and its bad input.

The cast: the Điện Biên office (two officers, one of them inactive), the Lai Châu office, the
central office, a commune officer, a producer member and an anonymous visitor; a certificate
of a Điện Biên tea and one of a Lai Châu product."""

import datetime

import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from ocop.accounts.tests.factories import (
    UserFactory,
    central_officer,
    commune_officer,
    province_officer,
)
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member
from ocop.regions.tests.factories import province

from ..control.problem_reports import (
    CONTACT_LEFT,
    NO_CONTACT_LEFT,
    handle_problem_report,
    reopen_problem_report,
    report_problem,
)
from ..models import ProblemReport
from ..recognition import services
from .factories import NOW, TODAY, historical_certificate, tea_product

MESSAGE = "Bán ở chợ Mường Thanh với tem đã hết hạn."
REPORTER = "Lò Văn Báo"
CONTACT = "0987 654 321"
HUGE_ID = "9" * 30


def vi(text) -> str:
    """``text`` (a msgid or a lazy translation) as the Vietnamese UI shows it."""
    with translation.override("vi"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def list_url():
    return reverse("problem_reports:problem_report_list")


def detail_url(report_or_pk):
    return reverse(
        "problem_reports:problem_report_detail", args=[getattr(report_or_pk, "pk", report_or_pk)]
    )


def handle_url(report_or_pk):
    pk = getattr(report_or_pk, "pk", report_or_pk)
    return reverse("problem_reports:problem_report_handle", args=[pk])


def reopen_url(report_or_pk):
    pk = getattr(report_or_pk, "pk", report_or_pk)
    return reverse("problem_reports:problem_report_reopen", args=[pk])


def raw_url(name, pk_text):
    """The address of ``name`` with a literal id (too large for any database)."""
    return reverse(name, args=[1]).replace("/1/", f"/{pk_text}/")


def snapshot():
    """Everything the inbox could change: the reports and the audit log."""
    return (
        list(ProblemReport.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def lai_chau_certificate(actor):
    """A certificate of a Lai Châu product, decided by the Lai Châu office."""
    decision = services.record_historical_decision(
        province("12"),
        actor=actor,
        number="77/QĐ-UBND",
        decided_on=TODAY,
        signer_name="Nguyễn Văn B",
        certificates=[
            services.HistoricalCertificate(product=tea_product("03388"), star=3, number="LC-1")
        ],
    )
    return decision.certificates.get()


class Cast:
    """The fixed cast shared by the test classes."""

    @classmethod
    def make_cast(cls):
        cls.officer = province_officer("11", email="ocop.dienbien@example.vn")
        cls.second_officer = province_officer("11", email="ocop.dienbien2@example.vn")
        cls.inactive_officer = province_officer("11", email="old@example.vn", is_active=False)
        cls.lai_chau_officer = province_officer("12", email="ocop.laichau@example.vn")
        cls.central = central_officer(email="vpdp.ocop@example.vn")
        cls.commune = commune_officer("03256", email="xa@example.vn")
        cls.certificate = historical_certificate(
            cls.officer, tea_product(), issued_on=TODAY, number="GCN-DB-1"
        )
        cls.member = producer_member(cls.certificate.product.producer)
        cls.lai_chau = lai_chau_certificate(cls.lai_chau_officer)


# --------------------------------------------------------------------------------------
# The e-mail to the office
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class ReportEmailTests(Cast, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_cast()

    def setUp(self):
        cache.clear()

    def post(self, code, **changes):
        data = {
            "kind": ProblemReport.Kind.NOT_VALID_ON_SALE,
            "message": MESSAGE,
            "name": "",
            "contact": "",
            "website": "",
        }
        data.update(changes)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("verify:problem_report", args=[code]), data)

    def test_report_about_a_certificate_is_mailed_to_the_active_officers_of_its_province(self):
        response = self.post(self.certificate.public_code)
        self.assertEqual(response.status_code, 302)
        report = ProblemReport.objects.get()
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(
            sorted(email.to), ["ocop.dienbien2@example.vn", "ocop.dienbien@example.vn"]
        )
        self.assertIn("GCN-DB-1", email.subject)
        self.assertIn(settings.SITE_URL + detail_url(report), email.body)
        self.assertIn(self.certificate.product.name, email.body)
        self.assertIn(vi(NO_CONTACT_LEFT), email.body)

    def test_email_says_contact_details_were_left_but_does_not_carry_them(self):
        self.post(self.certificate.public_code, name=REPORTER, contact=CONTACT)
        email = mail.outbox[0]
        self.assertIn(vi(CONTACT_LEFT), email.body)
        for private in (REPORTER, CONTACT, MESSAGE):
            self.assertNotIn(private, email.body)
            self.assertNotIn(private, email.subject)

    def test_report_about_an_unknown_code_is_mailed_to_the_central_office(self):
        self.post("GiaMao123", kind=ProblemReport.Kind.FAKE_STAMP)
        report = ProblemReport.objects.get()
        self.assertEqual([email.to for email in mail.outbox], [["vpdp.ocop@example.vn"]])
        self.assertIn("GiaMao123", mail.outbox[0].body)
        self.assertIn(settings.SITE_URL + detail_url(report), mail.outbox[0].body)

    def test_control_characters_of_a_typed_code_are_kept_out_of_the_email(self):
        self.post("Gia\nMao\x1b1", kind=ProblemReport.Kind.FAKE_STAMP)
        self.assertEqual(ProblemReport.objects.get().code, "Gia\nMao\x1b1")
        body = mail.outbox[0].body
        self.assertIn("GiaMao1", body)
        self.assertNotIn("Gia\nMao", body)
        self.assertNotIn("\x1b", body)

    def test_province_without_an_office_account_falls_back_to_the_central_office(self):
        self.lai_chau_officer.is_active = False
        self.lai_chau_officer.save(update_fields=["is_active"])
        self.post(self.lai_chau.public_code)
        self.assertEqual([email.to for email in mail.outbox], [["vpdp.ocop@example.vn"]])

    def test_email_is_queued_only_when_the_report_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            report_problem(
                code=self.certificate.public_code,
                kind=ProblemReport.Kind.QUALITY,
                message=MESSAGE,
            )
        self.assertEqual(mail.outbox, [])  # nothing before the commit
        self.assertEqual(len(callbacks), 1)
        callbacks[0]()
        self.assertEqual(len(mail.outbox), 1)

    def test_robot_filling_the_honeypot_gets_no_email_sent_and_nothing_stored(self):
        response = self.post(self.certificate.public_code, website="http://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ProblemReport.objects.exists())
        self.assertEqual(mail.outbox, [])

    @override_settings(OCOP_PROBLEM_REPORTS_PER_HOUR=1)
    def test_report_over_the_hourly_cap_sends_nothing_more(self):
        self.assertEqual(self.post(self.certificate.public_code).status_code, 302)
        self.assertEqual(self.post(self.certificate.public_code).status_code, 429)
        self.assertEqual(ProblemReport.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_invalid_report_sends_nothing(self):
        response = self.post(self.certificate.public_code, message="   ")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProblemReport.objects.exists())
        self.assertEqual(mail.outbox, [])


# --------------------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class HandleServiceTests(Cast, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_cast()
        cls.report = report_problem(
            code=cls.certificate.public_code,
            kind=ProblemReport.Kind.NOT_VALID_ON_SALE,
            message=MESSAGE,
        )

    def test_handling_records_who_when_and_what_and_writes_an_audit_event(self):
        handle_problem_report(self.report, actor=self.officer, note="  Đã kiểm tra tại chợ.  ")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.HANDLED)
        self.assertEqual(self.report.handled_at, NOW)
        self.assertEqual(self.report.handled_by, self.officer)
        self.assertEqual(self.report.response_note, "Đã kiểm tra tại chợ.")
        event = AuditEvent.objects.get(object_type="certificates.problemreport")
        self.assertEqual(event.object_id, str(self.report.pk))
        self.assertEqual(event.actor, self.officer)
        self.assertEqual((event.old_status, event.new_status), ("new", "handled"))
        self.assertEqual(event.comment, "Đã kiểm tra tại chợ.")

    def test_central_office_may_handle_a_provincial_report(self):
        handle_problem_report(self.report, actor=self.central, note="Đã chuyển tỉnh.")
        self.report.refresh_from_db()
        self.assertEqual(self.report.handled_by, self.central)

    def test_empty_note_is_refused_and_nothing_changes(self):
        before = snapshot()
        for note in ("", "   ", None):
            with self.assertRaises(ValidationError) as caught:
                handle_problem_report(self.report, actor=self.officer, note=note)
            self.assertIn("note", caught.exception.message_dict)
        self.assertEqual(snapshot(), before)

    def test_already_handled_report_is_refused_with_a_message_and_nothing_changes(self):
        handle_problem_report(self.report, actor=self.officer, note="Lần đầu.")
        before = snapshot()
        with translation.override("vi"), self.assertRaises(ValidationError) as caught:
            handle_problem_report(self.report, actor=self.second_officer, note="Lần hai.")
        self.assertEqual(
            caught.exception.messages, [vi("This report was already marked as handled.")]
        )
        self.assertEqual(snapshot(), before)

    def test_stale_copy_of_a_handled_report_is_refused_under_the_lock(self):
        stale = ProblemReport.objects.get(pk=self.report.pk)
        handle_problem_report(self.report, actor=self.officer, note="Lần đầu.")
        before = snapshot()
        with self.assertRaises(ValidationError):
            handle_problem_report(stale, actor=self.second_officer, note="Lần hai.")
        self.assertEqual(snapshot(), before)

    def test_other_province_and_non_officials_may_not_handle_and_nothing_changes(self):
        before = snapshot()
        for user in (self.lai_chau_officer, self.member, self.commune, UserFactory()):
            with self.assertRaises(PermissionDenied):
                handle_problem_report(self.report, actor=user, note="Không phải việc của tôi.")
        self.assertEqual(snapshot(), before)

    def test_reopening_puts_the_report_back_and_the_audit_log_keeps_the_note(self):
        handle_problem_report(self.report, actor=self.officer, note="Đã xử lý.")
        reopen_problem_report(self.report, actor=self.second_officer)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.NEW)
        self.assertIsNone(self.report.handled_at)
        self.assertIsNone(self.report.handled_by)
        self.assertEqual(self.report.response_note, "")
        event = AuditEvent.objects.order_by("-id").first()
        self.assertEqual((event.old_status, event.new_status), ("handled", "new"))
        self.assertEqual(event.changes["response_note"], ["Đã xử lý.", ""])

    def test_reopening_a_new_report_is_refused_and_nothing_changes(self):
        before = snapshot()
        with self.assertRaises(ValidationError):
            reopen_problem_report(self.report, actor=self.officer)
        self.assertEqual(snapshot(), before)


# --------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------


def make_report(certificate=None, *, code="", at=NOW, **fields):
    """A stored report, received at ``at`` (no e-mail: the callbacks never run here)."""
    with time_machine.travel(at, tick=False):
        report = ProblemReport.objects.create(
            certificate=certificate,
            code=certificate.public_code if certificate else code,
            province_id=certificate.product.producer.province_id if certificate else None,
            kind=fields.pop("kind", ProblemReport.Kind.NOT_VALID_ON_SALE),
            message=fields.pop("message", MESSAGE),
            **fields,
        )
    return report


@time_machine.travel(NOW, tick=False)
class InboxListTests(Cast, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_cast()
        hour = datetime.timedelta(hours=1)
        cls.older = make_report(cls.certificate, at=NOW - 3 * hour, reporter_name=REPORTER)
        cls.quality = make_report(
            cls.certificate, at=NOW - 2 * hour, kind=ProblemReport.Kind.QUALITY
        )
        cls.handled = make_report(cls.certificate, at=NOW - hour)
        handle_problem_report(cls.handled, actor=cls.officer, note="Đã xử lý.")
        cls.unknown = make_report(
            code="GiaMao123", at=NOW - hour / 2, kind=ProblemReport.Kind.FAKE_STAMP
        )
        cls.lai_chau_report = make_report(cls.lai_chau, at=NOW)

    def shown(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(list_url(), params)
        self.assertEqual(response.status_code, 200)
        return [report.pk for report in response.context["reports"]]

    def test_province_office_sees_its_province_reports_newest_first(self):
        self.assertEqual(
            self.shown(self.officer), [self.handled.pk, self.quality.pk, self.older.pk]
        )

    def test_central_office_sees_every_report_including_unknown_codes(self):
        self.assertEqual(
            self.shown(self.central),
            [
                self.lai_chau_report.pk,
                self.unknown.pk,
                self.handled.pk,
                self.quality.pk,
                self.older.pk,
            ],
        )

    def test_other_province_sees_only_its_own(self):
        self.assertEqual(self.shown(self.lai_chau_officer), [self.lai_chau_report.pk])

    def test_filters_by_status_and_kind(self):
        self.assertEqual(self.shown(self.officer, status="new"), [self.quality.pk, self.older.pk])
        self.assertEqual(self.shown(self.officer, status="handled"), [self.handled.pk])
        self.assertEqual(self.shown(self.officer, kind="quality"), [self.quality.pk])
        self.assertEqual(self.shown(self.central, kind="fake_stamp"), [self.unknown.pk])

    def test_malformed_filters_are_ignored_with_an_error(self):
        self.client.force_login(self.officer)
        response = self.client.get(
            list_url(), {"status": "<script>", "kind": "x" * 5000, "page": "¹"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["reports"]), 3)
        self.assertTrue(response.context["filters"].errors)
        self.assertNotContains(response, "<script>")

    def test_rows_show_product_and_certificate_or_the_unknown_code(self):
        self.client.force_login(self.central)
        response = self.client.get(list_url())
        self.assertContains(response, self.certificate.product.name)
        self.assertContains(response, "GCN-DB-1")
        self.assertContains(response, "GiaMao123")
        self.assertContains(response, detail_url(self.unknown))
        self.assertNotContains(response, REPORTER)  # personal data only on the detail page

    def test_list_is_paginated(self):
        for index in range(30):
            make_report(self.certificate, at=NOW - datetime.timedelta(days=1, minutes=index))
        self.assertEqual(len(self.shown(self.officer)), 25)
        self.assertEqual(len(self.shown(self.officer, page="2")), 8)
        self.assertEqual(len(self.shown(self.officer, page=HUGE_ID)), 8)  # the last page

    def test_htmx_request_gets_the_results_only(self):
        self.client.force_login(self.officer)
        response = self.client.get(list_url(), headers={"HX-Request": "true"})
        self.assertNotContains(response, "<form")
        self.assertContains(response, "GCN-DB-1")

    def test_producer_commune_officer_and_user_without_role_get_404(self):
        for user in (self.member, self.commune, UserFactory()):
            self.client.force_login(user)
            self.assertEqual(self.client.get(list_url()).status_code, 404)

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(list_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_post_is_not_allowed(self):
        self.client.force_login(self.officer)
        self.assertEqual(self.client.post(list_url()).status_code, 405)


@time_machine.travel(NOW, tick=False)
class InboxDetailTests(Cast, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_cast()
        cls.report = make_report(cls.certificate, reporter_name=REPORTER, reporter_contact=CONTACT)
        cls.sibling = make_report(
            cls.certificate,
            at=NOW - datetime.timedelta(days=2),
            kind=ProblemReport.Kind.QUALITY,
            message="Chè bị mốc.",
        )
        cls.lai_chau_report = make_report(cls.lai_chau)
        cls.unknown = make_report(code="GiaMao123")
        cls.unknown_again = make_report(code="GiaMao123", at=NOW - datetime.timedelta(days=1))
        cls.other_unknown = make_report(code="Khac456")

    def get(self, user, report):
        self.client.force_login(user)
        return self.client.get(detail_url(report))

    def test_office_sees_message_sender_certificate_and_other_reports(self):
        response = self.get(self.officer, self.report)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Bán ở chợ Mường Thanh")
        self.assertContains(response, REPORTER)
        self.assertContains(response, CONTACT)
        self.assertContains(response, "GCN-DB-1")
        self.assertContains(
            response, reverse("verify:certificate_verify", args=[self.certificate.public_code])
        )
        self.assertEqual(list(response.context["others"]), [self.sibling])
        self.assertEqual(response.context["others_count"], 1)
        self.assertContains(response, detail_url(self.sibling))
        self.assertNotContains(response, detail_url(self.lai_chau_report))

    def test_the_province_may_plan_an_inspection_from_the_report_the_central_office_not(self):
        plan = reverse("inspections:inspection_plan")
        response = self.get(self.officer, self.report)
        self.assertTrue(response.context["may_inspect"])
        self.assertContains(response, f"{plan}?certificate={self.certificate.pk}&amp;trigger=")
        follow = self.client.get(
            plan, {"certificate": self.certificate.pk, "trigger": f"#{self.report.pk}"}
        )
        self.assertEqual(follow.status_code, 200)
        response = self.get(self.central, self.report)  # 3 stars: the province inspects
        self.assertFalse(response.context["may_inspect"])
        self.assertNotContains(response, plan)

    def test_unknown_code_lists_the_other_reports_about_the_same_code(self):
        response = self.get(self.central, self.unknown)
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["certificate"])
        self.assertEqual(list(response.context["others"]), [self.unknown_again])

    def test_handled_report_shows_the_note_and_the_history(self):
        handle_problem_report(self.report, actor=self.officer, note="Đã làm việc với chợ.")
        response = self.get(self.central, self.report)
        self.assertContains(response, "Đã làm việc với chợ.")
        self.assertEqual(len(response.context["history"]), 1)
        self.assertContains(response, reopen_url(self.report))
        self.assertNotContains(response, handle_url(self.report))

    def test_other_province_producer_and_commune_get_404(self):
        for user in (self.lai_chau_officer, self.member, self.commune, UserFactory()):
            self.assertEqual(self.get(user, self.report).status_code, 404, user)
        self.assertEqual(self.get(self.officer, self.unknown).status_code, 404)

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(detail_url(self.report))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_unknown_and_huge_ids_get_404(self):
        self.client.force_login(self.central)
        self.assertEqual(self.client.get(detail_url(10**9)).status_code, 404)
        huge = raw_url("problem_reports:problem_report_detail", HUGE_ID)
        self.assertEqual(self.client.get(huge).status_code, 404)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.officer)
        self.assertEqual(self.client.post(detail_url(self.report)).status_code, 405)


@time_machine.travel(NOW, tick=False)
class InboxHandleTests(Cast, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_cast()
        cls.report = make_report(cls.certificate)

    def post(self, user, url, **data):
        if user is not None:
            self.client.force_login(user)
        return self.client.post(url, data)

    def test_office_marks_the_report_handled_with_a_note(self):
        response = self.post(self.officer, handle_url(self.report), note="Đã thu hồi tem giả.")
        self.assertRedirects(response, detail_url(self.report), fetch_redirect_response=False)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.HANDLED)
        self.assertEqual(self.report.response_note, "Đã thu hồi tem giả.")
        self.assertEqual(self.report.handled_by, self.officer)
        page = self.client.get(detail_url(self.report))
        self.assertContains(page, vi("The report was marked as handled."))

    def test_empty_note_re_renders_with_the_error_and_nothing_changes(self):
        before = snapshot()
        for note in ("", "   "):
            response = self.post(self.officer, handle_url(self.report), note=note)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, vi("Write what was checked and what was done."))
        response = self.post(self.officer, handle_url(self.report))  # no field at all
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_too_long_note_is_refused_and_nothing_changes(self):
        before = snapshot()
        response = self.post(self.officer, handle_url(self.report), note="x" * 2001)
        self.assertEqual(response.status_code, 200)
        self.assertIn("note", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_already_handled_report_is_refused_with_a_message_and_nothing_changes(self):
        handle_problem_report(self.report, actor=self.second_officer, note="Lần đầu.")
        before = snapshot()
        response = self.post(self.officer, handle_url(self.report), note="Lần hai.")
        self.assertRedirects(response, detail_url(self.report), fetch_redirect_response=False)
        page = self.client.get(detail_url(self.report))
        self.assertContains(page, vi("This report was already marked as handled."))
        self.assertEqual(snapshot(), before)

    def test_other_province_producer_and_commune_get_404_and_nothing_changes(self):
        before = snapshot()
        for user in (self.lai_chau_officer, self.member, self.commune, UserFactory()):
            response = self.post(user, handle_url(self.report), note="Không.")
            self.assertEqual(response.status_code, 404)
            response = self.post(user, reopen_url(self.report))
            self.assertEqual(response.status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_anonymous_user_is_sent_to_login_and_nothing_changes(self):
        before = snapshot()
        response = self.post(None, handle_url(self.report), note="Không.")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertEqual(snapshot(), before)

    def test_get_on_handle_and_reopen_is_not_allowed(self):
        self.client.force_login(self.officer)
        before = snapshot()
        self.assertEqual(self.client.get(handle_url(self.report)).status_code, 405)
        self.assertEqual(self.client.get(reopen_url(self.report)).status_code, 405)
        self.assertEqual(snapshot(), before)

    def test_unknown_and_huge_ids_get_404_and_nothing_changes(self):
        before = snapshot()
        self.assertEqual(self.post(self.central, handle_url(10**9), note="x").status_code, 404)
        for name in ("problem_report_handle", "problem_report_reopen"):
            url = raw_url(f"problem_reports:{name}", HUGE_ID)
            self.assertEqual(self.post(self.central, url, note="x").status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_reopen_puts_a_handled_report_back_among_the_new(self):
        handle_problem_report(self.report, actor=self.officer, note="Đã xử lý.")
        response = self.post(self.central, reopen_url(self.report))
        self.assertRedirects(response, detail_url(self.report))
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.NEW)

    def test_reopen_of_a_new_report_says_so_and_nothing_changes(self):
        before = snapshot()
        response = self.post(self.officer, reopen_url(self.report))
        self.assertRedirects(response, detail_url(self.report), fetch_redirect_response=False)
        page = self.client.get(detail_url(self.report))
        self.assertContains(page, vi("This report is not marked as handled."))
        self.assertEqual(snapshot(), before)


# --------------------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class InboxQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.central = central_officer()
        cls.certificates = [
            historical_certificate(cls.officer, tea_product(), issued_on=TODAY) for _ in range(3)
        ]

    def make_reports(self, count):
        """``count`` reports, about several certificates and about unknown codes."""
        reports = []
        for index in range(count):
            certificate = self.certificates[index % 4] if index % 4 < 3 else None
            reports.append(
                make_report(
                    certificate,
                    code=f"GiaMao{index}",
                    at=NOW - datetime.timedelta(minutes=index),
                )
            )
        return reports

    def assert_list_queries(self, user, count, expected_rows):
        self.make_reports(count)
        self.client.force_login(user)
        # 1 session, 2 user, 3 the user's memberships (official scope), 4 count of the
        # reports, 5 the page of reports with certificate, product and province
        with self.assertNumQueries(5):
            response = self.client.get(list_url(), {"status": "new", "kind": ""})
        self.assertEqual(len(response.context["reports"]), expected_rows)

    def test_province_list_with_5_reports(self):
        self.assert_list_queries(self.officer, 5, 4)  # one of the 5 is an unknown code

    def test_province_list_with_50_reports(self):
        self.assert_list_queries(self.officer, 50, 25)

    def test_central_list_with_5_reports(self):
        self.assert_list_queries(self.central, 5, 5)

    def test_central_list_with_50_reports(self):
        self.assert_list_queries(self.central, 50, 25)

    def assert_detail_queries(self, count):
        certificate = self.certificates[0]
        reports = [
            make_report(certificate, at=NOW - datetime.timedelta(minutes=i)) for i in range(count)
        ]
        for report in reports[1:]:
            handle_problem_report(report, actor=self.officer, note="Đã xử lý.")
        reopen_problem_report(reports[1], actor=self.officer)
        handle_problem_report(reports[1], actor=self.officer, note="Lần hai.")
        self.client.force_login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the report with certificate, product,
        # producer, commune, province and the official who handled it, 5 whether a re-rating
        # of the certificate is pending (its status), 6 count of the other reports about the
        # certificate, 7 the newest of them, 8 the report's audit history with the actors
        with self.assertNumQueries(8):
            response = self.client.get(detail_url(reports[1]))
        self.assertEqual(response.context["others_count"], count - 1)
        self.assertEqual(len(response.context["others"]), min(count - 1, 20))
        self.assertEqual(len(response.context["history"]), 3)

    def test_detail_with_5_reports_about_the_certificate(self):
        self.assert_detail_queries(5)

    def test_detail_with_50_reports_about_the_certificate(self):
        self.assert_detail_queries(50)
