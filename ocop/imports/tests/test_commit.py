"""An import checked, then committed all or nothing; the same file again changes nothing."""

import datetime
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.certificates.recognition.models import Certificate, DecisionItem, RecognitionDecision
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.models import Producer
from ocop.products.models import Product
from ocop.regions.tests.factories import DIEN_BIEN, LAI_CHAU, province

from ..models import ImportRow, RecognitionImport, ReportedRecognition
from ..services import commit_import, is_stalled
from .lists import DIEN_BIEN_ROWS, checked, csv_file, xlsx_file

Status = RecognitionImport.Status


def written():
    """What an import writes, counted."""
    return {
        "producers": Producer.objects.count(),
        "products": Product.objects.count(),
        "decisions": RecognitionDecision.objects.count(),
        "items": DecisionItem.objects.count(),
        "certificates": Certificate.objects.count(),
        "reported": ReportedRecognition.objects.count(),
        "events": AuditEvent.objects.exclude(action__startswith="import.").count(),
    }


class CommitTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.dien_bien = province(DIEN_BIEN)

    def check(self, data, name="danh-sach.csv", **kwargs):
        kwargs.setdefault("actor", self.office)
        kwargs.setdefault("province", self.dien_bien)
        return checked(data, name, **kwargs)

    def test_the_dry_run_gives_every_row_and_writes_nothing(self):
        before = written()
        job = self.check(csv_file(DIEN_BIEN_ROWS))
        self.assertEqual(job.status, Status.VALIDATED, job.message)
        self.assertEqual(written(), before)
        rows = {row.row: row for row in job.rows.all()}
        self.assertEqual(sorted(rows), [2, 3, 4, 5, 6])
        self.assertEqual([rows[n].outcome for n in sorted(rows)], ["new"] * 5)
        self.assertEqual(
            [rows[n].status for n in sorted(rows)],
            ["certified", "certified", "certified", "reported", "certified"],
        )
        self.assertEqual(rows[2].commune_code, "03226")  # Xín Chải → Sín Chải
        self.assertEqual(rows[4].commune_code, "03256")  # Ẳng Nưa → Mường Ảng
        self.assertEqual((rows[6].province_code, rows[6].commune_code), (DIEN_BIEN, ""))
        self.assertEqual(rows[6].confidence, "province")
        self.assertTrue(any("Same producer as row 2" in m["text"] for m in rows[3].messages))
        self.assertEqual(job.counts, {"new": 5})
        self.assertTrue(job.report.name)

    def test_commit_writes_producers_products_decisions_certificates_and_reports(self):
        job = commit_import(self.check(csv_file(DIEN_BIEN_ROWS)), actor=self.office)
        self.assertEqual(job.status, Status.COMMITTED, job.message)
        self.assertEqual(Producer.objects.count(), 4)
        self.assertEqual(Product.objects.count(), 5)
        decisions = RecognitionDecision.objects.order_by("number")
        self.assertEqual([d.number for d in decisions], ["1234/QĐ-UBND", "56/QĐ-UBND"])
        self.assertTrue(all(d.is_historical and d.is_signed for d in decisions))
        tea = Certificate.objects.get(product__name="Chè Shan tuyết Tủa Chùa (mẫu)")
        self.assertEqual((tea.star, tea.issued_on), (4, datetime.date(2022, 12, 20)))
        self.assertEqual(tea.valid_until, datetime.date(2025, 12, 22))  # 20/12/2025 a Saturday
        honey = Certificate.objects.get(product__name="Mật ong bạc hà (mẫu)")
        self.assertIsNone(honey.product.producer.commune_id)
        reported = ReportedRecognition.objects.get()
        self.assertEqual((reported.star, reported.product.name), (4, "Gạo nếp Thanh Xương (mẫu)"))
        self.assertIn("báo cáo của huyện", reported.source_text)
        self.assertFalse(Certificate.objects.filter(product=reported.product).exists())
        rows = job.rows.order_by("row")
        self.assertTrue(all(row.product_id_value and row.producer_id_value for row in rows))
        self.assertEqual(verify_chain(), [])
        self.assertTrue(AuditEvent.objects.filter(action="import.committed").exists())

    def test_importing_the_same_file_again_changes_nothing(self):
        data = csv_file(DIEN_BIEN_ROWS)
        commit_import(self.check(data), actor=self.office)
        before = written()
        again = self.check(data)
        self.assertEqual(again.counts, {"unchanged": 5})
        again = commit_import(again, actor=self.office)
        self.assertEqual(again.status, Status.COMMITTED)
        self.assertEqual(written(), before)
        # The same rows as a workbook are the same rows.
        workbook = self.check(xlsx_file(DIEN_BIEN_ROWS), "danh-sach.xlsx")
        self.assertEqual(workbook.counts, {"unchanged": 5})

    def test_a_file_with_k_bad_rows_reports_exactly_k_errors_and_writes_nothing(self):
        place = "Xã Ẳng Nưa, Mường Ảng"
        bad = [
            [6, "Sản phẩm sao sai (mẫu)", "HTX Mẫu (mẫu)", place, "7 sao", "", "", ""],
            [7, "", "HTX Mẫu (mẫu)", place, "3", "", "", ""],
            [8, "Sản phẩm 2 sao (mẫu)", "HTX Mẫu (mẫu)", place, "2", "", "", ""],
            [9, "Sản phẩm ngày sai (mẫu)", "HTX Mẫu (mẫu)", "Xã Ẳng Nưa", "3", "9/QĐ-UBND",
             "31/02/2023", ""],
        ]  # fmt: skip
        before = written()
        job = self.check(csv_file([*DIEN_BIEN_ROWS, *bad]))
        self.assertEqual(job.status, Status.INVALID)
        self.assertEqual(job.error_count, 4)
        errors = job.rows.filter(outcome="error").order_by("row")
        self.assertEqual([row.row for row in errors], [7, 8, 9, 10])
        self.assertEqual(
            [row.errors[0]["column"] for row in errors],
            ["star", "product_name", "star", "decision_date"],
        )
        with self.assertRaises(ValidationError):
            commit_import(job, actor=self.office)
        self.assertEqual(written(), before)

    @override_settings(IMPORT_COMMIT_CHUNK=1)
    def test_a_failure_after_the_first_a_middle_or_the_last_row_writes_nothing(self):
        data = csv_file(DIEN_BIEN_ROWS)
        before = written()
        for failing_row in (2, 4, 6):
            with self.subTest(row=failing_row):
                job = self.check(data)

                def fail_at(row, failing_row=failing_row):
                    if row == failing_row:
                        raise RuntimeError("injected failure")

                with mock.patch("ocop.imports.commit._row_written", side_effect=fail_at):
                    job = commit_import(job, actor=self.office)
                self.assertEqual(job.status, Status.FAILED)
                self.assertIn("nothing was written", job.message)
                self.assertEqual(written(), before)
                self.assertEqual(verify_chain(), [])

    def test_a_row_in_another_province_is_an_error_naming_both(self):
        rows = [[1, "Chè Lai Châu (mẫu)", "HTX Tam Đường (mẫu)", "Xã Bản Bo, Huyện Tam Đường, "
                 "Tỉnh Lai Châu", "3", "7/QĐ-UBND", "01/06/2023", ""]]  # fmt: skip
        job = self.check(csv_file(rows))
        row = job.rows.get()
        self.assertEqual(row.outcome, "error")
        self.assertIn("Lai Châu", row.errors[0]["text"])
        self.assertIn("Điện Biên", row.errors[0]["text"])
        # The central office imports it into Lai Châu.
        central = central_officer()
        job = commit_import(checked(csv_file(rows), actor=central), actor=central)
        self.assertEqual(job.status, Status.COMMITTED, job.message)
        self.assertEqual(Producer.objects.get().province_id, LAI_CHAU)

    def test_the_rows_and_report_are_kept_with_the_file(self):
        job = self.check(csv_file(DIEN_BIEN_ROWS))
        with job.report.open("rb") as handle:
            report = handle.read().decode("utf-8-sig").splitlines()
        self.assertTrue(
            report[0].startswith(
                "row,outcome,status,province_code,commune_code,confidence,star,product_id,"
                "producer_id,messages"
            )
        )
        self.assertEqual(len(report), 6)
        with job.file.open("rb") as handle:
            self.assertEqual(handle.read(), csv_file(DIEN_BIEN_ROWS))
        self.assertEqual(ImportRow.objects.filter(job=job).count(), 5)
        self.assertTrue(AuditEvent.objects.filter(action="import.uploaded").exists())
        self.assertEqual(reverse("imports:import_detail", args=[job.pk])[:15], "/manage/imports")

    def test_an_import_whose_worker_stopped_may_be_committed_again(self):
        job = self.check(csv_file(DIEN_BIEN_ROWS))
        job.status = Status.COMMITTING
        job.heartbeat_at = timezone.now() - datetime.timedelta(minutes=5)
        job.save()
        with self.assertRaises(ValidationError):  # still running: nobody else may take it
            commit_import(job, actor=self.office)
        RecognitionImport.objects.filter(pk=job.pk).update(
            heartbeat_at=timezone.now() - datetime.timedelta(minutes=31)
        )
        job.refresh_from_db()
        self.assertTrue(is_stalled(job))
        job = commit_import(job, actor=self.office)
        self.assertEqual(job.status, Status.COMMITTED, job.message)
        self.assertEqual(Certificate.objects.count(), 4)
