"""The import pages: upload, preview, commit, report; the reported recognitions. Each import
and reported recognition is its office's: another province's office gets 404 and nothing
changes."""

import datetime

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.certificates.recognition.models import Certificate
from ocop.regions.tests.factories import DIEN_BIEN, LAI_CHAU, province

from ..models import ImportRow, RecognitionImport, ReportedRecognition
from .lists import DIEN_BIEN_ROWS, csv_file

Status = RecognitionImport.Status


def state():
    return (
        list(RecognitionImport.objects.order_by("pk").values("pk", "status", "row_count")),
        ImportRow.objects.count(),
        list(ReportedRecognition.objects.order_by("pk").values("pk", "status")),
        Certificate.objects.count(),
    )


class ImportPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.office = province_officer(DIEN_BIEN)
        cls.other_office = province_officer(LAI_CHAU)

    def setUp(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def upload(self, data=None, name="danh-sach.csv", province=DIEN_BIEN):
        upload = SimpleUploadedFile(name, data if data is not None else csv_file(DIEN_BIEN_ROWS))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("imports:import_list"), {"file": upload, "province": province}
            )
        return response

    def test_upload_preview_commit_and_report(self):
        self.client.force_login(self.office)
        self.assertContains(self.client.get(reverse("imports:import_list")), "Upload and check")
        response = self.upload()
        job = RecognitionImport.objects.get()
        self.assertRedirects(response, reverse("imports:import_detail", args=[job.pk]))
        page = self.client.get(reverse("imports:import_detail", args=[job.pk]))
        self.assertContains(page, "Chè Shan tuyết Tủa Chùa (mẫu)")
        self.assertContains(page, "Xã Sín Chải")
        self.assertContains(page, 'id="commit-import"')
        errors_only = self.client.get(
            reverse("imports:import_detail", args=[job.pk]), {"outcome": "error"}
        )
        self.assertNotContains(errors_only, "Chè Shan tuyết Tủa Chùa (mẫu)")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("imports:import_commit", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.status, Status.COMMITTED, job.message)
        self.assertEqual(Certificate.objects.count(), 4)
        report = self.client.get(reverse("imports:import_report", args=[job.pk]))
        self.assertEqual(report.status_code, 200)
        content = b"".join(report.streaming_content).decode("utf-8-sig")
        self.assertTrue(content.startswith("row,outcome,status,province_code"))
        self.assertEqual(len(content.splitlines()), 6)
        original = self.client.get(reverse("imports:import_file", args=[job.pk]))
        self.assertEqual(b"".join(original.streaming_content), csv_file(DIEN_BIEN_ROWS))
        # A second commit is refused and changes nothing.
        before = state()
        self.client.post(reverse("imports:import_commit", args=[job.pk]))
        self.assertEqual(state(), before)

    def test_the_pages_are_in_vietnamese_by_default(self):
        del self.client.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.client.force_login(self.office)
        self.assertContains(self.client.get(reverse("imports:import_list")), "Tải lên và kiểm tra")
        with translation.override("vi"):
            self.upload()
        job = RecognitionImport.objects.get()
        page = self.client.get(reverse("imports:import_detail", args=[job.pk]))
        self.assertContains(page, "Chủ thể mới.")
        self.assertContains(page, "Tải báo cáo (CSV)")

    def test_a_refused_file_says_why_and_writes_nothing(self):
        self.client.force_login(self.office)
        self.upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "danh-sach.xlsx")
        job = RecognitionImport.objects.get()
        self.assertEqual(job.status, Status.REFUSED)
        page = self.client.get(reverse("imports:import_detail", args=[job.pk]))
        self.assertContains(page, 'id="import-message"')
        self.assertNotContains(page, 'id="commit-import"')
        self.assertEqual(Certificate.objects.count(), 0)

    def test_the_progress_block_reloads_the_page_once_the_worker_is_done(self):
        self.client.force_login(self.office)
        self.upload()
        job = RecognitionImport.objects.get()
        response = self.client.get(reverse("imports:import_progress", args=[job.pk]))
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["HX-Refresh"], "true")
        RecognitionImport.objects.filter(pk=job.pk).update(
            status=Status.VALIDATING, progress_done=500, progress_total=2000
        )
        response = self.client.get(reverse("imports:import_progress", args=[job.pk]))
        self.assertContains(response, 'value="500" max="2000"')

    def test_another_office_gets_404_and_nothing_changes(self):
        self.client.force_login(self.office)
        self.upload()
        job = RecognitionImport.objects.get()
        before = state()
        self.client.force_login(self.other_office)
        for name in ("import_detail", "import_progress", "import_report", "import_file"):
            with self.subTest(name):
                response = self.client.get(reverse(f"imports:{name}", args=[job.pk]))
                self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("imports:import_commit", args=[job.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(self.client.get(reverse("imports:import_list")), "danh-sach.csv")
        self.assertEqual(state(), before)

    def test_a_provincial_office_imports_only_into_its_own_province(self):
        self.client.force_login(self.office)
        response = self.upload(province=LAI_CHAU)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(RecognitionImport.objects.exists())

    def test_commune_officers_and_the_public_have_no_import_pages(self):
        self.client.force_login(commune_officer())
        for name in ("import_list", "reported_list"):
            self.assertEqual(self.client.get(reverse(f"imports:{name}")).status_code, 404)
        self.client.logout()
        response = self.client.get(reverse("imports:import_list"))
        self.assertEqual(response.status_code, 302)

    def test_the_central_office_imports_a_national_list(self):
        central = central_officer()
        self.client.force_login(central)
        self.upload(province="")
        job = RecognitionImport.objects.get()
        self.assertIsNone(job.province)
        self.assertEqual(job.status, Status.VALIDATED, job.message)
        self.client.force_login(self.office)
        self.assertEqual(
            self.client.get(reverse("imports:import_detail", args=[job.pk])).status_code, 404
        )


class ReportedPagesTests(TestCase):
    def setUp(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    @classmethod
    def setUpTestData(cls):
        from ocop.regions.tests.factories import province

        from ..services import commit_import
        from .lists import checked

        cls.office = province_officer(DIEN_BIEN)
        commit_import(
            checked(csv_file(DIEN_BIEN_ROWS), actor=cls.office, province=province(DIEN_BIEN)),
            actor=cls.office,
        )
        cls.reported = ReportedRecognition.objects.get()

    def test_the_office_completes_it_with_its_decision(self):
        self.client.force_login(self.office)
        self.assertContains(
            self.client.get(reverse("imports:reported_list")), "Gạo nếp Thanh Xương"
        )
        url = reverse("imports:reported_complete", args=[self.reported.pk])
        response = self.client.post(
            url,
            {
                "number": "77/QĐ-UBND",
                "decided_on": "2024-03-01",
                "authority": "province_chairman",
                "signer_name": "Lê Thành Đô",
            },
        )
        self.assertRedirects(
            response,
            reverse("imports:reported_list"),
            msg_prefix=str(getattr(response, "context", None) and response.context["form"].errors),
        )
        self.reported.refresh_from_db()
        self.assertEqual(self.reported.status, ReportedRecognition.Status.COMPLETED)
        certificate = self.reported.certificate
        self.assertEqual((certificate.star, certificate.issued_on), (4, datetime.date(2024, 3, 1)))

    def test_a_completion_adds_to_a_decision_already_recorded(self):
        self.client.force_login(self.office)
        url = reverse("imports:reported_complete", args=[self.reported.pk])
        self.client.post(
            url,
            {
                "number": "1234/QĐ-UBND",
                "decided_on": "2022-12-20",
                "authority": "province_chairman",
                "signer_name": "x",
            },
        )
        self.reported.refresh_from_db()
        decision = self.reported.certificate.decision
        self.assertEqual(decision.number, "1234/QĐ-UBND")
        self.assertEqual(decision.items.count(), 3)

    def test_bad_input_is_refused_with_a_message_and_changes_nothing(self):
        self.client.force_login(self.office)
        url = reverse("imports:reported_complete", args=[self.reported.pk])
        before = state()
        for data in (
            {},
            {
                "number": "1/QĐ",
                "decided_on": "2099-01-01",
                "authority": "province_chairman",
                "signer_name": "x",
            },
            {
                "number": "1/QĐ",
                "decided_on": "2024-01-01",
                "authority": "minister",
                "signer_name": "x",
            },
            {
                "number": "1/QĐ",
                "decided_on": "2024-01-01",
                "authority": "district_chairman",
                "signer_name": "x",
            },
        ):
            with self.subTest(data):
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["form"].errors)
        self.assertEqual(state(), before)

    def test_the_office_dismisses_it_with_a_reason(self):
        self.client.force_login(self.office)
        url = reverse("imports:reported_dismiss", args=[self.reported.pk])
        self.assertEqual(self.client.post(url, {"note": ""}).status_code, 200)
        self.client.post(url, {"note": "Dòng sai của danh sách"})
        self.reported.refresh_from_db()
        self.assertEqual(self.reported.status, ReportedRecognition.Status.DISMISSED)

    def test_another_office_gets_404_and_nothing_changes(self):
        self.client.force_login(province_officer(LAI_CHAU))
        before = state()
        self.assertNotContains(self.client.get(reverse("imports:reported_list")), "Gạo nếp")
        for name in ("reported_complete", "reported_dismiss"):
            url = reverse(f"imports:{name}", args=[self.reported.pk])
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 404)
        self.assertEqual(state(), before)

    def test_a_reported_recognition_is_never_shown_publicly(self):
        product = self.reported.product
        self.client.logout()
        self.assertEqual(
            self.client.get(reverse("market:product_detail", args=[product.pk])).status_code, 404
        )
        self.assertNotContains(self.client.get(reverse("market:product_list")), product.name)


class SampleListTests(TestCase):
    def test_the_sample_list_imports_cleanly_and_marks_what_it_creates_as_sample(self):
        from ..services import commit_import
        from .lists import checked

        office = province_officer(DIEN_BIEN)
        self.client.force_login(office)
        response = self.client.get(reverse("imports:sample_list"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("danh-sach-ocop-mau.xlsx", response["Content-Disposition"])
        job = checked(
            response.content, "danh-sach-ocop-mau.xlsx", actor=office, province=province(DIEN_BIEN)
        )
        self.assertEqual(job.counts, {"new": 9, "skipped": 3})
        job.is_sample = True
        job.save()
        commit_import(job, actor=office)
        self.assertEqual(Certificate.objects.count(), 8)
        self.assertTrue(all(c.is_sample and c.product.is_sample for c in Certificate.objects.all()))
        self.assertEqual(ReportedRecognition.objects.get().product.name, "Rượu ngô Huổi Só (mẫu)")
        self.client.force_login(commune_officer())
        self.assertEqual(self.client.get(reverse("imports:sample_list")).status_code, 404)
