"""The inspection pages (/manage/inspections/): who reaches which page (another province's
office gets 404 and changes nothing), bad input (errors shown, nothing changed), the filters,
query counts that do not grow with the rows, and the whole path from planning to a
revocation that the public verification page shows."""

import datetime

import time_machine
from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import UserFactory, central_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import producer_member
from ocop.rubric.models import Criterion

from ..control.revocation import revoke_certificate
from ..models import Certificate, Inspection, InspectionFinding
from .factories import (
    NOW,
    TODAY,
    historical_certificate,
    planned_inspection,
    recorded_inspection,
    tea_product,
)


def days(n):
    return datetime.timedelta(days=n)


def url(name, *args):
    return reverse(f"inspections:{name}", args=args)


def state():
    return (
        list(
            Inspection.objects.order_by("pk").values_list(
                "pk", "status", "outcome", "follow_up_result", "resolution", "cancellation_reason"
            )
        ),
        InspectionFinding.objects.count(),
        list(Certificate.objects.order_by("pk").values_list("pk", "is_current", "revoked_on")),
        AuditEvent.objects.count(),
    )


class EnglishClient(Client):
    """Pages in English, so that assertions on text hold whatever the catalogue says."""

    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def finding_data(*rows, prefix="findings"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(max(len(rows), 1)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    if not rows:
        data.update({f"{prefix}-0-area": "criterion", f"{prefix}-0-severity": "minor"})
    return data


@time_machine.travel(NOW, tick=False)
class InspectionPagesTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other_officer = province_officer("12")
        cls.central = central_officer()
        cls.product = tea_product()
        cls.member = producer_member(cls.product.producer)
        cls.outsider = producer_member()
        cls.certificate = historical_certificate(
            cls.officer, cls.product, issued_on=TODAY - days(400)
        )
        cls.planned = planned_inspection(cls.officer, cls.certificate, planned_on=TODAY)
        cls.recorded = recorded_inspection(
            cls.officer, cls.certificate, visited_on=TODAY - days(40)
        )

    def login(self, user):
        self.client.force_login(user)

    # -- access -------------------------------------------------------------------------

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        for address in (
            url("inspection_list"),
            url("inspection_plan"),
            url("inspection_detail", self.planned.pk),
            url("inspection_record", self.planned.pk),
        ):
            with self.subTest(address=address):
                response = self.client.get(address)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("accounts:login"), response["Location"])

    def test_other_province_office_gets_404_everywhere_and_nothing_changes(self):
        self.login(self.other_officer)
        before = state()
        pages = [
            ("inspection_detail", self.planned.pk, {}),
            ("inspection_record", self.planned.pk, {"visited_on": TODAY, "outcome": "compliant"}),
            ("inspection_cancel", self.planned.pk, {"reason": "x"}),
            ("inspection_follow_up", self.recorded.pk, {"checked_on": TODAY, "corrected": "yes"}),
            (
                "inspection_escalate",
                self.recorded.pk,
                {"ground": "mark_misuse", "decision_number": "1", "decided_on": TODAY},
            ),
        ]
        for name, pk, data in pages:
            with self.subTest(name=name):
                self.assertEqual(self.client.get(url(name, pk)).status_code, 404)
                if data:
                    self.assertEqual(self.client.post(url(name, pk), data).status_code, 404)
        response = self.client.get(url("inspection_list"))
        self.assertEqual(list(response.context["page"]), [])
        self.assertEqual(state(), before)

    def test_producer_members_read_their_recorded_inspections_only(self):
        self.login(self.member)
        response = self.client.get(url("inspection_list"))
        self.assertEqual([row for row, _ in response.context["rows"]], [self.recorded])
        response = self.client.get(url("inspection_detail", self.recorded.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["may_act"])
        self.assertNotContains(response, url("inspection_follow_up", self.recorded.pk))
        self.assertContains(response, "Tem in sai mẫu")
        self.assertEqual(
            self.client.get(url("inspection_detail", self.planned.pk)).status_code, 404
        )
        before = state()
        for name, pk in (
            ("inspection_follow_up", self.recorded.pk),
            ("inspection_record", self.planned.pk),
            ("inspection_plan", None),
        ):
            address = url(name, pk) if pk else url(name)
            self.assertEqual(self.client.get(address).status_code, 404)
            self.assertEqual(self.client.post(address, {}).status_code, 404)
        self.assertEqual(state(), before)
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(url("inspection_detail", self.recorded.pk)).status_code, 404
        )

    def test_central_office_reads_a_3_star_inspection_but_cannot_act_on_it(self):
        self.login(self.central)
        response = self.client.get(url("inspection_detail", self.planned.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["may_act"])
        before = state()
        response = self.client.post(url("inspection_cancel", self.planned.pk), {"reason": "x"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(state(), before)

    def test_bad_ids_and_wrong_methods_do_not_fail(self):
        self.login(self.officer)
        for address in (
            url("inspection_detail", 10**25),
            url("inspection_record", 2**63),
            url("inspection_plan") + "?certificate=abc",
            url("inspection_plan") + "?certificate=99999999999999999999999",
            url("inspection_plan") + "?certificate=¹",
        ):
            with self.subTest(address=address):
                self.assertEqual(self.client.get(address).status_code, 404)
        self.assertEqual(
            self.client.put(url("inspection_detail", self.planned.pk)).status_code, 405
        )
        self.assertEqual(self.client.post(url("inspection_list")).status_code, 405)

    # -- list ---------------------------------------------------------------------------

    def listed(self, **params):
        response = self.client.get(url("inspection_list"), params)
        self.assertEqual(response.status_code, 200)
        return [inspection.pk for inspection, _ in response.context["rows"]]

    def test_the_list_filters_by_status_kind_and_overdue_corrections(self):
        ad_hoc = planned_inspection(self.officer, self.certificate, kind="ad_hoc", trigger="PA 3")
        self.login(self.officer)
        self.assertEqual(set(self.listed()), {self.planned.pk, self.recorded.pk, ad_hoc.pk})
        self.assertEqual(self.listed(status="recorded"), [self.recorded.pk])
        self.assertEqual(self.listed(kind="ad_hoc"), [ad_hoc.pk])
        self.assertEqual(self.listed(overdue="on"), [self.recorded.pk])
        # A bad filter value is ignored (and shown), never an error.
        self.assertEqual(len(self.listed(status="bogus", page="x")), 3)
        response = self.client.get(url("inspection_list"), {"overdue": "on"})
        self.assertContains(response, 'class="row-expired"')
        with time_machine.travel(NOW - days(20), tick=False):
            self.assertEqual(self.listed(overdue="on"), [])

    def test_the_list_answers_htmx_with_the_results_only(self):
        self.login(self.officer)
        response = self.client.get(url("inspection_list"), headers={"HX-Request": "true"})
        self.assertNotContains(response, "<html")
        self.assertContains(response, self.product.name)

    def assert_list_queries(self, count, user, expected):
        """``count`` more recorded inspections (awaiting their follow-up), then the list."""
        Inspection.objects.bulk_create(
            Inspection(
                certificate=self.certificate,
                kind="periodic",
                planned_on=TODAY - days(n + 1),
                team="Tổ",
                status="recorded",
                visited_on=TODAY - days(n + 1),
                recorded_at=NOW,
                outcome="corrective_action",
                corrective_deadline=TODAY + days(n),
            )
            for n in range(count)
        )
        self.login(user)
        # 1 session, 2 user, 3 the user's memberships (official scope), 4 count of the
        # filtered inspections, 5 the page of inspections with their certificate, product,
        # producer, province and decision (a member's producers are a subquery of 4 and 5).
        with self.assertNumQueries(expected):
            response = self.client.get(url("inspection_list"))
        shown = Inspection.objects.visible_to(user).count()
        self.assertGreaterEqual(shown, count)
        self.assertEqual(len(response.context["rows"]), min(shown, 25))

    def test_list_queries_with_5_rows(self):
        self.assert_list_queries(5, self.officer, 5)

    def test_list_queries_with_50_rows(self):
        self.assert_list_queries(50, self.officer, 5)

    def test_national_list_queries_with_5_rows(self):
        self.assert_list_queries(5, self.central, 5)

    def test_national_list_queries_with_50_rows(self):
        self.assert_list_queries(50, self.central, 5)

    def test_member_list_queries_with_5_rows(self):
        self.assert_list_queries(5, self.member, 5)

    def test_member_list_queries_with_50_rows(self):
        self.assert_list_queries(50, self.member, 5)

    # -- detail -------------------------------------------------------------------------

    def assert_detail_queries(self, findings):
        InspectionFinding.objects.bulk_create(
            InspectionFinding(
                inspection=self.recorded,
                position=10 + n,
                area="other",
                description=f"Phát hiện {n}",
                severity="minor",
            )
            for n in range(findings)
        )
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships (scope), 4 the inspection with its certificate,
        # product, producer, province and decision, 5 may the user act (editable_by),
        # 6 findings, 7 audit history.
        with self.assertNumQueries(7):
            response = self.client.get(url("inspection_detail", self.recorded.pk))
        self.assertEqual(len(response.context["findings"]), findings + 1)

    def test_detail_queries_with_5_findings(self):
        self.assert_detail_queries(5)

    def test_detail_queries_with_50_findings(self):
        self.assert_detail_queries(50)

    # -- planning -----------------------------------------------------------------------

    def plan_data(self, **fields):
        data = {
            "certificate": self.certificate.pk,
            "kind": "ad_hoc",
            "planned_on": (TODAY + days(7)).isoformat(),
            "trigger": "Phản ánh số 12",
            "team": "Lò Văn Thắng",
            "checks_criteria": "on",
            "checks_stamp_use": "on",
        }
        data.update(fields)
        return data

    def test_the_office_plans_an_inspection_from_a_certificate(self):
        self.login(self.officer)
        response = self.client.get(url("inspection_plan"), {"certificate": self.certificate.pk})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].initial["certificate"], self.certificate.pk)
        response = self.client.post(url("inspection_plan"), self.plan_data())
        inspection = Inspection.objects.latest("pk")
        self.assertRedirects(response, url("inspection_detail", inspection.pk))
        self.assertEqual(inspection.kind, "ad_hoc")
        self.assertEqual(inspection.trigger, "Phản ánh số 12")
        self.assertEqual(inspection.planned_on, TODAY + days(7))

    def test_a_trigger_in_the_address_makes_an_ad_hoc_inspection_citing_it(self):
        self.login(self.officer)
        response = self.client.get(
            url("inspection_plan"),
            {"certificate": self.certificate.pk, "trigger": "Phản ánh số 7" + "x" * 300},
        )
        initial = response.context["form"].initial
        self.assertEqual(initial["kind"], "ad_hoc")
        self.assertEqual(len(initial["trigger"]), 200)
        self.assertTrue(initial["trigger"].startswith("Phản ánh số 7"))

    def test_planning_with_bad_input_shows_errors_and_changes_nothing(self):
        self.login(self.officer)
        before = state()
        for fields in (
            {"team": ""},
            {"planned_on": "31/02/2026"},
            {"planned_on": (TODAY - days(500)).isoformat()},
            {"checks_criteria": "", "checks_stamp_use": ""},
            {"kind": "weekly"},
            {"certificate": "99999999999999999999"},
            {"trigger": "x" * 300},
        ):
            with self.subTest(fields=fields):
                response = self.client.post(url("inspection_plan"), self.plan_data(**fields))
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
                self.assertContains(response, 'class="form-error"')
        self.assertEqual(state(), before)

    def test_another_provinces_certificate_cannot_be_chosen(self):
        self.login(self.other_officer)
        before = state()
        self.assertEqual(
            self.client.get(
                url("inspection_plan"), {"certificate": self.certificate.pk}
            ).status_code,
            404,
        )
        response = self.client.post(url("inspection_plan"), self.plan_data())
        self.assertEqual(response.status_code, 200)
        self.assertIn("certificate", response.context["form"].errors)
        self.assertEqual(state(), before)

    # -- record, follow-up, revocation, cancel ------------------------------------------

    def test_recording_with_findings_from_the_form(self):
        criterion = Criterion.objects.get(
            sheet__version__code="26/2026", sheet__number=11, code="1.1"
        )
        self.login(self.officer)
        response = self.client.get(url("inspection_record", self.planned.pk))
        self.assertContains(response, f'value="{criterion.pk}"')
        data = {
            "visited_on": TODAY.isoformat(),
            "outcome": "corrective_action",
            "corrective_deadline": (TODAY + days(30)).isoformat(),
            "summary": "Nhãn thiếu",
            **finding_data(
                {
                    "area": "criterion",
                    "criterion": str(criterion.pk),
                    "description": "Không còn liên kết",
                    "severity": "major",
                },
                {"area": "stamp", "criterion": "", "description": "Tem sai", "severity": "minor"},
                {"area": "criterion", "criterion": "", "description": "", "severity": "minor"},
            ),
        }
        response = self.client.post(url("inspection_record", self.planned.pk), data)
        self.assertRedirects(response, url("inspection_detail", self.planned.pk))
        self.planned.refresh_from_db()
        self.assertEqual(self.planned.status, "recorded")
        self.assertEqual(
            list(self.planned.findings.values_list("criterion_code", "area")),
            [("1.1", "criterion"), ("", "stamp")],
        )

    def test_recording_with_bad_input_shows_errors_and_changes_nothing(self):
        self.login(self.officer)
        before = state()
        good = {
            "visited_on": TODAY.isoformat(),
            "outcome": "corrective_action",
            "corrective_deadline": (TODAY + days(30)).isoformat(),
            **finding_data({"area": "stamp", "description": "Tem sai", "severity": "minor"}),
        }
        for fields in (
            {"corrective_deadline": ""},
            {"visited_on": (TODAY + days(1)).isoformat()},
            {"visited_on": "hôm qua"},
            {"outcome": ""},
            {"findings-0-description": ""},
            {"findings-0-area": "criterion", "findings-0-criterion": "999999999999"},
            {"findings-0-area": "criterion", "findings-0-criterion": ""},
            {"findings-TOTAL_FORMS": "5000"},
            {"findings-TOTAL_FORMS": "x"},
        ):
            data = {**good, **fields}
            with self.subTest(fields=fields):
                response = self.client.post(url("inspection_record", self.planned.pk), data)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(state(), before)

    def test_follow_up_and_escalation_revoke_the_certificate_on_the_public_page(self):
        self.login(self.officer)
        response = self.client.post(
            url("inspection_follow_up", self.recorded.pk),
            {"checked_on": TODAY.isoformat(), "corrected": "no", "note": "Chưa sửa"},
        )
        self.assertRedirects(response, url("inspection_detail", self.recorded.pk))
        response = self.client.get(url("inspection_escalate", self.recorded.pk))
        self.assertContains(response, "15 days")
        self.assertFalse(response.context["revocation_late"])
        response = self.client.post(
            url("inspection_escalate", self.recorded.pk),
            {
                "ground": "criteria_not_met",
                "decision_number": "321/QĐ-UBND",
                "decided_on": TODAY.isoformat(),
            },
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The certificate was revoked.")
        self.assertNotContains(response, "it is late")
        self.certificate.refresh_from_db()
        self.assertEqual(self.certificate.revoked_on, TODAY)
        self.recorded.refresh_from_db()
        self.assertEqual(self.recorded.resolution, "revoked")
        public = self.client.get(
            reverse("verify:certificate_verify", args=[self.certificate.public_code])
        )
        html = public.content.decode()
        status = html.split('id="certificate-status">', 1)[1].split("</p>")[0]
        self.assertIn("Revoked on", status)
        self.assertIn("321/QĐ-UBND", status)
        # The same page in Vietnamese, the site's language.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        public = self.client.get(
            reverse("verify:certificate_verify", args=[self.certificate.public_code])
        )
        self.assertContains(public, "Đã bị thu hồi")

    def test_a_late_revocation_is_warned_about_not_refused(self):
        self.login(self.officer)
        self.client.post(
            url("inspection_follow_up", self.recorded.pk),
            {"checked_on": (TODAY - days(20)).isoformat(), "corrected": "no"},
        )
        response = self.client.get(url("inspection_escalate", self.recorded.pk))
        self.assertTrue(response.context["revocation_late"])
        response = self.client.post(
            url("inspection_escalate", self.recorded.pk),
            {
                "ground": "criteria_not_met",
                "decision_number": "322/QĐ-UBND",
                "decided_on": TODAY.isoformat(),
            },
            follow=True,
        )
        self.assertContains(response, "it is late")
        self.certificate.refresh_from_db()
        self.assertEqual(self.certificate.revoked_on, TODAY)

    def test_an_inspection_whose_certificate_was_revoked_meanwhile_is_closed_on_confirmation(
        self,
    ):
        self.login(self.officer)
        self.client.post(
            url("inspection_follow_up", self.recorded.pk),
            {"checked_on": TODAY.isoformat(), "corrected": "no"},
        )
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground="production_stopped",
            decision_number="70/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        response = self.client.get(url("inspection_escalate", self.recorded.pk))
        self.assertTrue(response.context["already_revoked"])
        self.assertContains(response, "70/QĐ-UBND")
        response = self.client.post(url("inspection_escalate", self.recorded.pk), {})
        self.assertRedirects(response, url("inspection_detail", self.recorded.pk))
        self.recorded.refresh_from_db()
        self.assertEqual(self.recorded.resolution, "revoked")

    def test_escalation_with_bad_input_shows_errors_and_changes_nothing(self):
        self.login(self.officer)
        self.client.post(
            url("inspection_follow_up", self.recorded.pk),
            {"checked_on": TODAY.isoformat(), "corrected": "no"},
        )
        before = state()
        good = {"ground": "criteria_not_met", "decision_number": "1/QĐ", "decided_on": TODAY}
        for fields in (
            {"ground": "nope"},
            {"decision_number": ""},
            {"decision_number": "x" * 60},
            {"decided_on": (TODAY + days(3)).isoformat()},
            {"decided_on": (TODAY - days(1)).isoformat()},
            {"decided_on": "99999-01-01"},
        ):
            with self.subTest(fields=fields):
                response = self.client.post(
                    url("inspection_escalate", self.recorded.pk), {**good, **fields}
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
        self.assertEqual(state(), before)

    def test_steps_out_of_order_redirect_with_a_message_and_change_nothing(self):
        self.login(self.officer)
        before = state()
        for name, pk in (
            ("inspection_escalate", self.recorded.pk),
            ("inspection_record", self.recorded.pk),
            ("inspection_cancel", self.recorded.pk),
            ("inspection_follow_up", self.planned.pk),
        ):
            with self.subTest(name=name):
                response = self.client.post(url(name, pk), {"reason": "x"})
                self.assertRedirects(response, url("inspection_detail", pk))
        self.assertEqual(state(), before)

    def test_follow_up_with_bad_input_changes_nothing(self):
        self.login(self.officer)
        before = state()
        for data in (
            {"checked_on": TODAY.isoformat()},
            {"checked_on": TODAY.isoformat(), "corrected": "maybe"},
            {"checked_on": (TODAY + days(1)).isoformat(), "corrected": "yes"},
            {"checked_on": (TODAY - days(41)).isoformat(), "corrected": "yes"},
        ):
            with self.subTest(data=data):
                response = self.client.post(url("inspection_follow_up", self.recorded.pk), data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
        self.assertEqual(state(), before)

    def test_cancelling_needs_a_reason(self):
        self.login(self.officer)
        before = state()
        response = self.client.post(url("inspection_cancel", self.planned.pk), {"reason": ""})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(state(), before)
        response = self.client.post(url("inspection_cancel", self.planned.pk), {"reason": "Lũ"})
        self.assertRedirects(response, url("inspection_detail", self.planned.pk))
        self.planned.refresh_from_db()
        self.assertEqual(self.planned.status, "cancelled")

    def test_the_pages_render_for_the_office(self):
        self.login(self.officer)
        for name, pk in (
            ("inspection_record", self.planned.pk),
            ("inspection_cancel", self.planned.pk),
            ("inspection_follow_up", self.recorded.pk),
            ("inspection_detail", self.recorded.pk),
            ("inspection_plan", None),
        ):
            with self.subTest(name=name):
                address = url(name, pk) if pk else url(name)
                response = self.client.get(address)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "style=")
        self.assertEqual(timezone.localdate(), TODAY)


class InspectionPlanWithoutCertificatesTests(TestCase):
    def test_an_office_without_certificates_is_told_so(self):
        self.client.force_login(province_officer("12"))
        response = self.client.get(url("inspection_plan"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["form"].fields["certificate"].queryset.exists())

    def test_a_user_without_office_gets_404(self):
        self.client.force_login(UserFactory())
        self.assertEqual(self.client.get(url("inspection_plan")).status_code, 404)
