import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ocop.producers.tests.factories import ProducerFactory
from ocop.products.models import Product, ProductPhoto, ScoringSet
from ocop.regions.models import CommuneSuccession, LegacyCommune, LegacyDistrict, LegacyProvince
from ocop.regions.tests.factories import commune


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Sản phẩm mẫu {n}")
    scoring_set = factory.LazyFunction(lambda: ScoringSet.objects.get(number=11))
    unit = "hộp 200 g"
    is_sample = True


class ProductPhotoFactory(factory.django.DjangoModelFactory):
    """A photo row whose files are not written (for pages that only link to them)."""

    class Meta:
        model = ProductPhoto

    product = factory.SubFactory(ProductFactory)
    image = factory.Sequence(lambda n: f"products/test/photos/photo-{n}.jpg")
    thumbnail = factory.Sequence(lambda n: f"products/test/thumbnails/photo-{n}.jpg")
    caption = factory.Sequence(lambda n: f"Ảnh {n}")
    position = factory.Sequence(lambda n: n)


# Real units as they were before 1 July 2025 (General Statistics Office codes), with what they
# became: Thị trấn Mường Ảng and Xã Ẳng Nưa (huyện Mường Ảng) → today's Xã Mường Ảng (03256).
LEGACY_PROVINCES = {"11": "Tỉnh Điện Biên", "12": "Tỉnh Lai Châu"}
LEGACY_DISTRICTS = {
    "094": ("11", "Thành phố Điện Biên Phủ"),
    "102": ("11", "Huyện Mường Ảng"),
    "105": ("12", "Thành phố Lai Châu"),
}
LEGACY_COMMUNES = {
    "03127": ("094", "Phường Him Lam", "03127"),
    "03256": ("102", "Thị trấn Mường Ảng", "03256"),
    "03307": ("102", "Xã Ẳng Nưa", "03256"),
    "03388": ("105", "Phường Quyết Tiến", "03388"),
}


def _short(name):
    return name.split(" ", 1)[1] if name.startswith(("Tỉnh", "Xã", "Phường")) else name


def legacy_province(code="11") -> LegacyProvince:
    name = LEGACY_PROVINCES[code]
    obj, _ = LegacyProvince.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": _short(name), "division_type": "tỉnh"}
    )
    return obj


def legacy_district(code="102") -> LegacyDistrict:
    province_code, name = LEGACY_DISTRICTS[code]
    obj, _ = LegacyDistrict.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": name.split(" ", 1)[1],
            "division_type": name.split(" ", 1)[0].lower(),
            "province": legacy_province(province_code),
        },
    )
    return obj


def legacy_commune(code="03307", *, with_succession=True) -> LegacyCommune:
    district_code, name, successor = LEGACY_COMMUNES[code]
    obj, _ = LegacyCommune.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": _short(name),
            "division_type": "xã",
            "district": legacy_district(district_code),
        },
    )
    if with_succession:
        CommuneSuccession.objects.get_or_create(legacy_commune=obj, commune=commune(successor))
    return obj


def image_bytes(image_format="PNG", size=(1000, 800), color=(40, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(name="anh.png", image_format="PNG", size=(1000, 800)) -> SimpleUploadedFile:
    content_type = "image/png" if image_format == "PNG" else "image/jpeg"
    return SimpleUploadedFile(name, image_bytes(image_format, size), content_type=content_type)
