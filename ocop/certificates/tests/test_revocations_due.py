"""Revocations due (Decision 26/2026/QĐ-TTg, art. 8(4): "Thời gian thu hồi giấy chứng nhận là
15 ngày kể từ ngày có kết luận của cơ quan có thẩm quyền về hành vi vi phạm của chủ thể hoặc xác
nhận của UBND cấp xã về chủ thể OCOP không còn sản xuất sản phẩm OCOP."): the office records a
conclusion, or the commune's confirmation, against a certificate not yet revoked, or an
inspection's finding opens one; each is listed with its due day, flagged once overdue, until
the certificate is revoked (or it is withdrawn). Only the office that may revoke the
certificate sees and acts.

The cast: the Điện Biên office (``officer``), the Lai Châu office (``lai_chau``), the central
office (``central``), a member of a Điện Biên producer (``member``); Điện Biên has a 3★
certificate (``certificate``) and a 5★ one (``five``), Lai Châu a 3★ one (``other``). Today is
Monday 1 June 2026."""

import datetime

import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, TestCase
from django.urls import reverse

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..control.inspections import escalate_to_revocation, record_follow_up
from ..control.revocation import (
    record_revocation_case,
    revoke_certificate,
    withdraw_revocation_case,
)
from ..models import Certificate, RevocationCase, RevocationGround
from ..recognition import services
from .factories import NOW, TODAY, historical_certificate, recorded_inspection, tea_product

ISSUED_ON = datetime.date(2025, 6, 2)


def day(text):
    return datetime.date.fromisoformat(text)


def days(n):
    return datetime.timedelta(days=n)


def state():
    """Everything recording, withdrawing or closing a revocation due may change."""
    return (
        list(RevocationCase.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values_list("pk", "is_current", "revoked_on")),
        AuditEvent.objects.count(),
    )


def codes(error):
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


class EnglishClient(Client):
    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


class Cast(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau = province_officer("12")
        cls.central = central_officer()
        cls.certificate = historical_certificate(cls.officer, tea_product(), issued_on=ISSUED_ON)
        cls.member = producer_member(cls.certificate.product.producer)
        cls.five = historical_certificate(cls.central, tea_product(), issued_on=ISSUED_ON, star=5)
        lai_chau_product = ProductFactory(
            producer=ProducerFactory(commune=commune("03388")), scoring_set_id=11
        )
        cls.other = cls.lai_chau_certificate(lai_chau_product)

    @classmethod
    def lai_chau_certificate(cls, product, number="LC-1"):
        return services.record_historical_decision(
            product.producer.province,
            actor=cls.lai_chau,
            number=f"{number}/QĐ-UBND",
            decided_on=ISSUED_ON,
            signer_name="Nguyễn Văn B",
            certificates=[services.HistoricalCertificate(product=product, star=3, number=number)],
        ).certificates.get()

    def record(self, certificate=None, actor=None, **kwargs):
        values = {
            "ground": RevocationGround.LAW_BREACH,
            "finding_on": TODAY - days(3),
            "reference": "Kết luận 12/KL-QLTT, Chi cục Quản lý thị trường",
            "note": "Mẫu kiểm nghiệm không đạt chỉ tiêu vi sinh.",
        }
        values.update(kwargs)
        return record_revocation_case(
            certificate or self.certificate, actor=actor or self.officer, **values
        )


# --------------------------------------------------------------------------------------
# The services
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class RecordServiceTests(Cast):
    def test_a_recorded_conclusion_is_due_15_days_later(self):
        """Art. 8(4): "15 ngày kể từ ngày có kết luận của cơ quan có thẩm quyền": recorded on
        Friday 22 May, the conclusion makes the revocation due by Monday 8 June (the 15th day
        is a Saturday)."""
        case = self.record(finding_on=day("2026-05-22"))
        self.assertEqual(case.status, RevocationCase.Status.OPEN)
        self.assertEqual(case.due_on, day("2026-06-08"))
        self.assertEqual(case.recorded_by, self.officer)
        self.assertFalse(case.is_overdue(TODAY))
        event = AuditEvent.objects.get(action="revocation_case.recorded")
        self.assertEqual(event.changes["due_on"], [None, "2026-06-08"])
        self.assertEqual(event.changes["certificate"], [None, self.certificate.number])
        self.assertEqual(verify_chain(), [])

    def test_the_communes_confirmation_starts_the_15_days_when_production_stopped(self):
        """Art. 8(4): "... hoặc xác nhận của UBND cấp xã về chủ thể OCOP không còn sản xuất sản
        phẩm OCOP": the confirmation of Sunday 17 May makes the revocation due by Monday 1
        June; it is not overdue today."""
        case = self.record(
            ground=RevocationGround.PRODUCTION_STOPPED,
            finding_on=day("2026-05-17"),
            reference="Xác nhận 5/XN-UBND, UBND xã Mường Ảng",
        )
        self.assertEqual(case.due_on, TODAY)
        self.assertTrue(case.is_commune_confirmation)
        self.assertFalse(case.is_overdue(TODAY))
        self.assertTrue(case.is_overdue(TODAY + days(1)))

    def test_bad_input_is_refused_and_nothing_changes(self):
        """Art. 8(4): the day the 15 days run from is a real, past day of the certificate's
        life, with a legal ground and the conclusion's reference."""
        self.record()
        before = state()
        cases = [
            ({"ground": "dislike"}, "ground"),
            ({"finding_on": None}, "no_finding_date"),
            ({"finding_on": TODAY + days(1)}, "future_finding"),
            ({"finding_on": ISSUED_ON - days(1)}, "finding_before_issue"),
            ({"reference": "  "}, "no_reference"),
            ({"reference": "x" * 201}, "reference_too_long"),
            ({}, "duplicate"),
        ]
        for kwargs, code in cases:
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                self.record(**kwargs)
            self.assertEqual(codes(caught.exception), {code})
        self.assertEqual(state(), before)

    def test_only_the_office_that_may_revoke_records_and_nothing_changes(self):
        """Art. 8(2): the provincial chairman revokes 3★ and 4★ certificates, the Minister 5★
        ones; only their offices record what is due."""
        before = state()
        for certificate, actor in (
            (self.certificate, self.lai_chau),
            (self.certificate, self.central),
            (self.certificate, self.member),
            (self.five, self.officer),
            (self.other, self.officer),
        ):
            with (
                self.subTest(certificate=certificate, actor=actor),
                self.assertRaises(PermissionDenied),
            ):
                self.record(certificate, actor=actor)
        self.assertEqual(state(), before)
        self.assertEqual(self.record(self.five, actor=self.central).certificate, self.five)

    def test_nothing_is_due_on_a_revoked_certificate(self):
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="7/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        before = state()
        with self.assertRaises(ValidationError) as caught:
            self.record()
        self.assertEqual(codes(caught.exception), {"already_revoked"})
        self.assertEqual(state(), before)

    def test_the_revocation_closes_what_was_due_and_records_whether_it_was_late(self):
        """Art. 8(4): the revocation made, its revocations due are closed, each flagged late
        when the decision came after its own due day."""
        late = self.record(finding_on=day("2026-05-11"))  # due Tuesday 26 May
        in_time = self.record(finding_on=day("2026-05-29"), reference="Kết luận 20/KL-SYT, Sở Y tế")
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.LAW_BREACH,
            decision_number="45/QĐ-UBND",
            decided_on=TODAY,
            finding_on=day("2026-05-11"),
        )
        for case in (late, in_time):
            case.refresh_from_db()
            self.assertEqual(case.status, RevocationCase.Status.REVOKED)
            self.assertIsNotNone(case.closed_at)
        closed = {
            int(event.object_id): event.changes["late"][1]
            for event in AuditEvent.objects.filter(action="revocation_case.closed")
        }
        self.assertEqual(closed, {late.pk: "yes", in_time.pk: "no"})
        self.assertFalse(RevocationCase.objects.open().exists())
        self.assertEqual(verify_chain(), [])

    def test_a_mistaken_entry_is_withdrawn_with_a_reason(self):
        case = self.record()
        before = state()
        with self.assertRaises(ValidationError) as caught:
            withdraw_revocation_case(case, actor=self.officer, reason=" ")
        self.assertEqual(codes(caught.exception), {"no_reason"})
        for actor in (self.lai_chau, self.central, self.member):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                withdraw_revocation_case(case, actor=actor, reason="Nhầm giấy chứng nhận")
        self.assertEqual(state(), before)
        withdrawn = withdraw_revocation_case(
            case, actor=self.officer, reason="Nhầm giấy chứng nhận"
        )
        self.assertEqual(withdrawn.status, RevocationCase.Status.WITHDRAWN)
        self.assertEqual(withdrawn.withdrawal_reason, "Nhầm giấy chứng nhận")
        self.assertTrue(AuditEvent.objects.filter(action="revocation_case.withdrawn").exists())
        with self.assertRaises(ValidationError) as caught:
            withdraw_revocation_case(case, actor=self.officer, reason="Lần nữa")
        self.assertEqual(codes(caught.exception), {"closed"})


@time_machine.travel(NOW, tick=False)
class InspectionCaseTests(Cast):
    def test_an_inspection_recommending_revocation_opens_a_revocation_due(self):
        """Art. 8(4): "15 ngày kể từ ngày có kết luận": the visit that recommended revocation
        is the conclusion; it is due 15 days later and listed until the escalation revokes."""
        inspection = recorded_inspection(
            self.officer,
            self.certificate,
            outcome="revocation_recommended",
            visited_on=day("2026-05-23"),
        )
        case = RevocationCase.objects.get(inspection=inspection)
        self.assertEqual(case.finding_on, day("2026-05-23"))
        self.assertEqual(case.due_on, day("2026-06-08"))  # Sunday 7 June → Monday
        self.assertEqual(case.due_on, inspection.revocation_due_on)
        self.assertEqual(case.ground, "")
        before = state()
        with self.assertRaises(ValidationError) as caught:
            withdraw_revocation_case(case, actor=self.officer, reason="Không cần")
        self.assertEqual(codes(caught.exception), {"from_inspection"})
        self.assertEqual(state(), before)
        escalate_to_revocation(
            inspection,
            actor=self.officer,
            ground=RevocationGround.CRITERIA_NOT_MET,
            decision_number="88/QĐ-UBND",
            decided_on=TODAY,
        )
        case.refresh_from_db()
        self.assertEqual(case.status, RevocationCase.Status.REVOKED)

    def test_corrections_not_made_open_a_revocation_due_from_the_follow_up(self):
        """Art. 8(4): after corrections not made, the 15 days run from the follow-up."""
        inspection = recorded_inspection(
            self.officer, self.certificate, visited_on=day("2026-04-01")
        )
        self.assertFalse(RevocationCase.objects.exists())
        record_follow_up(
            inspection, actor=self.officer, checked_on=day("2026-05-11"), corrected=False
        )
        case = RevocationCase.objects.get(inspection=inspection)
        self.assertEqual(case.finding_on, day("2026-05-11"))
        self.assertEqual(case.due_on, day("2026-05-26"))
        self.assertTrue(case.is_overdue(TODAY))


# --------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------


def list_url():
    return reverse("revocations:revocation_case_list")


@time_machine.travel(NOW, tick=False)
class ListTests(Cast):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        values = {"reference": "Kết luận 1/KL", "ground": RevocationGround.LAW_BREACH}
        # Due today and overdue (Điện Biên 3★), due (Điện Biên 5★), due (Lai Châu 3★).
        cls.due = record_revocation_case(
            cls.certificate, actor=cls.officer, finding_on=day("2026-05-17"), **values
        )
        cls.overdue = record_revocation_case(
            cls.certificate, actor=cls.officer, finding_on=day("2026-05-11"), **values
        )
        cls.five_due = record_revocation_case(
            cls.five, actor=cls.central, finding_on=day("2026-05-20"), **values
        )
        cls.other_due = record_revocation_case(
            cls.other, actor=cls.lai_chau, finding_on=day("2026-05-25"), **values
        )

    def shown(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(list_url(), params)
        self.assertEqual(response.status_code, 200)
        return [case.pk for case, _overdue, _days in response.context["rows"]]

    def test_each_office_sees_the_revocations_it_must_make_soonest_first(self):
        """Art. 8(2), 8(4): the province's office sees its 3★ and 4★ revocations due, the
        central office the 5★ ones; the overdue one first, flagged."""
        self.assertEqual(self.shown(self.officer), [self.overdue.pk, self.due.pk])
        self.assertEqual(self.shown(self.lai_chau), [self.other_due.pk])
        self.assertEqual(self.shown(self.central), [self.five_due.pk])
        self.client.force_login(self.officer)
        response = self.client.get(list_url())
        self.assertEqual(
            [(case.pk, overdue) for case, overdue, _days in response.context["rows"]],
            [(self.overdue.pk, True), (self.due.pk, False)],
        )
        self.assertEqual(response.context["overdue_count"], 1)
        self.assertContains(response, 'class="row-expired"', count=1)

    def test_the_filters_show_the_overdue_and_the_closed_ones(self):
        self.assertEqual(self.shown(self.officer, status="overdue"), [self.overdue.pk])
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.LAW_BREACH,
            decision_number="45/QĐ-UBND",
            decided_on=TODAY,
            finding_on=day("2026-05-11"),
        )
        self.assertEqual(self.shown(self.officer), [])
        self.assertEqual(
            set(self.shown(self.officer, status="revoked")), {self.overdue.pk, self.due.pk}
        )
        self.assertEqual(self.shown(self.officer, status="nonsense"), [])

    def test_others_get_404(self):
        for user in (self.member, commune_officer("03256")):
            with self.subTest(user=user):
                self.client.force_login(user)
                self.assertEqual(self.client.get(list_url()).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(list_url()).status_code, 302)

    def test_the_certificate_page_shows_what_is_due_to_the_office_that_may_revoke(self):
        client = EnglishClient()
        client.force_login(self.officer)
        page = client.get(reverse("certificates:certificate_detail", args=[self.certificate.pk]))
        self.assertEqual(
            [(case.pk, overdue) for case, overdue in page.context["revocation_cases"]],
            [(self.overdue.pk, True), (self.due.pk, False)],
        )
        self.assertContains(page, "overdue")
        self.assertContains(
            page, reverse("revocations:revocation_case_withdraw", args=[self.due.pk])
        )
        # The revocation form starts from the first one: its ground and day.
        form = page.context["revoke_form"]
        self.assertEqual(form.initial["finding_on"], day("2026-05-11"))
        self.assertEqual(form.initial["ground"], RevocationGround.LAW_BREACH)
        # The central office reads the 3★ certificate but does not revoke it: nothing shown.
        client.force_login(self.central)
        page = client.get(reverse("certificates:certificate_detail", args=[self.certificate.pk]))
        self.assertEqual(page.context["revocation_cases"], [])
        self.assertNotContains(page, "revocation-due-cases")

    def assert_list_queries(self, count):
        for index in range(count):
            certificate = historical_certificate(
                self.officer, tea_product(), issued_on=ISSUED_ON + days(index % 30)
            )
            record_revocation_case(
                certificate,
                actor=self.officer,
                ground=RevocationGround.MARK_MISUSE,
                finding_on=TODAY - days(index % 20),
                reference=f"Kết luận {index}/KL",
            )
        self.client.force_login(self.officer)
        # 1 session, 2 user, 3 memberships (official scope), 4 the overdue count, 5 the
        # count of the page, 6 the page of revocations due with certificate, product,
        # producer, province, inspection and who recorded it.
        with self.assertNumQueries(6):
            response = self.client.get(list_url())
        self.assertEqual(len(response.context["rows"]), min(count + 2, 25))

    def test_list_with_5_revocations_due(self):
        self.assert_list_queries(5)

    def test_list_with_50_revocations_due(self):
        self.assert_list_queries(50)


def record_url(certificate):
    return reverse("revocations:revocation_case_record", args=[certificate.pk])


@time_machine.travel(NOW, tick=False)
class RecordPageTests(Cast):
    def post(self, user, certificate=None, **fields):
        self.client.force_login(user)
        data = {
            "ground": "production_stopped",
            "finding_on": (TODAY - days(2)).isoformat(),
            "reference": " Xác nhận\u00a05/XN-UBND, UBND xã Mường Ảng ",
            "note": "",
        }
        data.update(fields)
        return self.client.post(record_url(certificate or self.certificate), data)

    def test_the_office_records_a_commune_confirmation_and_sees_its_due_day(self):
        """Art. 8(4): "... xác nhận của UBND cấp xã về chủ thể OCOP không còn sản xuất sản phẩm
        OCOP": recorded on the certificate's page, due 15 days after the confirmation."""
        self.client.force_login(self.officer)
        self.assertEqual(self.client.get(record_url(self.certificate)).status_code, 200)
        response = self.post(self.officer)
        detail = reverse("certificates:certificate_detail", args=[self.certificate.pk])
        self.assertRedirects(response, f"{detail}#revocation-due-cases")
        case = RevocationCase.objects.get()
        self.assertEqual(case.ground, RevocationGround.PRODUCTION_STOPPED)
        self.assertEqual(case.reference, "Xác nhận 5/XN-UBND, UBND xã Mường Ảng")
        self.assertEqual(case.due_on, day("2026-06-15"))  # Saturday 30 May + 15: Sunday 14 June
        # Sent twice (a double click): one row, and the page says it is there already.
        response = self.post(self.officer)
        self.assertRedirects(response, f"{detail}#revocation-due-cases")
        self.assertEqual(RevocationCase.objects.count(), 1)

    def test_bad_input_is_refused_and_nothing_changes(self):
        before = state()
        for fields in (
            {"ground": ""},
            {"ground": "bribery"},
            {"finding_on": ""},
            {"finding_on": "2026-02-30"},
            {"finding_on": (TODAY + days(1)).isoformat()},
            {"finding_on": (ISSUED_ON - days(1)).isoformat()},
            {"reference": " \u00a0 "},
        ):
            with self.subTest(fields=fields):
                response = self.post(self.officer, **fields)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
        self.assertEqual(state(), before)

    def test_another_provinces_office_gets_404_and_nothing_changes(self):
        before = state()
        for user, certificate in (
            (self.lai_chau, self.certificate),
            (self.central, self.certificate),
            (self.member, self.certificate),
            (self.officer, self.other),
            (self.officer, self.five),
        ):
            with self.subTest(user=user, certificate=certificate):
                self.client.force_login(user)
                self.assertEqual(self.client.get(record_url(certificate)).status_code, 404)
                self.assertEqual(self.post(user, certificate).status_code, 404)
        self.assertEqual(state(), before)

    def test_a_revoked_certificate_has_nothing_to_record(self):
        revoke_certificate(
            self.certificate,
            actor=self.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="7/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY,
        )
        before = state()
        response = self.post(self.officer)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(state(), before)


@time_machine.travel(NOW, tick=False)
class WithdrawPageTests(Cast):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.case = record_revocation_case(
            cls.certificate,
            actor=cls.officer,
            ground=RevocationGround.LAW_BREACH,
            finding_on=TODAY - days(3),
            reference="Kết luận 1/KL",
        )

    def url(self):
        return reverse("revocations:revocation_case_withdraw", args=[self.case.pk])

    def test_another_provinces_office_gets_404_and_nothing_changes(self):
        before = state()
        for user in (self.lai_chau, self.central, self.member):
            with self.subTest(user=user):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 404)
                response = self.client.post(self.url(), {"reason": "Nhầm"})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(state(), before)

    def test_the_office_withdraws_with_a_reason(self):
        self.client.force_login(self.officer)
        before = state()
        response = self.client.post(self.url(), {"reason": " "})
        self.assertEqual(response.status_code, 200)
        self.assertIn("reason", response.context["form"].errors)
        self.assertEqual(state(), before)
        response = self.client.post(self.url(), {"reason": "Kết luận đã bị hủy"})
        self.assertEqual(response.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, RevocationCase.Status.WITHDRAWN)
