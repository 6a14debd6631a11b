"""Props of the catalogue tests: demo-like products (real Điện Biên names and places) and
certificates recorded through the certificates services."""

import datetime
import itertools

from django.utils import timezone

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.certificates.models import Authority
from ocop.certificates.recognition import services
from ocop.producers.choices import ProducerKind
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.models import Commune, LegacyCommune
from ocop.regions.tests.factories import province

from .. import search

_NUMBERS = itertools.count(5000)

# (product, producer, producer type, commune today, commune before July 2025, scoring set)
DEMO_PRODUCTS = [
    (
        "Trà xanh Shan tuyết cổ thụ Tủa Chùa",
        "Công ty TNHH MTV Hương Linh",
        "enterprise",
        "03217",
        "03232",
        11,
    ),
    ("Cà phê bột Hà Chung", "Cà phê Hà Chung", "household", "03256", "03307", 13),
    ("Mật ong bánh tổ", "HTX Ong mật Điện Biên", "cooperative", "03352", "03343", 4),
    (
        "Gạo Séng Cù Trường Hương",
        "Công ty Giống nông nghiệp Trường Hương",
        "enterprise",
        "03352",
        "03343",
        3,
    ),
    ("Gạo nếp nương Tâm Thiện", "HTX Tâm Thiện", "cooperative", "03328", None, 3),
    ("Thịt trâu sấy Lò Duyên", "Lò Duyên", "household", "03127", "03127", 8),
    ("Trà Shan tuyết P.H.1.4", "Trà Shan tuyết P.H.1.4", "household", "03241", "03232", 11),
    ("Cà phê Arabica hạt rang Hồng Kỳ HK13", "Cà phê Hồng Kỳ", "household", "03256", "03307", 13),
    (
        "Rượu ngô men lá Sáng Nhè (mẫu)",
        "HTX Rượu ngô Sáng Nhè (mẫu)",
        "cooperative",
        "03244",
        None,
        14,
    ),
    (
        "Măng khô Mường Chà (mẫu)",
        "HTX Nông lâm nghiệp Mường Chà (mẫu)",
        "cooperative",
        "03172",
        None,
        7,
    ),
    (
        "Khăn piêu thổ cẩm Thái (mẫu)",
        "Hộ kinh doanh Dệt thổ cẩm Lay Nưa (mẫu)",
        "household",
        "03328",
        None,
        22,
    ),
    (
        "Mắt ống tre đan (mẫu)",
        "Tổ hợp tác Mây tre Mường Lạn (mẫu)",
        "cooperative_group",
        "03217",
        None,
        21,
    ),
]


def make_product(
    name,
    producer_name=None,
    *,
    kind=ProducerKind.COOPERATIVE,
    commune="03256",
    legacy_commune=None,
    scoring_set=11,
    producer=None,
    **fields,
):
    if producer is None:
        producer = ProducerFactory(
            name=producer_name or f"HTX {name}",
            kind=kind,
            commune=Commune.objects.get(code=commune),
            legacy_commune=LegacyCommune.objects.get(code=legacy_commune)
            if legacy_commune
            else None,
        )
    return ProductFactory(producer=producer, name=name, scoring_set_id=scoring_set, **fields)


def certify(products, *, star=3, issued_on=None, province_code="11"):
    """Record a historical decision certifying ``products`` at ``star`` (one query burst), then
    refresh the search index (``certificates_changed`` only fires on a real commit)."""
    products = list(products)
    issued_on = issued_on or timezone.localdate() - datetime.timedelta(days=365)
    minister = star == 5  # only the Minister recognises 5-star products
    decision = services.record_historical_decision(
        province(province_code),
        actor=central_officer() if minister else province_officer(province_code),
        authority=Authority.MINISTER if minister else Authority.PROVINCE_CHAIRMAN,
        number=f"{next(_NUMBERS)}/QĐ-UBND",
        decided_on=issued_on,
        signer_name="Lê Thành Đô",
        certificates=[
            services.HistoricalCertificate(
                product=product, star=star, number=f"GCN-{next(_NUMBERS)}"
            )
            for product in products
        ],
    )
    search.rebuild_index()
    return {certificate.product_id: certificate for certificate in decision.certificates.all()}


def demo_catalogue():
    """The products of DEMO_PRODUCTS, certified (4★ for the first three, 3★ for the rest);
    returns {name: product}."""
    products = {
        name: make_product(
            name,
            producer,
            kind=kind,
            commune=commune,
            legacy_commune=legacy,
            scoring_set=scoring_set,
        )
        for name, producer, kind, commune, legacy, scoring_set in DEMO_PRODUCTS
    }
    names = list(products)
    certify([products[name] for name in names[:3]], star=4)
    certify([products[name] for name in names[3:]], star=3)
    return products
