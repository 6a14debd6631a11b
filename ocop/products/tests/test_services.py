from pathlib import Path

import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from ocop.accounts.tests.factories import province_officer
from ocop.core.audit import history_for, verify_chain
from ocop.core.models import AuditEvent
from ocop.producers.tests.factories import ProducerFactory, producer_member
from ocop.products import services
from ocop.products.models import ALL_MONTHS, Product, ProductPhoto, ScoringSet
from ocop.regions.tests.factories import commune

from .factories import ProductFactory, image_upload


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def row(product):
    return Product.objects.filter(pk=product.pk).values().get()


@time_machine.travel("2026-06-15 09:00 +0700", tick=False)
class ProductServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune("03256"))
        cls.lai_chau_producer = ProducerFactory(commune=commune("03388"))
        cls.official = province_officer("11")
        cls.lai_chau_official = province_officer("12")
        cls.member = producer_member(cls.producer)
        cls.tea = ScoringSet.objects.get(number=11)
        cls.coffee = ScoringSet.objects.get(number=13)

    def product_data(self, **overrides):
        data = {
            "producer": self.producer,
            "name": "Cà phê bột Mường Ảng",
            "scoring_set": self.coffee,
            "unit": "gói 500 g",
            "price_min": 120_000,
            "price_max": 150_000,
            "available_months": ALL_MONTHS,
        }
        data.update(overrides)
        return data

    def test_official_creates_a_product_with_a_code_and_an_audit_event(self):
        product = services.create_product(
            actor=self.official, data=self.product_data(code=" 11 – 3256 – 7 – 2026 ")
        )
        assert product.code == "11-03256-7-2026"
        assert product.folded_name == "ca phe bot muong ang"
        event = history_for(product).get()
        assert event.action == "product.created"
        assert event.actor == self.official
        assert event.changes["code"] == [None, "11-03256-7-2026"]
        assert event.changes["scoring_set_id"] == [None, "13"]
        assert verify_chain() == []

    def test_member_creates_a_product_for_their_own_producer(self):
        product = services.create_product(actor=self.member, data=self.product_data())
        assert product.producer == self.producer
        assert product.code == ""
        assert not product.is_sample

    def test_member_cannot_set_a_code_or_the_sample_flag_and_nothing_is_created(self):
        for field, value in [("code", "11-03256-7-2026"), ("is_sample", True)]:
            with self.subTest(field=field), self.assertRaises(PermissionDenied):
                services.create_product(actor=self.member, data=self.product_data(**{field: value}))
        assert not Product.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_nobody_creates_a_product_for_a_producer_outside_their_scope(self):
        for actor, producer in [
            (self.member, self.lai_chau_producer),
            (self.lai_chau_official, self.producer),
        ]:
            with self.subTest(actor=actor.username), self.assertRaises(PermissionDenied):
                services.create_product(actor=actor, data=self.product_data(producer=producer))
        assert not Product.objects.exists()

    def test_unknown_fields_are_a_programming_error(self):
        with self.assertRaises(ValueError):
            services.create_product(actor=self.official, data=self.product_data(folded_name="x"))

    def test_update_records_only_the_changed_fields(self):
        product = ProductFactory(producer=self.producer, price_min=100_000, price_max=120_000)
        services.update_product(
            product,
            actor=self.member,
            data={"name": "Trà Shan tuyết", "price_max": 130_000, "unit": product.unit},
        )
        event = history_for(product).get()
        assert event.action == "product.updated"
        assert event.changes == {
            "name": [product.name, "Trà Shan tuyết"],
            "price_max": ["120000", "130000"],
        }

    def test_update_without_changes_writes_nothing(self):
        product = ProductFactory(producer=self.producer)
        before = row(product)
        services.update_product(product, actor=self.official, data={"name": product.name})
        assert row(product) == before
        assert not AuditEvent.objects.exists()

    def test_months_are_audited_as_month_numbers(self):
        product = ProductFactory(producer=self.producer)
        services.update_product(
            product, actor=self.member, data={"available_months": Product.months_to_mask([5, 6])}
        )
        assert history_for(product).get().changes["available_months"] == [
            "1,2,3,4,5,6,7,8,9,10,11,12",
            "5,6",
        ]

    def test_member_cannot_change_code_producer_or_sample_flag(self):
        product = ProductFactory(producer=self.producer, code="11-03256-001-2026")
        other = ProducerFactory(commune=commune("03256"))
        producer_member(other, username="both")
        before = row(product)
        for field, value in [
            ("code", "11-03256-002-2026"),
            ("producer", other),
            ("is_sample", not product.is_sample),
        ]:
            with self.subTest(field=field), self.assertRaises(PermissionDenied):
                services.update_product(product, actor=self.member, data={field: value})
        assert row(product) == before
        assert not AuditEvent.objects.exists()

    def test_official_cannot_move_a_product_to_a_producer_outside_their_scope(self):
        product = ProductFactory(producer=self.producer)
        before = row(product)
        with self.assertRaises(ValidationError) as caught:
            services.update_product(
                product, actor=self.official, data={"producer": self.lai_chau_producer}
            )
        assert "producer" in caught.exception.error_dict
        assert row(product) == before

    def test_official_moves_a_product_to_another_producer_of_the_province(self):
        product = ProductFactory(producer=self.producer)
        other = ProducerFactory(commune=commune("03127"))
        services.update_product(product, actor=self.official, data={"producer": other})
        product.refresh_from_db()
        assert product.producer == other
        assert history_for(product).get().changes["producer_id"] == [
            str(self.producer.pk),
            str(other.pk),
        ]

    def test_official_of_another_province_cannot_update(self):
        product = ProductFactory(producer=self.producer)
        before = row(product)
        with self.assertRaises(PermissionDenied):
            services.update_product(product, actor=self.lai_chau_official, data={"name": "X"})
        assert row(product) == before

    def test_duplicate_code_is_a_validation_error(self):
        ProductFactory(producer=self.producer, code="11-03256-001-2026")
        with self.assertRaises(ValidationError) as caught:
            services.create_product(
                actor=self.official, data=self.product_data(code="11-3256-001-2026")
            )
        assert caught.exception.error_dict["code"][0].code == "duplicate_code"
        assert Product.objects.count() == 1

    def test_code_of_another_province_is_refused(self):
        commune("03388")
        with self.assertRaises(ValidationError) as caught:
            services.create_product(
                actor=self.official, data=self.product_data(code="12-03388-001-2026")
            )
        assert caught.exception.error_dict["code"][0].code == "other_province"
        assert not Product.objects.exists()

    def test_invalid_code_is_refused_with_the_reason(self):
        with self.assertRaises(ValidationError) as caught:
            services.create_product(
                actor=self.official, data=self.product_data(code="11-99999-001-2026")
            )
        assert caught.exception.error_dict["code"][0].code == "unknown_commune"

    def test_an_old_code_that_no_longer_validates_does_not_block_other_edits(self):
        product = ProductFactory(producer=self.producer, code="11-03256-001-2010")
        services.update_product(product, actor=self.official, data={"name": "Tên mới"})
        product.refresh_from_db()
        assert product.name == "Tên mới"
        assert product.code == "11-03256-001-2010"

    def test_price_range_and_months_are_checked(self):
        with self.assertRaises(ValidationError) as caught:
            services.create_product(
                actor=self.official,
                data=self.product_data(price_min=200_000, price_max=100_000, available_months=0),
            )
        errors = caught.exception.error_dict
        assert errors["price_max"][0].code == "price_range"
        assert errors["available_months"][0].code == "no_months"
        assert not Product.objects.exists()


class PhotoServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.producer = ProducerFactory(commune=commune("03256"))
        cls.member = producer_member(cls.producer)
        cls.outsider = province_officer("12")

    def setUp(self):
        self.product = ProductFactory(producer=self.producer)

    def test_photo_is_stored_with_a_thumbnail_and_audited(self):
        photo = services.add_photo(
            self.product,
            actor=self.member,
            upload=image_upload("ảnh sản phẩm.exe.png", size=(1600, 1000)),
            caption="  Gói   500 g ",
        )
        assert photo.uploaded_by == self.member
        assert photo.caption == "Gói 500 g"
        assert photo.position == 0
        assert photo.image.name.startswith(f"products/{self.product.pk}/photos/")
        assert photo.image.name.endswith(".png")
        assert "ảnh" not in photo.image.name
        with Image.open(photo.thumbnail.path) as thumbnail:
            assert thumbnail.format == "JPEG"
            assert thumbnail.width <= 480
            assert thumbnail.height <= 360
        event = history_for(self.product).get()
        assert event.action == "product.photo_added"
        assert event.changes == {"photo": [None, photo.image.name]}
        second = services.add_photo(self.product, actor=self.member, upload=image_upload())
        assert second.position == 1

    def test_broken_image_stores_nothing(self):
        upload = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50)
        with self.assertRaises(ValidationError):
            services.add_photo(self.product, actor=self.member, upload=upload)
        assert not ProductPhoto.objects.exists()
        assert stored_files() == []
        assert not AuditEvent.objects.exists()

    def test_outsider_cannot_add_a_photo(self):
        with self.assertRaises(PermissionDenied):
            services.add_photo(self.product, actor=self.outsider, upload=image_upload())
        assert not ProductPhoto.objects.exists()
        assert stored_files() == []

    def test_removal_deletes_the_files_after_commit_and_is_audited(self):
        photo = services.add_photo(self.product, actor=self.member, upload=image_upload())
        assert len(stored_files()) == 2
        with self.captureOnCommitCallbacks(execute=True):
            services.remove_photo(photo, actor=self.member)
        assert not ProductPhoto.objects.exists()
        assert stored_files() == []
        event = history_for(self.product).first()
        assert event.action == "product.photo_removed"
        assert event.changes == {"photo": [photo.image.name, None]}
        assert verify_chain() == []

    def test_outsider_cannot_remove_a_photo(self):
        photo = services.add_photo(self.product, actor=self.member, upload=image_upload())
        with self.assertRaises(PermissionDenied):
            services.remove_photo(photo, actor=self.outsider)
        assert ProductPhoto.objects.filter(pk=photo.pk).exists()
        assert len(stored_files()) == 2

    def test_moving_a_photo_renumbers_and_is_audited(self):
        first, second, third = (
            services.add_photo(self.product, actor=self.member, upload=image_upload())
            for _ in range(3)
        )
        services.move_photo(third, actor=self.member, offset=-1)
        order = list(self.product.photos.values_list("pk", flat=True))
        assert order == [first.pk, third.pk, second.pk]
        assert history_for(self.product).first().changes == {"position": ["3", "2"]}
        services.move_photo(first, actor=self.member, offset=-1)  # already first: nothing
        assert history_for(self.product).filter(action="product.photo_moved").count() == 1
        assert list(self.product.photos.values_list("position", flat=True)) == [0, 1, 2]
