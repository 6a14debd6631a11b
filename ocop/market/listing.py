"""The catalogue's listing rows and their summary: kept, read and reconciled.

One :class:`~ocop.market.models.Listing` row per product holding a current certificate holds
what the public catalogue sorts and filters on, so that a catalogue page is one seek into an
index of narrow rows instead of a sort of every certified product joined to its certificate.

- **Kept** in the transaction that changes the source: the receivers in
  :mod:`ocop.market.receivers` call :func:`refresh_listings` on every save or delete of a
  certificate, a product, a producer or a re-rating dossier (a late re-rating extends the
  listing by the 180 days of art. 12(3)), and on ``certificates_changed`` (bulk writers such
  as the imports send it). Writes that bypass both (a raw ``update()``) must call it too;
  ``manage.py reconcile_listings`` finds and repairs any row that drifted.
- **Counted** from :class:`~ocop.market.models.ListingCount`, a summary per day, province,
  scoring set and star: built by one grouped query on the first request of a day, then kept
  by :func:`refresh_listings`, which recounts the groups it touched.
- **Paged** by keyset in :mod:`ocop.market.pages`.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Sum, Value
from django.utils import timezone

from ocop.certificates.models import Certificate
from ocop.core.deadlines import certificate_valid_through
from ocop.evaluations.models import Dossier
from ocop.products.models import Product

from . import search
from .models import Listing, ListingCount, ListingDay

CHUNK = 500
#: A search counts the listings it finds up to this many; above, the page says "more than".
SEARCH_COUNT_CAP = 1000
#: Above this many changed groups, a refresh drops the stored days' summaries (rebuilt by the
#: next request) instead of recounting group by group.
RECOUNT_LIMIT = 40
LISTING_FIELDS = (
    "star",
    "certified_on",
    "listed_until",
    "province_id",
    "commune_id",
    "sector_id",
    "group_id",
    "scoring_set_id",
    "producer_id",
    "kind",
    "available_months",
    "name_key",
    "folded_text",
    "exact_text",
    "product_words",
)

#: The search texts a listing carries (PostgreSQL), and the vector of its folded words.
SEARCH_TEXT_FIELDS = ("folded_text", "exact_text", "product_words", "search_words")
#: The names a product is found by (:func:`ocop.market.search.product_names`, in its order),
#: read for the search texts a listing carries on PostgreSQL.
NAME_FIELDS = (
    "name",
    "producer__name",
    "producer__commune__name",
    "producer__province__name",
    "producer__legacy_commune__name",
    "producer__legacy_commune__district__name",
)


# --------------------------------------------------------------------------------------
# Keeping the rows
# --------------------------------------------------------------------------------------


def computed_listings(product_ids) -> dict[int, Listing]:
    """The listing rows ``product_ids`` should have, from the certificates, products,
    producers and re-ratings as they are now (three queries per chunk of products). A product
    whose listing ended before today gets none: the catalogue only asks about today and later
    days, and such rows would only lengthen every walk of the indexes (a late re-rating filed
    afterwards saves its dossier, which brings the row back)."""
    ids = sorted(set(product_ids))
    carried = search.listings_carry_texts()
    certificates = {
        row["product_id"]: row
        for row in Certificate.objects.filter(product_id__in=ids, is_current=True).values(
            "product_id", "star", "issued_on", "valid_until"
        )
    }
    extended = set(
        Dossier.objects.extending_certificates()
        .filter(product_id__in=list(certificates))
        .values_list("product_id", flat=True)
    )
    products = Product.objects.filter(pk__in=list(certificates)).values(
        "pk",
        "folded_name",
        "available_months",
        "scoring_set_id",
        "scoring_set__group_id",
        "scoring_set__group__sector_id",
        "producer_id",
        "producer__kind",
        "producer__province_id",
        "producer__commune_id",
        *(NAME_FIELDS if carried else ()),
    )
    today = timezone.localdate()
    rows = {}
    for product in products:
        certificate = certificates[product["pk"]]
        valid_until = certificate["valid_until"]
        listed_until = certificate_valid_through(
            valid_until, re_rating_filed=product["pk"] in extended
        )
        if listed_until < today:
            continue  # listed on no day from today on: no row (see _prune)
        rows[product["pk"]] = Listing(
            product_id=product["pk"],
            star=certificate["star"],
            certified_on=certificate["issued_on"],
            listed_until=listed_until,
            province_id=product["producer__province_id"],
            commune_id=product["producer__commune_id"],
            sector_id=product["scoring_set__group__sector_id"],
            group_id=product["scoring_set__group_id"],
            scoring_set_id=product["scoring_set_id"],
            producer_id=product["producer_id"],
            kind=product["producer__kind"],
            available_months=product["available_months"],
            name_key=product["folded_name"],
            **(
                search.texts(search.product_names(*map(product.get, NAME_FIELDS)))
                if carried
                else {}
            ),
        )
    return rows


def _group(listing: Listing):
    return (listing.province_id, listing.scoring_set_id, listing.star)


def _differs(stored: Listing, wanted: Listing) -> bool:
    return any(getattr(stored, name) != getattr(wanted, name) for name in LISTING_FIELDS)


@dataclasses.dataclass
class Changes:
    created: list = dataclasses.field(default_factory=list)
    updated: list = dataclasses.field(default_factory=list)
    deleted: list = dataclasses.field(default_factory=list)

    @property
    def total(self):
        return len(self.created) + len(self.updated) + len(self.deleted)


def refresh_listings(product_ids: Iterable[int]) -> Changes:
    """Bring the listing rows of ``product_ids`` in line with their source, and the stored
    summaries with them; returns what changed (product ids)."""
    changes = Changes()
    groups = set()
    ids = sorted({pk for pk in product_ids if pk is not None})
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            wanted = computed_listings(chunk)
            stored = {row.product_id: row for row in Listing.objects.filter(product_id__in=chunk)}
            gone = [pk for pk in stored if pk not in wanted]
            if gone:
                Listing.objects.filter(product_id__in=gone).delete()
            new = [row for pk, row in wanted.items() if pk not in stored]
            Listing.objects.bulk_create(new)
            changed = [
                row for pk, row in wanted.items() if pk in stored and _differs(stored[pk], row)
            ]
            if changed:
                Listing.objects.bulk_update(changed, LISTING_FIELDS)
            groups.update(_group(stored[pk]) for pk in gone)
            groups.update(_group(row) for row in new)
            groups.update(_group(stored[row.product_id]) for row in changed)
            groups.update(_group(row) for row in changed)
            changes.created += [row.product_id for row in new]
            changes.updated += [row.product_id for row in changed]
            changes.deleted += gone
        if changes.total:
            _recount(groups)
    return changes


def _recount(groups) -> None:
    """Recount the stored summaries' ``groups`` (province, scoring set, star), on every day
    whose summary is built; drop the built days instead when too many groups changed."""
    days = list(ListingDay.objects.values_list("day", flat=True))
    if not days:
        return
    if len(groups) > RECOUNT_LIMIT:
        ListingCount.objects.filter(day__in=days).delete()
        ListingDay.objects.filter(day__in=days).delete()
        return
    for day in days:
        for province_id, scoring_set_id, star in groups:
            group = {"province_id": province_id, "scoring_set_id": scoring_set_id, "star": star}
            count = listed_on(day).filter(**group).count()
            if count:
                ListingCount.objects.update_or_create(day=day, **group, defaults={"count": count})
            else:
                ListingCount.objects.filter(day=day, **group).delete()


def _summary(day: datetime.date, read):
    """``read(ListingCount rows of day)`` as a list; the day's summary is built first when the
    read finds nothing and the day is not built yet (one query on every later request)."""
    rows = list(read(ListingCount.objects.filter(day=day)))
    if rows or ListingDay.objects.filter(day=day).exists():
        return rows
    build_summary(day)
    return list(read(ListingCount.objects.filter(day=day)))


def summary_built(day: datetime.date) -> None:
    """Build the summary of ``day`` unless it is built (the daily pass calls it at dawn)."""
    if not ListingDay.objects.filter(day=day).exists():
        build_summary(day)


def build_summary(day: datetime.date) -> None:
    with transaction.atomic():
        ListingDay.objects.filter(day__lt=day - datetime.timedelta(days=1)).delete()
        ListingCount.objects.filter(day__lt=day - datetime.timedelta(days=1)).delete()
        _prune(day)
        ListingCount.objects.filter(day=day).delete()
        counts = (
            listed_on(day)
            .order_by()
            .values("province_id", "scoring_set_id", "star")
            .annotate(total=Sum(Value(1)))
        )
        ListingCount.objects.bulk_create(
            [
                ListingCount(
                    day=day,
                    province_id=row["province_id"],
                    scoring_set_id=row["scoring_set_id"],
                    star=row["star"],
                    count=row["total"],
                )
                for row in counts
            ],
            ignore_conflicts=True,
        )
        ListingDay.objects.bulk_create([ListingDay(day=day)], ignore_conflicts=True)


def _prune(day: datetime.date) -> int:
    """Delete the rows whose listing ended before ``day`` (expired by date, nothing pending):
    done with each day's first summary, so the indexes hold the listed products only."""
    deleted, _ = Listing.objects.filter(listed_until__lt=day).delete()
    return deleted


@dataclasses.dataclass
class Reconciliation:
    missing: list
    extra: list
    different: list

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.different)


def reconcile_listings(*, repair: bool = True) -> Reconciliation:
    """Compare every listing row with a recomputation from its source; with ``repair``, fix
    the rows and rebuild the stored summaries. Returns the product ids that differed."""
    report = Reconciliation(missing=[], extra=[], different=[])
    if repair:
        _prune(timezone.localdate())  # ended by date: not a difference, only not pruned yet
    certified = Certificate.objects.filter(is_current=True).values_list("product_id", flat=True)
    ids = sorted(set(certified) | set(Listing.objects.values_list("product_id", flat=True)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        wanted = computed_listings(chunk)
        stored = {
            row.product_id: row
            for row in Listing.objects.filter(
                product_id__in=chunk, listed_until__gte=timezone.localdate()
            )
        }
        report.missing += [pk for pk in wanted if pk not in stored]
        report.extra += [pk for pk in stored if pk not in wanted]
        report.different += [
            pk for pk, row in wanted.items() if pk in stored and _differs(stored[pk], row)
        ]
    if repair:
        with transaction.atomic():
            refresh_listings(report.missing + report.extra + report.different)
            ListingCount.objects.all().delete()
            ListingDay.objects.all().delete()
    return report


# --------------------------------------------------------------------------------------
# Reading them
# --------------------------------------------------------------------------------------


def listed_on(day: datetime.date):
    """The listings of the products listed on ``day``, without the search texts they carry
    on PostgreSQL (tested in the database, never read here: a page of 25 rows would fetch
    some 10 kB of text for nothing)."""
    return Listing.objects.filter(certified_on__lte=day, listed_until__gte=day).defer(
        *SEARCH_TEXT_FIELDS
    )


def rows_of_either(*reads) -> list:
    """The listing rows of several bounded reads (each sliced and ordered), in one query: a
    ``UNION ALL`` of the reads, each seeking its own index (an OR of their conditions would
    sort every row that meets either). A row read by two reads comes twice."""
    parts, params = [], []
    for index, read in enumerate(reads):
        sql, more = read.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS read_{index}")  # noqa: S608 (Django's SQL)
        params += more
    return list(Listing.objects.raw(" UNION ALL ".join(parts), params))


#: Filters the summary can count: each is a column of :class:`ListingCount` or of its set.
SUMMARY_FILTERS = {
    "province": "province_id",
    "star": "star",
    "set": "scoring_set_id",
    "group": "scoring_set__group_id",
    "sector": "scoring_set__group__sector_id",
}
LISTING_FILTERS = {
    "province": "province_id",
    "commune": "commune_id",
    "sector": "sector_id",
    "group": "group_id",
    "set": "scoring_set_id",
    "star": "star",
    "kind": "kind",
}


def filter_listings(queryset, filters: dict, *, search_terms=True):
    """Apply the cleaned catalogue filters (:class:`~ocop.market.forms.CatalogueForm`); a
    search narrows to the matching products (:func:`ranked` then orders them)."""
    for key, column in LISTING_FILTERS.items():
        if filters.get(key):
            queryset = queryset.filter(**{column: filters[key]})
    if filters.get("month"):
        queryset = queryset.alias(
            _season=F("available_months").bitand(1 << (filters["month"] - 1))
        ).filter(_season__gt=0)
    if filters.get("q") and search_terms:
        terms, _exact = search.query_terms(filters["q"])
        if not terms:
            return queryset.none()
        queryset = queryset.filter(search.listing_match(terms))
    return queryset


def ranked(queryset, text):
    """Searched listings annotated with ``search_rank`` (0 best): the query as typed in the
    names first, then in the product's own name, then the rest."""
    terms, exact = search.query_terms(text)
    if not terms:
        return queryset.annotate(search_rank=Value(2))
    return queryset.annotate(search_rank=search.rank(terms, exact, "product_id", carried=True))


def count_listed(day: datetime.date, filters: dict, queryset) -> int:
    """How many listings ``filters`` select on ``day``: added up from the summary when every
    filter is one it holds, else counted on ``queryset`` (already narrowed by the filters); a
    search counts up to ``SEARCH_COUNT_CAP + 1`` (more than the cap reads "more than")."""
    used = {key for key, value in filters.items() if value and key != "sort"}
    if "q" in used:  # counted up to the cap: a common word must not count every match
        return queryset[: SEARCH_COUNT_CAP + 1].count()
    if not used <= set(SUMMARY_FILTERS):
        return queryset.count()
    narrowed = {SUMMARY_FILTERS[key]: filters[key] for key in used}
    rows = _summary(
        day,
        lambda counts: (
            counts.filter(**narrowed)
            .order_by()
            .values("day")
            .annotate(total=Sum("count"))
            .values_list("total", flat=True)
        ),
    )
    return rows[0] if rows else 0


def counts_by_province(day: datetime.date) -> list[dict]:
    """``province_id``, ``province__name`` and ``total`` of each province with listings."""
    return _summary(
        day,
        lambda counts: (
            counts.order_by().values("province_id", "province__name").annotate(total=Sum("count"))
        ),
    )
