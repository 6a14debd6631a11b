"""Dossiers filed before 22 May 2026 and not yet rated then (Decision 26/2026/QĐ-TTg, art.
12(2)): entered by the provincial office, followed to their last day, closed with their result.

The cast (``make_cast``): a producer of Xã Mường Ảng (Điện Biên), its members and officials,
and the Lai Châu office (``other_province_officer``)."""

import datetime
import zoneinfo

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from ocop.core.models import AuditEvent

from ..models import Dossier, TransitionalDossier
from ..services.transitional import (
    close_recognised_by_decisions,
    close_transitional_dossier,
    record_transitional_dossier,
)
from .factories import another_product, make_cast

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
T = TransitionalDossier.Status


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), VN), tick=False)


def state():
    return (
        list(
            TransitionalDossier.objects.order_by("pk").values_list(
                "pk", "status", "note", "closed_on"
            )
        ),
        AuditEvent.objects.count(),
    )


class TransitionalDossierTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def record(self, kind=Dossier.Kind.FIRST_RATING, filed_on=datetime.date(2026, 3, 2)):
        with at(datetime.date(2026, 6, 1)):
            return record_transitional_dossier(
                self.cast.product,
                actor=self.cast.province_officer,
                kind=kind,
                filed_on=filed_on,
                reference="12/PĐK-2026 (mẫu)",
            )

    def refused(self, call, code):
        before = state()
        with self.assertRaises((ValidationError, PermissionDenied)) as raised:
            call()
        self.assertEqual(state(), before)
        error = raised.exception
        if isinstance(error, ValidationError):
            errors = (
                [e for es in error.error_dict.values() for e in es]
                if hasattr(error, "error_dict")
                else error.error_list
            )
            self.assertIn(code, {e.code for e in errors})
        return error

    def test_the_last_day_is_60_days_after_22_may_for_a_first_rating_or_an_upgrade(self):
        """Art. 12(2)(a): "thời hạn hoàn thành đánh giá, phân hạng không quá 60 ngày, kể từ
        ngày Quyết định này có hiệu lực" (22 May 2026, art. 11(1)): 21 July 2026, a Tuesday."""
        dossier = self.record()
        self.assertEqual(dossier.completion_due_on, datetime.date(2026, 7, 21))
        self.assertEqual(dossier.status, T.PENDING)
        self.assertEqual(dossier.province_id, "11")

    def test_the_last_day_is_30_days_after_22_may_for_a_re_rating_moved_off_a_sunday(self):
        """Art. 12(2)(b): "không quá 30 ngày": the 30th day is Sunday 21 June 2026, so the
        period ends on Monday 22 June (Civil Code art. 148(5))."""
        dossier = self.record(kind=Dossier.Kind.RE_RATING)
        self.assertEqual(dossier.completion_due_on, datetime.date(2026, 6, 22))

    def test_a_dossier_filed_on_or_after_22_may_is_refused(self):
        """Art. 12(2) covers "những sản phẩm đã được chủ thể OCOP nộp hồ sơ ... trước ngày
        Quyết định này có hiệu lực": one filed on 22 May is filed on the platform."""
        self.refused(
            lambda: self.record(filed_on=datetime.date(2026, 5, 22)), "filed_after_the_decision"
        )

    def test_another_provinces_office_cannot_enter_one(self):
        with at(datetime.date(2026, 6, 1)):
            self.refused(
                lambda: record_transitional_dossier(
                    self.cast.product,
                    actor=self.cast.other_province_officer,
                    kind=Dossier.Kind.FIRST_RATING,
                    filed_on=datetime.date(2026, 3, 2),
                ),
                "",
            )

    def test_it_is_flagged_once_overdue_and_closed_with_its_result(self):
        dossier = self.record()
        self.client.force_login(self.cast.province_officer)
        with at(datetime.date(2026, 7, 21)):
            self.assertFalse(TransitionalDossier.objects.get(pk=dossier.pk).is_overdue)
        with at(datetime.date(2026, 7, 22)):
            self.assertTrue(TransitionalDossier.objects.get(pk=dossier.pk).is_overdue)
            response = self.client.get(reverse("evaluations:transitional_list"))
            self.assertContains(response, 'class="row-expired"')
            self.refused(
                lambda: close_transitional_dossier(
                    dossier, actor=self.cast.province_officer, outcome=T.NOT_RECOGNISED, note=""
                ),
                "note",
            )
            closed = close_transitional_dossier(
                dossier,
                actor=self.cast.province_officer,
                outcome=T.NOT_RECOGNISED,
                note="Hội đồng cấp tỉnh đánh giá 2 sao theo Bộ tiêu chí cũ (mẫu).",
            )
        self.assertEqual(
            (closed.status, closed.closed_on), (T.NOT_RECOGNISED, datetime.date(2026, 7, 22))
        )
        self.refused(
            lambda: close_transitional_dossier(
                dossier, actor=self.cast.province_officer, outcome=T.WITHDRAWN, note="x"
            ),
            "closed",
        )

    def test_the_pages_are_the_offices_of_the_province_only(self):
        """Another province's office gets 404 on the dossier and cannot close it; the producer
        and the commune get 404 on every page; nothing changes."""
        dossier = self.record()
        detail = reverse("evaluations:transitional_detail", args=[dossier.pk])
        for user in (self.cast.other_province_officer, self.cast.member, self.cast.commune_officer):
            with self.subTest(user=user):
                self.client.force_login(user)
                before = state()
                self.assertEqual(self.client.get(detail).status_code, 404)
                response = self.client.post(detail, {"outcome": T.WITHDRAWN, "note": "x"})
                self.assertEqual(response.status_code, 404)
                self.assertEqual(state(), before)
        for user in (self.cast.member, self.cast.commune_officer):
            with self.subTest(user=user):
                self.client.force_login(user)
                self.assertEqual(
                    self.client.get(reverse("evaluations:transitional_create")).status_code, 404
                )
        self.client.force_login(self.cast.province_officer)
        with at(datetime.date(2026, 6, 2)):
            response = self.client.post(
                detail, {"outcome": T.WITHDRAWN, "note": "Chủ thể rút hồ sơ (mẫu)."}
            )
        self.assertRedirects(response, detail)
        self.assertEqual(TransitionalDossier.objects.get(pk=dossier.pk).status, T.WITHDRAWN)

    def test_the_office_enters_one_from_the_page_and_a_bad_day_changes_nothing(self):
        self.client.force_login(self.cast.province_officer)
        url = reverse("evaluations:transitional_create")
        data = {
            "product": self.cast.product.pk,
            "kind": Dossier.Kind.UPGRADE,
            "filed_on": "2026-06-01",
            "reference": "",
            "note": "",
        }
        before = state()
        with at(datetime.date(2026, 6, 2)):
            response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(state(), before)
        with at(datetime.date(2026, 6, 2)):
            response = self.client.post(url, data | {"filed_on": "2026-04-20"})
        self.assertRedirects(response, reverse("evaluations:transitional_list"))
        dossier = TransitionalDossier.objects.get()
        self.assertEqual(
            (dossier.kind, dossier.completion_due_on), ("upgrade", datetime.date(2026, 7, 21))
        )


class ClosedByRecognitionTests(TestCase):
    """A historical recognition decision closes the product's pending dossier filed before it
    (art. 12(2)); an import records thousands of decisions and closes them all in one pass,
    each dossier by the first decision, in the file's order, that recognised its product on or
    after the day it was filed."""

    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()

    def test_each_dossier_is_closed_by_the_first_decision_after_its_filing(self):
        first = self.cast.product
        second, third = another_product(self.cast).product, another_product(self.cast).product
        with at(datetime.date(2026, 6, 1)):
            filed = {
                product.pk: record_transitional_dossier(
                    product,
                    actor=self.cast.province_officer,
                    kind=Dossier.Kind.FIRST_RATING,
                    filed_on=day,
                )
                for product, day in (
                    (first, datetime.date(2026, 1, 5)),
                    (second, datetime.date(2026, 3, 10)),
                    (third, datetime.date(2026, 5, 20)),
                )
            }
        closed = close_recognised_by_decisions(
            [
                ("1/QĐ-UBND", datetime.date(2026, 2, 1), [first.pk, second.pk, third.pk]),
                ("2/QĐ-UBND", datetime.date(2026, 4, 1), [second.pk, third.pk]),
            ],
            actor=self.cast.province_officer,
        )
        self.assertEqual(closed, 2)
        rows = {
            row.product_id: (row.status, row.decision_number, row.closed_on)
            for row in TransitionalDossier.objects.filter(pk__in=[d.pk for d in filed.values()])
        }
        self.assertEqual(rows[first.pk], (T.RECOGNISED, "1/QĐ-UBND", datetime.date(2026, 2, 1)))
        self.assertEqual(rows[second.pk], (T.RECOGNISED, "2/QĐ-UBND", datetime.date(2026, 4, 1)))
        self.assertEqual(rows[third.pk][0], T.PENDING)  # filed after both decisions
        self.assertEqual(AuditEvent.objects.filter(action="transitional_dossier.closed").count(), 2)
