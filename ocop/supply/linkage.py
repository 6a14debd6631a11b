"""Criterion "Liên kết chuỗi trong sản xuất" from the records: the share of a product's raw
material bought under linkage contracts over the twelve months before a day, whether the
contracts ran without a break over those months, and the option of the sheet that these
figures support (issue 17 §4; the reading is written down in docs/supply.md).

The options are read from the sheet's own wording, as printed in Decision 26/2026/QĐ-TTg
(criterion 1.4 or 1.5 of 25 of the 26 sheets):

- "Không có liên kết hoặc có liên kết nhưng không rõ ràng" (0 points);
- "Có hợp đồng liên kết từ 50% đến dưới 75% sản lượng tiêu thụ";
- "Có hợp đồng liên kết trên 75% sản lượng tiêu thụ" (minimum for 4★);
- "… trên 75% … và tổ chức thực hiện hợp đồng ổn định từ 12 tháng trở lên tính đến thời điểm
  đăng ký đánh giá, phân hạng OCOP" (minimum for 5★).

Exactly 75% is neither "dưới 75%" nor "trên 75%"; the records then support the lower option
only. The figures support or question a claim; they never block it (the council decides)."""

import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from ocop.core.deadlines import add_months

from .models import Contract, Purchase

WINDOW_MONTHS = 12
LOWER, UPPER = Decimal(50), Decimal(75)


class Level(enum.IntEnum):
    """What the records support, in the order of the sheet's options."""

    NONE = 0  # below 50%, or nothing bought
    FROM_50 = 1  # from 50% to below 75%
    ABOVE_75 = 2  # above 75%
    ABOVE_75_STABLE = 3  # above 75%, contracts carried out without a break for 12 months


@dataclass(frozen=True)
class Linkage:
    """A product's linkage over the window (``since``, ``day``]: quantities in the base unit
    (kg, or litres for liquids), the share in percent (None when nothing was bought)."""

    day: datetime.date
    since: datetime.date
    base_unit: str
    bought: Decimal
    under_contract: Decimal
    share: Decimal | None
    stable: bool
    level: Level


def window(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months that end on ``day``: purchases after ``since`` and up to ``day``."""
    return add_months(day, -WINDOW_MONTHS), day


def product_linkage(product, day: datetime.date) -> Linkage:
    """The linkage figures of ``product`` on ``day`` (the day of registration, or today):
    two queries, each served by an index on (product, day)."""
    since, day = window(day)
    purchases = Purchase.objects.filter(
        product=product, purchased_on__gt=since, purchased_on__lte=day
    )
    rows = list(
        purchases.values("base_unit")
        .order_by("base_unit")
        .annotate(
            bought=Sum("base_quantity"),
            under_contract=Sum("base_quantity", filter=Q(contract__isnull=False)),
        )
    )
    # A product bought in two kinds of unit (kg and litres) is judged on the weaker share.
    base_unit, bought, under_contract, share = "kg", Decimal(0), Decimal(0), None
    for row in rows:
        row_share = percent(row["under_contract"] or Decimal(0), row["bought"])
        if share is None or row_share < share:
            base_unit, bought, share = row["base_unit"], row["bought"], row_share
            under_contract = row["under_contract"] or Decimal(0)
    stable = bool(rows) and contracts_unbroken(product, since, day)
    return Linkage(
        day=day,
        since=since,
        base_unit=base_unit,
        bought=bought,
        under_contract=under_contract,
        share=share,
        stable=stable,
        level=level_for(share, stable=stable),
    )


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.01")) if whole else Decimal(0)


def level_for(share: Decimal | None, *, stable: bool) -> Level:
    if share is None or share < LOWER:
        return Level.NONE
    if share <= UPPER:  # 75% exactly is not "trên 75%"
        return Level.FROM_50
    return Level.ABOVE_75_STABLE if stable else Level.ABOVE_75


def contracts_unbroken(product, since: datetime.date, day: datetime.date) -> bool:
    """Whether the product's linkage contracts were in force on every day of the window
    (``since``, ``day``], and at least one purchase was made under them in it: the contracts
    were carried out, not only signed ("tổ chức thực hiện hợp đồng ổn định từ 12 tháng")."""
    periods = (
        Contract.objects.filter(product=product, starts_on__lte=day, ends_on__gt=since)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    covered_until = since  # every day up to this one is covered
    for starts_on, ends_on in periods:
        if starts_on > covered_until + datetime.timedelta(days=1):
            return False
        covered_until = max(covered_until, ends_on)
        if covered_until >= day:
            break
    if covered_until < day:
        return False
    return Purchase.objects.filter(
        product=product,
        contract__isnull=False,
        purchased_on__gt=since,
        purchased_on__lte=day,
    ).exists()


# --------------------------------------------------------------------------------------
# The sheet's criterion and options
# --------------------------------------------------------------------------------------

LINKAGE_WORDS = "hợp đồng liên kết"


def linkage_criterion(sheet):
    """The sheet's linkage criterion (1.4 or 1.5): the one whose options speak of linkage
    contracts and their shares; None on the sheets that have none (tourism services)."""
    from ocop.rubric.models import Criterion

    return (
        Criterion.objects.filter(sheet=sheet, options__text_vi__contains=LINKAGE_WORDS)
        .distinct()
        .first()
    )


def option_level(text: str) -> Level:
    """The level an option's wording describes."""
    text = " ".join(text.split())
    if "ổn định từ 12 tháng" in text:
        return Level.ABOVE_75_STABLE
    if "trên 75%" in text:
        return Level.ABOVE_75
    if "từ 50% đến dưới 75%" in text:
        return Level.FROM_50
    return Level.NONE


def supported_option(criterion, linkage: Linkage):
    """The option of ``criterion`` that the records support: the highest whose level the
    linkage reaches."""
    options = sorted(criterion.options.all(), key=lambda option: option.points)
    supported = None
    for option in options:
        if option_level(option.text_vi) <= linkage.level:
            supported = option
    return supported
