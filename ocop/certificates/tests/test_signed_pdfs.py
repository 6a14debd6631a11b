"""Certificates and decisions are signed PDFs (PAdES, pyHanko), and ``/v/<code>`` checks an
uploaded PDF's signature (issue 16 §7)."""

import io
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from ocop.accounts.tests.factories import province_officer
from ocop.core import signing
from ocop.producers.tests.factories import MINIMAL_PDF, ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..models import Certificate
from .factories import TODAY, historical_certificate


def _product(name):
    producer = ProducerFactory(commune=commune("03256"))
    return ProductFactory(name=name, producer=producer)


class SignedPdfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other = province_officer("12")
        cls.certificate = historical_certificate(
            cls.officer, _product("Cà phê Mường Ảng (mẫu)"), issued_on=TODAY
        )
        cls.second = historical_certificate(
            cls.officer, _product("Gạo Điện Biên (mẫu)"), issued_on=TODAY
        )

    def _download(self, certificate):
        self.client.force_login(self.officer)
        url = reverse("verify:certificate_pdf", args=[certificate.public_code])
        content = self.client.get(url).content
        self.client.logout()
        return content

    def _check(self, certificate, content, name="giay-chung-nhan.pdf"):
        url = reverse("verify:pdf_check", args=[certificate.public_code])
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return self.client.post(url, {"file": upload})

    def test_the_certificate_pdf_carries_a_pades_signature_over_the_whole_file(self):
        content = self._download(self.certificate)
        reader = PdfReader(io.BytesIO(content))
        fields = reader.get_fields()
        signature = fields[signing.FIELD]["/V"]
        self.assertEqual(signature["/SubFilter"], "/ETSI.CAdES.detached")
        verdict = signing.check(content)
        self.assertTrue(verdict.ok)
        self.assertIn(self.certificate.number, verdict.reason)
        self.assertIn("sample", verdict.signer)

    def test_the_verification_page_accepts_the_certificate_it_issued(self):
        response = self._check(self.certificate, self._download(self.certificate))
        self.assertContains(response, 'class="valid" role="status" id="pdf-check-result"')
        self.assertContains(response, "không thay đổi")

    def test_a_changed_pdf_is_refused(self):
        content = self._download(self.certificate)
        changed = content.replace(b"/Reason", b"/Reasom", 1)
        for tampered in (changed, content + b"\n% appended\n", content[:-40] + content[-40:][::-1]):
            response = self._check(self.certificate, tampered)
            self.assertContains(response, 'class="expired"')

    def test_another_certificate_or_an_unsigned_pdf_is_not_this_certificate(self):
        other = self._check(self.certificate, self._download(self.second))
        self.assertContains(other, "tài liệu khác")
        unsigned = self._check(self.certificate, MINIMAL_PDF)
        self.assertContains(unsigned, "không có chữ ký")
        garbage = self._check(self.certificate, b"not a pdf at all")
        self.assertContains(garbage, 'class="expired"')

    def test_a_pdf_signed_by_another_key_is_foreign(self):
        content = self._download(self.certificate)
        with self.settings(PRIVATE_MEDIA_ROOT=self.enterContext(_temporary_folder())):
            signing._signer.cache_clear()
            verdict = signing.check(content)
        signing._signer.cache_clear()
        self.assertEqual(verdict.problem, "foreign")

    def test_the_signed_decision_pdf_is_scoped_to_its_offices(self):
        decision = self.certificate.decision
        url = reverse("certificates:decision_pdf", args=[decision.pk])
        self.client.force_login(self.officer)
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        verdict = signing.check(response.content)
        self.assertTrue(verdict.ok)
        self.assertIn(decision.number, verdict.reason)
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        self.assertIn(self.certificate.number, text)
        self.assertIn("QUYẾT ĐỊNH", text)
        before = list(Certificate.objects.values_list("pk", "number", "is_current"))
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(
            list(Certificate.objects.values_list("pk", "number", "is_current")), before
        )


def _temporary_folder():
    return tempfile.TemporaryDirectory()


class ConfiguredKeyTests(TestCase):
    def test_the_province_key_and_certificate_sign_when_configured(self):
        folder = Path(self.enterContext(_temporary_folder()))
        key, cert = folder / "province-key.pem", folder / "province-cert.pem"
        signing._make_sample(key, cert)
        with self.settings(SIGNING_KEY_FILE=str(key), SIGNING_CERT_FILE=str(cert)):
            self.assertFalse(signing.is_sample())
            signed = signing.sign(MINIMAL_PDF, reason="OCOP test")
            self.assertTrue(signing.check(signed).ok)
        self.assertFalse((Path(settings.PRIVATE_MEDIA_ROOT) / "signing").exists())
