"""Uploading product photos through the page: checked by content and size, stored with a
thumbnail, and nothing at all stored when refused."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from PIL import Image

from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products.models import ProductPhoto
from ocop.regions.tests.factories import commune

from .factories import ProductFactory, image_bytes, image_upload


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@override_settings(LANGUAGE_CODE="en")  # the tests read the English messages
class PhotoUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.product = ProductFactory(producer=ProducerFactory(commune=commune("03256")))
        cls.member = producer_member(cls.product.producer)
        cls.url = reverse("products:photo_add", args=[cls.product.pk])

    def setUp(self):
        self.client.force_login(self.member)

    def assert_refused(self, upload, message):
        response = self.client.post(self.url, {"image": upload, "caption": "Ảnh"})
        assert response.status_code == 200
        errors = response.context["form"].errors["image"]
        assert any(message in error for error in errors), errors
        assert message in response.text
        assert not ProductPhoto.objects.exists()
        assert not AuditEvent.objects.exists()
        assert stored_files() == []

    def test_renamed_executable_is_refused(self):
        exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(400)
        upload = SimpleUploadedFile("anh-san-pham.jpg", exe, content_type="image/jpeg")
        self.assert_refused(upload, "Only JPEG or PNG photos are accepted.")

    @override_settings(UPLOAD_MAX_BYTES=1000)
    def test_oversized_photo_is_refused_with_the_limit(self):
        upload = image_upload("lon.png", size=(400, 400))
        assert upload.size > 1000
        self.assert_refused(upload, "the limit is 1000")

    def test_broken_image_is_refused(self):
        broken = image_bytes("PNG")[:60] + b"\x00" * 200
        upload = SimpleUploadedFile("hong.png", broken, content_type="image/png")
        self.assert_refused(upload, "damaged")

    def test_empty_file_is_refused(self):
        response = self.client.post(
            self.url, {"image": SimpleUploadedFile("rong.png", b""), "caption": ""}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["image"]
        assert not ProductPhoto.objects.exists()
        assert stored_files() == []

    def test_missing_file_is_a_form_error(self):
        response = self.client.post(self.url, {"caption": "Không có ảnh"})
        assert response.status_code == 200
        assert response.context["form"].errors["image"]
        assert not ProductPhoto.objects.exists()

    def test_valid_png_and_jpeg_are_stored_with_a_small_thumbnail(self):
        for image_format, extension, size in [
            ("PNG", "png", (1200, 900)),
            ("JPEG", "jpg", (600, 1400)),
        ]:
            with self.subTest(image_format=image_format):
                upload = image_upload(f"ảnh.{extension}", image_format, size)
                response = self.client.post(self.url, {"image": upload, "caption": image_format})
                assert response.status_code == 302
                assert response["Location"] == self.product.get_absolute_url()
                photo = ProductPhoto.objects.get(caption=image_format)
                assert photo.image.name.endswith(f".{extension}")
                assert photo.uploaded_by == self.member
                with Image.open(photo.image.path) as image:
                    assert image.size == size
                with Image.open(photo.thumbnail.path) as thumbnail:
                    assert thumbnail.format == "JPEG"
                    assert thumbnail.width <= 480
                    assert thumbnail.height <= 360
        assert len(stored_files()) == 4
        assert AuditEvent.objects.filter(action="product.photo_added").count() == 2

    def test_caption_too_long_is_a_form_error(self):
        response = self.client.post(self.url, {"image": image_upload(), "caption": "x" * 201})
        assert response.status_code == 200
        assert response.context["form"].errors["caption"]
        assert stored_files() == []
