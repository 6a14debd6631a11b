import datetime

import factory

from ocop.accounts.tests.factories import UserFactory
from ocop.producers.choices import DocumentKind, ProducerKind
from ocop.producers.models import Producer, ProducerDocument, ProducerMember
from ocop.regions.tests.factories import commune

# The smallest valid PDF we accept: header, one empty page, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


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
