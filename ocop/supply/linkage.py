"""Criterion "Liên kết chuỗi trong sản xuất" from the records: the share of a product's raw
material bought under linkage contracts over the twelve months before a day, since when the
product's contracts have run without a break, and the option of the sheet that these figures
support (issue 17 §4; the reading is written down in docs/supply.md).

The options' conditions are read from the sheet's own wording, as printed in Decision
26/2026/QĐ-TTg (criterion 1.4 or 1.5 of 25 of the 26 sheets), not written here:

- "Không có liên kết hoặc có liên kết nhưng không rõ ràng" (0 points): asks nothing;
- "Có hợp đồng liên kết từ 50% đến dưới 75% sản lượng tiêu thụ": a share of at least 50%;
- "Có hợp đồng liên kết trên 75% sản lượng tiêu thụ" (minimum for 4★): above 75%;
- "… trên 75% … và tổ chức thực hiện hợp đồng ổn định từ 12 tháng trở lên tính đến thời điểm
  đăng ký đánh giá, phân hạng OCOP" (minimum for 5★): above 75%, and contracts carried out
  without a break for the 12 months before the day.

The records support the highest option whose condition they meet, so exactly 75% (neither
"dưới 75%" nor "trên 75%") supports the lower option. The figures support or question a claim;
they never block it (the council decides)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from ocop.core.deadlines import add_months

from .models import Contract, Purchase

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Linkage:
    """A product's linkage on ``day``: what was bought over the window (``since``, ``day``] in
    the base unit (kg, or litres for liquids), the share under contract in percent (None when
    nothing was bought), and the first day of the product's unbroken run of contracts that is
    still in force on ``day`` (None without a contract in force)."""

    day: datetime.date
    since: datetime.date
    base_unit: str
    bought: Decimal
    under_contract: Decimal
    share: Decimal | None
    contracted_since: datetime.date | None

    def contracted_for(self, months: int) -> bool:
        """Whether contracts were in force on every day of the ``months`` months that end on
        the day, and carried out (purchases under them in the window), not only signed."""
        if self.contracted_since is None or not self.under_contract:
            return False
        return self.contracted_since <= add_months(self.day, -months) + datetime.timedelta(1)

    @property
    def stable(self) -> bool:
        return self.contracted_for(WINDOW_MONTHS)


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
    rows = (
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
    return Linkage(
        day=day,
        since=since,
        base_unit=base_unit,
        bought=bought,
        under_contract=under_contract,
        share=share,
        contracted_since=contracted_since(product, day),
    )


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.01")) if whole else Decimal(0)


def contracted_since(product, day: datetime.date) -> datetime.date | None:
    """The first day of the run of the product's contracts, without a day's gap, that
    covers ``day``; None when no contract is in force on ``day``."""
    periods = (
        Contract.objects.filter(product=product, starts_on__lte=day)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )
    run_start = run_end = None
    for starts_on, ends_on in periods:
        if run_end is None or starts_on > run_end + datetime.timedelta(1):
            run_start, run_end = starts_on, ends_on  # a gap: a new run begins
        else:
            run_end = max(run_end, ends_on)
    return run_start if run_end is not None and run_end >= day else None


# --------------------------------------------------------------------------------------
# The sheet's criterion and options
# --------------------------------------------------------------------------------------

LINKAGE_WORDS = "hợp đồng liên kết"
SHARE = re.compile(r"\b(từ|trên)\s+(\d+(?:[.,]\d+)?)\s*%")
STABLE_MONTHS = re.compile(r"ổn định từ\s+(\d+)\s+tháng")


@dataclass(frozen=True)
class Condition:
    """What an option's wording asks of the records: a share of at least ("từ") or above
    ("trên") a percentage, and contracts carried out for some months. An option that names no
    share ("Không có liên kết…") asks nothing."""

    share: Decimal | None = None
    inclusive: bool = True
    months: int | None = None

    def met_by(self, linkage: Linkage) -> bool:
        if self.share is None:
            return True
        if linkage.share is None:
            return False
        enough = linkage.share >= self.share if self.inclusive else linkage.share > self.share
        return enough and (self.months is None or linkage.contracted_for(self.months))


def option_condition(text: str) -> Condition:
    """The condition an option's wording states (its lower bound: "dưới 75%" is the next
    option's business)."""
    text = " ".join(text.split())
    share = SHARE.search(text)
    if share is None:
        return Condition()
    months = STABLE_MONTHS.search(text)
    return Condition(
        share=Decimal(share[2].replace(",", ".")),
        inclusive=share[1] == "từ",
        months=int(months[1]) if months else None,
    )


def linkage_criterion(sheet):
    """The sheet's linkage criterion (1.4 or 1.5): the one whose options speak of linkage
    contracts and their shares; None on the sheets that have none (tourism services)."""
    from ocop.rubric.models import Criterion

    return (
        Criterion.objects.filter(sheet=sheet, options__text_vi__contains=LINKAGE_WORDS)
        .distinct()
        .first()
    )


def supported_option(criterion, linkage: Linkage):
    """The option of ``criterion`` that the records support: the highest in points whose
    condition the linkage meets."""
    supported = None
    for option in sorted(criterion.options.all(), key=lambda option: option.points):
        if option_condition(option.text_vi).met_by(linkage):
            supported = option
    return supported
