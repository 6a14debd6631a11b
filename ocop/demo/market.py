"""The market part of the demo: the catalogue's search entries for every product, and sample
sales channels and trade events.

``seed_market(report=None)`` is idempotent: it writes only the search entries that are missing or
out of date (the products, producers and certificates themselves come from the other demo parts),
and the sample channels, events and participations that are missing or differ from the values
below, so a second run writes nothing. Call it last in ``ocop.demo.seed.seed``, after
``seed_certificates``.

Every channel and event here is invented: marked ``is_sample`` and named "(mẫu)", with web
addresses on the reserved ``.example`` domain. The events' dates are set relative to the day they
are first written (one upcoming fair in Điện Biên, one upcoming national fair, one past event)
and are not moved afterwards, so a second run changes nothing."""

import datetime

from django.utils import timezone

from ocop.market.search import rebuild_index

LABEL = "search entries"
CHANNELS_LABEL = "market.SalesChannel"
EVENTS_LABEL = "market.TradeEvent"
PARTICIPATIONS_LABEL = "market.Participation"

SHOWROOM = "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên (mẫu)"
SHOWROOM_ADDRESS = "Số 1 đường Võ Nguyên Giáp (mẫu)"

# (product, producer): [channel values]; found by (product, name).
CHANNELS = {
    ("Trà xanh Shan tuyết cổ thụ Tủa Chùa", "Công ty TNHH MTV Hương Linh"): [
        {
            "kind": "showroom",
            "name": SHOWROOM,
            "address": SHOWROOM_ADDRESS,
            "province_id": "11",
            "commune_id": "03127",
        },
        {
            "kind": "ecommerce",
            "name": "Gian hàng trên sàn bưu điện (mẫu)",
            "url": "https://postmart.example/gian-hang/huong-linh-tra-shan-tuyet",
        },
    ],
    ("Cà phê bột Hà Chung", "Cà phê Hà Chung"): [
        {
            "kind": "showroom",
            "name": SHOWROOM,
            "address": SHOWROOM_ADDRESS,
            "province_id": "11",
            "commune_id": "03127",
        },
        {
            "kind": "ecommerce",
            "name": "Gian hàng trên sàn bưu điện (mẫu)",
            "url": "https://postmart.example/gian-hang/ca-phe-ha-chung",
        },
    ],
    ("Mật ong bánh tổ", "HTX Ong mật Điện Biên"): [
        {
            "kind": "supermarket",
            "name": "Siêu thị đặc sản vùng miền (mẫu)",
            "address": "Phố Hàng Bông (mẫu)",
            "province_id": "01",
        },
    ],
    ("Gạo Séng Cù Trường Hương", "Công ty Giống nông nghiệp Trường Hương"): [
        {"kind": "export", "name": "Nhà nhập khẩu gạo đặc sản (mẫu)", "country": "Lào"},
    ],
    ("Gạo tám thơm Mường Thanh (mẫu)", "HTX Lúa gạo Thanh Xương (mẫu)"): [
        {
            "kind": "shop",
            "name": "Cửa hàng nông sản sạch Mường Thanh (mẫu)",
            "address": "Tổ dân phố 5 (mẫu)",
            "province_id": "11",
            "commune_id": "03334",
        },
        {
            "kind": "ecommerce",
            "name": "Sàn thương mại điện tử tỉnh Điện Biên (mẫu)",
            "url": "https://dienbien-ocop.example/san-pham/gao-tam-thom-muong-thanh",
        },
    ],
}

# name: (kind, start offset in days from the first run, length in days, province, address,
# organiser, national, description, participating producers)
EVENTS = {
    "Hội chợ OCOP và xúc tiến thương mại tỉnh Điện Biên (mẫu)": (
        "fair",
        20,
        5,
        "11",
        "Quảng trường 7/5, phường Điện Biên Phủ (mẫu)",
        "Văn phòng OCOP tỉnh Điện Biên (mẫu)",
        False,
        "Gian hàng OCOP của các xã trong tỉnh, giới thiệu trà Shan tuyết, cà phê, gạo và mật "
        "ong Điện Biên. Dữ liệu mẫu.",
        [
            "Công ty TNHH MTV Hương Linh",
            "Cà phê Hà Chung",
            "HTX Ong mật Điện Biên",
            "HTX Lúa gạo Thanh Xương (mẫu)",
        ],
    ),
    "Hội chợ OCOP toàn quốc (mẫu)": (
        "fair",
        110,
        5,
        "01",
        "Trung tâm Hội chợ triển lãm (mẫu)",
        "Văn phòng Điều phối nông thôn mới Trung ương (mẫu)",
        True,
        "Hội chợ sản phẩm OCOP của các tỉnh, thành phố. Dữ liệu mẫu.",
        ["Công ty TNHH MTV Hương Linh", "Cà phê Hà Chung"],
    ),
    "Tuần lễ sản phẩm OCOP – Lễ hội Hoa Ban (mẫu)": (
        "promotion_week",
        -260,
        4,
        "11",
        "Phường Mường Thanh (mẫu)",
        "Văn phòng OCOP tỉnh Điện Biên (mẫu)",
        False,
        "Tuần giới thiệu sản phẩm OCOP trong dịp lễ hội. Dữ liệu mẫu.",
        ["HTX Ong mật Điện Biên", "HTX Lúa gạo Thanh Xương (mẫu)"],
    ),
}


def _count(report, label, created, updated):
    if report is None:
        return
    if created:
        report.created[label] += 1
    elif updated:
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1


def _write(model, lookup, values, report, label):
    """Create the row found by ``lookup`` or bring its ``values`` back; count what happened."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model.objects.create(**lookup, **values)
        _count(report, label, True, False)
        return row
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    for field in changed:
        setattr(row, field, values[field])
    if changed:
        row.save(update_fields=[*changed, "updated_at"])
    _count(report, label, False, bool(changed))
    return row


def seed_channels(report=None) -> None:
    from ocop.market.models import SalesChannel
    from ocop.products.models import Product

    for (product_name, producer_name), channels in CHANNELS.items():
        product = Product.objects.filter(name=product_name, producer__name=producer_name).first()
        if product is None:
            continue
        for channel in channels:
            values = {
                "kind": channel["kind"],
                "address": channel.get("address", ""),
                "url": channel.get("url", ""),
                "country": channel.get("country", ""),
                "province_id": channel.get("province_id"),
                "commune_id": channel.get("commune_id"),
                "is_active": True,
                "is_sample": True,
            }
            _write(
                SalesChannel,
                {"product": product, "name": channel["name"]},
                values,
                report,
                CHANNELS_LABEL,
            )


def seed_events(report=None, today=None) -> None:
    from ocop.market.models import Participation, TradeEvent
    from ocop.producers.models import Producer

    today = today or timezone.localdate()
    for name, row in EVENTS.items():
        kind, offset, length, province, address, organiser, national, description, producers = row
        values = {
            "kind": kind,
            "province_id": province,
            "address": address,
            "organiser": organiser,
            "is_national": national,
            "description": description,
            "url": "",
            "is_sample": True,
        }
        event = TradeEvent.objects.filter(name=name, is_sample=True).first()
        if event is None:
            starts_on = today + datetime.timedelta(days=offset)
            event = TradeEvent.objects.create(
                name=name,
                starts_on=starts_on,
                ends_on=starts_on + datetime.timedelta(days=length - 1),
                **values,
            )
            _count(report, EVENTS_LABEL, True, False)
        else:  # the dates stay as first written
            event = _write(TradeEvent, {"pk": event.pk, "name": name}, values, report, EVENTS_LABEL)
        for producer in Producer.objects.filter(name__in=producers):
            _write(
                Participation,
                {"event": event, "producer": producer},
                {"status": Participation.Status.ACCEPTED},
                report,
                PARTICIPATIONS_LABEL,
            )


def seed_market(report=None) -> int:
    """Bring the catalogue's search index up to date and write the sample channels and events;
    returns how many search entries were written. With a ``SeedReport``, counts them under
    "search entries" and the model labels."""
    written = rebuild_index()
    if report is not None:
        from ocop.market.models import SearchEntry

        report.updated[LABEL] += written
        report.unchanged[LABEL] += SearchEntry.objects.count() - written
    seed_channels(report)
    seed_events(report)
    return written
