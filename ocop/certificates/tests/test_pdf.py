"""The certificate PDF and the stamps sheet, read back: their text (pypdf) and their QR code
(zxing-cpp), which must lead to the public verification address."""

import io

import time_machine
import zxingcpp
from django.test import TestCase, override_settings
from PIL import Image
from pypdf import PdfReader

from ocop.accounts.tests.factories import province_officer
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune

from ..models import Certificate
from ..recognition import pdf
from ..recognition.qr import qr_png, verification_url
from .factories import NOW, TODAY, historical_certificate

NAME = "Trà xanh Shan tuyết cổ thụ Tủa Chùa"


def decoded(image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


@override_settings(SITE_URL="https://ocop.dienbien.example.vn")
@time_machine.travel(NOW, tick=False)
class CertificatePdfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        producer = ProducerFactory(name="Công ty TNHH MTV Hương Linh", commune=commune("03256"))
        created = historical_certificate(
            province_officer("11"),
            ProductFactory(producer=producer, name=NAME),
            star=4,
            issued_on=TODAY,
            number="GCN-0042/2026",
        )
        cls.certificate = Certificate.objects.select_related(
            "product__producer__province", "product__producer__commune", "decision__province"
        ).get(pk=created.pk)
        cls.url = f"https://ocop.dienbien.example.vn/v/{cls.certificate.public_code}"

    def test_verification_url_is_the_site_address_of_the_public_page(self):
        self.assertEqual(verification_url(self.certificate), self.url)

    def test_certificate_text_has_the_vietnamese_product_name_star_and_facts(self):
        reader = PdfReader(io.BytesIO(pdf.certificate_pdf(self.certificate)))
        self.assertEqual(len(reader.pages), 1)
        page = reader.pages[0]
        self.assertGreater(page.mediabox.width, page.mediabox.height)  # landscape
        text = page.extract_text()
        self.assertIn(NAME, text)
        self.assertIn("★★★★", text)
        self.assertNotIn("★★★★★", text)
        self.assertIn("Công ty TNHH MTV Hương Linh", text)
        self.assertIn("Mường Ảng", text)
        self.assertIn("GCN-0042/2026", text)
        self.assertIn(self.certificate.decision.number, text)
        self.assertIn(self.url, text)

    def test_certificate_qr_code_decodes_to_the_verification_address(self):
        # The same QR as drawn in the PDF, as a PNG...
        self.assertEqual(decoded(Image.open(qr_png(self.url))), [self.url])
        # ...and the image actually embedded in the PDF.
        reader = PdfReader(io.BytesIO(pdf.certificate_pdf(self.certificate)))
        images = reader.pages[0].images
        self.assertEqual(len(images), 1)
        self.assertEqual(decoded(images[0].image), [self.url])

    def test_stamps_sheet_is_a_grid_of_qr_codes_with_star_and_short_code(self):
        reader = PdfReader(io.BytesIO(pdf.stamps_pdf(self.certificate)))
        page = reader.pages[0]
        self.assertLess(page.mediabox.width, page.mediabox.height)  # portrait
        text = page.extract_text()
        self.assertEqual(
            text.count(self.certificate.public_code), pdf.STAMP_COLUMNS * pdf.STAMP_ROWS
        )
        self.assertEqual(text.count("OCOP ★★★★"), pdf.STAMP_COLUMNS * pdf.STAMP_ROWS)
        # One QR image, drawn in every stamp.
        images = page.images
        self.assertEqual(len(images), 1)
        self.assertEqual(decoded(images[0].image), [self.url])
        self.assertEqual(
            page.extract_text().count("Trà xanh Shan tuyết cổ thụ Tủa"),
            pdf.STAMP_COLUMNS * pdf.STAMP_ROWS,
        )
