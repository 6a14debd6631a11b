import datetime
import io

import factory
from PIL import Image

from ocop.accounts.tests.factories import UserFactory
from ocop.producers.choices import DocumentKind, ProducerKind
from ocop.producers.models import Producer, ProducerDocument, ProducerMember
from ocop.regions.models import CommuneSuccession, LegacyCommune, LegacyDistrict, LegacyProvince
from ocop.regions.tests.factories import commune, province


def _minimal_pdf() -> bytes:
    """The smallest valid PDF we accept: header, one empty page, cross-reference table and
    trailer (pypdf, which reads every uploaded PDF, needs the table's offsets)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj" % number + obj + b"endobj\n"
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n"
    return body + xref + trailer % (len(objects) + 1, len(body))


MINIMAL_PDF = _minimal_pdf()


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"HTX Mẫu số {n}")
    kind = ProducerKind.COOPERATIVE
    registration_number = factory.Sequence(lambda n: f"56{n:08d}")
    representative_name = factory.Sequence(lambda n: f"Lò Văn {n}")
    representative_sex = "male"
    phone = "0215 3800 000"
    commune = factory.LazyFunction(commune)
    is_sample = True


def producer_member(producer=None, **kwargs):
    producer = producer or ProducerFactory()
    user = UserFactory(**kwargs)
    ProducerMember.objects.create(user=user, producer=producer)
    return user


class ProducerDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerDocument

    producer = factory.SubFactory(ProducerFactory)
    kind = DocumentKind.FOOD_SAFETY
    number = factory.Sequence(lambda n: f"{n}/GCN-ATTP")
    issuer = "Sở Nông nghiệp và Môi trường tỉnh Điện Biên"
    issued_on = datetime.date(2025, 1, 15)
    expires_on = datetime.date(2028, 1, 14)
    file = factory.django.FileField(filename="giay-chung-nhan.pdf", data=MINIMAL_PDF)
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)


# Legacy units (before 1 July 2025) with their real codes, and the commune each became part of.
LEGACY_PROVINCES = {"11": ("Tỉnh Điện Biên", "Điện Biên"), "12": ("Tỉnh Lai Châu", "Lai Châu")}
LEGACY_DISTRICTS = {
    "102": ("11", "Huyện Mường Ảng", "Mường Ảng", "huyện"),
    "105": ("12", "Thành phố Lai Châu", "Lai Châu", "thành phố"),
}
LEGACY_COMMUNES = {
    "03256": ("102", "Thị trấn Mường Ảng", "Mường Ảng", "thị trấn", "03256"),
    "03307": ("102", "Xã Ẳng Nưa", "Ẳng Nưa", "xã", "03256"),
    "03388": ("105", "Phường Đoàn Kết", "Đoàn Kết", "phường", "03388"),
}


def legacy_commune(code="03307"):
    """A real legacy commune, its district and province, and its succession to today's commune."""
    district_code, name, short, kind, successor = LEGACY_COMMUNES[code]
    province_code, district_name, district_short, district_kind = LEGACY_DISTRICTS[district_code]
    province_name, province_short = LEGACY_PROVINCES[province_code]
    legacy_province, _ = LegacyProvince.objects.get_or_create(
        code=province_code,
        defaults={"name": province_name, "short_name": province_short, "division_type": "tỉnh"},
    )
    legacy_province.successors.add(province(province_code))
    district, _ = LegacyDistrict.objects.get_or_create(
        code=district_code,
        defaults={
            "name": district_name,
            "short_name": district_short,
            "division_type": district_kind,
            "province": legacy_province,
        },
    )
    obj, _ = LegacyCommune.objects.get_or_create(
        code=code,
        defaults={"name": name, "short_name": short, "division_type": kind, "district": district},
    )
    CommuneSuccession.objects.get_or_create(legacy_commune=obj, commune=commune(successor))
    return obj


def png_bytes(size=(8, 8)) -> bytes:
    """A small valid PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


# Files that must be refused: a Windows program renamed to .pdf, and a JPEG header followed by
# garbage.
RENAMED_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
BROKEN_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"garbage, not an image " * 20
