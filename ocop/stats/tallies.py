"""The tallies (:class:`~ocop.stats.models.Tally`): counts of the certificate facts kept by day
and by month, so that a national figure reads O(provinces × sets × stars) rows on any day, not
one row per certificate.

Everything a tally counts is either a spell of days (a certificate valid, expiring within 180
days, one criterion from the next star; a producer holding at least one valid certificate) or an
event on one day (an issue, a revocation, a product's first recognition). :func:`tally_rows`
turns facts into rows; :func:`apply` adds the difference of two such row sets to the table (the
refresh of a few products); :func:`counts_on` and :func:`year_counts` read them."""

import datetime
from collections import defaultdict

from django.db.models import Q, Sum

from ocop.core.deadlines import certificate_valid_through

from .models import Tally

EXPIRY_HORIZON_DAYS = 180
MEASURES = (
    "products",
    "expiring",
    "one_step",
    "producers",
    "issued",
    "revoked",
    "first_recognised",
)
KEY_FIELDS = ("period", "day", "province_id", "scoring_set_id", "star", "producer_kind")
DAY, MONTH = Tally.Period.DAY.value, Tally.Period.MONTH.value
#: A refresh changing more tally rows than this (an import) rewrites the table from the facts.
REWRITE_ABOVE = 20_000
ONE_DAY = datetime.timedelta(days=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - ONE_DAY


def anchor(day: datetime.date) -> datetime.date:
    """The month end whose ``month`` rows the counts on ``day`` start from: ``day`` itself when
    it ends a month (no ``day`` rows to add), else the end of the month before."""
    return day if day == month_end(day) else day.replace(day=1) - ONE_DAY


def validity(fact) -> tuple[datetime.date, datetime.date]:
    """The days on which ``fact`` (a dict of the fact's fields) counts: [first, end) — the same
    rule as :func:`~ocop.stats.models.valid_q`, with the grace period when ``is_extended``."""
    last = certificate_valid_through(fact["valid_until"], re_rating_filed=fact["is_extended"])
    ends = [last + ONE_DAY]
    ends += [fact[name] for name in ("revoked_on", "superseded_on") if fact[name] is not None]
    return fact["issued_on"], min(ends)


class _Rows:
    def __init__(self):
        self.rows = defaultdict(lambda: dict.fromkeys(MEASURES, 0))

    def spell(self, measure, dims, first, end):
        if first >= end:
            return
        self.rows[(DAY, first, *dims)][measure] += 1
        self.rows[(DAY, end, *dims)][measure] -= 1
        last = month_end(first)
        while last < end:
            self.rows[(MONTH, last, *dims)][measure] += 1
            last = month_end(last + ONE_DAY)

    def event(self, measure, dims, day):
        """+1 on ``day``, and in the year-to-date counts of each month end of its year."""
        self.rows[(DAY, day, *dims)][measure] += 1
        last = month_end(day)
        while last.year == day.year:
            self.rows[(MONTH, last, *dims)][measure] += 1
            last = month_end(last + ONE_DAY)


def tally_rows(facts, producer_facts) -> dict[tuple, dict]:
    """key (``KEY_FIELDS``) → measures counted from ``facts`` (certificates with the products'
    first recognitions: give all the facts of each product) and from the producers' spells of
    ``producer_facts`` (give all the facts of each producer)."""
    out = _Rows()
    first_issue = {}
    horizon = datetime.timedelta(days=EXPIRY_HORIZON_DAYS)
    for fact in facts:
        first, end = validity(fact)
        unit = (fact["province_id"], fact["scoring_set_id"], fact["star"], "")
        kind = (fact["province_id"], 0, 0, fact["producer_kind"])
        out.spell("products", unit, first, end)
        out.spell("products", kind, first, end)
        out.spell("expiring", unit, max(first, fact["valid_until"] - horizon), end)
        if fact["upgrades_to_next_star"] == 1:
            out.spell("one_step", unit, first, end)
        out.event("issued", kind, fact["issued_on"])
        if fact["revoked_on"] is not None:
            out.event("revoked", kind, fact["revoked_on"])
        product = fact["product_id"]
        if product not in first_issue or fact["issued_on"] < first_issue[product][0]:
            first_issue[product] = (fact["issued_on"], kind)
    for day, kind in first_issue.values():
        out.event("first_recognised", kind, day)
    spells = defaultdict(list)
    for fact in producer_facts:
        spells[fact["producer_id"], fact["province_id"], fact["producer_kind"]].append(
            validity(fact)
        )
    for (_, province, producer_kind), days in spells.items():
        start = end = None
        for first, last in sorted(days):
            if first >= last:
                continue
            if start is not None and first <= end:
                end = max(end, last)
                continue
            if start is not None:
                out.spell("producers", (province, 0, 0, producer_kind), start, end)
            start, end = first, last
        if start is not None:
            out.spell("producers", (province, 0, 0, producer_kind), start, end)
    return {key: values for key, values in out.rows.items() if any(values.values())}


def difference(new: dict, old: dict) -> dict:
    changes = {}
    for key in new.keys() | old.keys():
        empty = dict.fromkeys(MEASURES, 0)
        values = {m: new.get(key, empty)[m] - old.get(key, empty)[m] for m in MEASURES}
        if any(values.values()):
            changes[key] = values
    return changes


def stored_rows(**filters) -> dict[tuple, dict]:
    return {
        tuple(row[name] for name in KEY_FIELDS): {m: row[m] for m in MEASURES}
        for row in Tally.objects.filter(**filters)
        .order_by()
        .values(*KEY_FIELDS, *MEASURES)
        .iterator(chunk_size=5000)
    }


def write(rows: dict) -> None:
    Tally.objects.bulk_create([_row(key, values) for key, values in rows.items()], batch_size=2000)


def _row(key, values) -> Tally:
    return Tally(**dict(zip(KEY_FIELDS, key, strict=True)), **values)


def apply(changes: dict) -> None:
    """Add ``changes`` (key → measures) to the table: update the rows that exist, create the
    others, delete those left at zero."""
    if not changes:
        return
    days = {key[1] for key in changes}
    provinces = {key[2] for key in changes}
    existing = {
        tuple(getattr(row, name) for name in KEY_FIELDS): row
        for row in Tally.objects.filter(day__in=days, province_id__in=provinces)
    }
    updated, created, emptied = [], [], []
    for key, values in changes.items():
        row = existing.get(key)
        if row is None:
            created.append(_row(key, values))
            continue
        for measure, value in values.items():
            setattr(row, measure, getattr(row, measure) + value)
        if any(getattr(row, measure) for measure in MEASURES):
            updated.append(row)
        else:
            emptied.append(row.pk)
    Tally.objects.bulk_create(created, batch_size=2000)
    Tally.objects.bulk_update(updated, MEASURES, batch_size=2000)
    for start in range(0, len(emptied), 2000):
        Tally.objects.filter(pk__in=emptied[start : start + 2000]).delete()


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def on(day: datetime.date) -> Q:
    """The rows whose sum is the counts valid on ``day``: the end of the month before, and the
    changes of ``day``'s month up to ``day`` (only the first on a month's last day)."""
    before = anchor(day)
    return Q(period=MONTH, day=before) | Q(period=DAY, day__gt=before, day__lte=day)


def _in_scope(rows, province):
    return rows if province is None else rows.filter(province_id=province)


def counts_on(day: datetime.date, *, province=None) -> list[dict]:
    """Products valid on ``day`` by province, scoring set and star, with the expiring and the
    one-step ones (the rows of :func:`ocop.stats.figures.breakdown`): 1 query."""
    rows = (
        _in_scope(Tally.objects.filter(on(day), star__gt=0), province)
        .values("province_id", "scoring_set_id", "star")
        .annotate(n=Sum("products"), expiring=Sum("expiring"), one_step=Sum("one_step"))
        .order_by()
    )
    return [{**row, "unit": row["province_id"]} for row in rows if row["n"]]


def kinds_on(day: datetime.date, *, province=None) -> dict[str, dict]:
    """producer type → {"producers", "products"} valid on ``day``: 1 query."""
    rows = (
        _in_scope(Tally.objects.filter(on(day), star=0), province)
        .values("producer_kind")
        .annotate(producers=Sum("producers"), products=Sum("products"))
        .order_by("producer_kind")
    )
    return {
        row["producer_kind"]: {"producers": row["producers"], "products": row["products"]}
        for row in rows
        if row["products"]
    }


def year_counts(day: datetime.date, first_year: int, *, province=None) -> dict[int, dict]:
    """year → {"issued", "first_recognised", "revoked", "products"} for the years from
    ``first_year`` to ``day``'s: the events of the year up to ``day``, the products valid at
    the end of the year (on ``day`` for its own year): 1 query over the rows of each 31
    December, of the end of the month before ``day`` and of ``day``'s month."""
    before = anchor(day)
    ends = [datetime.date(year, 12, 31) for year in range(first_year, day.year)]
    rows = (
        _in_scope(Tally.objects.filter(star=0), province)
        .filter(
            Q(period=MONTH, day__in=[*ends, before]) | Q(period=DAY, day__gt=before, day__lte=day)
        )
        .values("period", "day")
        .annotate(**{measure: Sum(measure) for measure in MEASURES})
        .order_by()
    )
    months = {row["day"]: row for row in rows if row["period"] == MONTH}
    changes = [row for row in rows if row["period"] == DAY]
    years = {
        year: dict.fromkeys(("issued", "first_recognised", "revoked", "products"), 0)
        for year in range(first_year, day.year + 1)
    }
    for last, row in months.items():
        if last.month == 12 and last.year in years and last.year < day.year:
            for measure in ("issued", "first_recognised", "revoked", "products"):
                years[last.year][measure] = row[measure]
    if day.year in years:
        current = years[day.year]
        if before in months:
            current["products"] = months[before]["products"]
            if before.year == day.year:  # the year's events to the end of the month before
                for measure in ("issued", "first_recognised", "revoked"):
                    current[measure] = months[before][measure]
        for row in changes:
            for measure in ("issued", "first_recognised", "revoked", "products"):
                current[measure] += row[measure]
    return years
