"""Yearly supply figures of a producer, computed from its purchases (issue 17 §4): the raw
material bought and its growth, the share under contract, and what the households earned from
it. Aggregates only: no household is named, so officials in the producer's scope may see them.

One query per producer, grouped by year and base unit, served by the index on
(producer, purchased_on)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import ExtractYear

from .linkage import percent
from .models import Purchase

YEARS = 3


@dataclass(frozen=True)
class Year:
    year: int
    base_unit: str
    bought: Decimal  # in the base unit (kg or litres)
    under_contract: Decimal
    paid: Decimal  # VND paid to households
    households: int  # households that sold that year
    growth: Decimal | None  # percent against the year before; None without one

    @property
    def share_under_contract(self) -> Decimal:
        return percent(self.under_contract, self.bought)

    @property
    def paid_per_household(self) -> Decimal:
        return (self.paid / self.households).quantize(Decimal(1)) if self.households else Decimal(0)


def producer_years(producer, *, until: datetime.date, years: int = YEARS) -> list[Year]:
    """The last ``years`` calendar years up to ``until``'s, oldest first, one row per year and
    base unit that has purchases. Growth compares a year with the one before in the same unit
    (the year before the first shown is read too, so that the first has its growth)."""
    first = until.year - years + 1
    amount = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalField(max_digits=28, decimal_places=2)
    )
    rows = (
        Purchase.objects.filter(
            producer=producer,
            purchased_on__gte=datetime.date(first - 1, 1, 1),
            purchased_on__lte=until,
        )
        .annotate(year=ExtractYear("purchased_on"))
        .values("year", "base_unit")
        .order_by("base_unit", "year")
        .annotate(
            bought=Sum("base_quantity"),
            under_contract=Sum("base_quantity", filter=Q(contract__isnull=False)),
            paid=Sum(amount),
            households=Count("household", distinct=True),
        )
    )
    result, previous = [], {}
    for row in rows:
        before = previous.get((row["base_unit"], row["year"] - 1))
        previous[row["base_unit"], row["year"]] = row["bought"]
        if row["year"] < first:
            continue
        result.append(
            Year(
                year=row["year"],
                base_unit=row["base_unit"],
                bought=row["bought"],
                under_contract=row["under_contract"] or Decimal(0),
                paid=row["paid"] or Decimal(0),
                households=row["households"],
                growth=(
                    (Decimal(100) * (row["bought"] - before) / before).quantize(Decimal("0.1"))
                    if before
                    else None
                ),
            )
        )
    return sorted(result, key=lambda year: (year.year, year.base_unit))
