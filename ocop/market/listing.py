"""The catalogue's listing rows and their summary: kept, read, paged and reconciled.

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
- **Paged** by keyset (:func:`catalogue_page`): the boundary row's sort values are signed into
  the link, and the next page is the rows after them in the index order, so page 500 costs
  what page 1 costs. The last page is the reversed order's first rows.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ocop.certificates.models import Certificate
from ocop.core.deadlines import certificate_valid_through
from ocop.evaluations.models import Dossier
from ocop.products.models import Product

from . import search
from .catalogue import with_card_data
from .models import Listing, ListingCount, ListingDay

CHUNK = 500
#: A search counts the listings it finds up to this many; above, the page says "more than".
SEARCH_COUNT_CAP = 1000
#: A ranking tier of a search is read by walking the star order (the rows after a page's
#: boundary, in ``market_listing_by_star``, kept when they are in the tier) rather than by
#: sorting its matches, when it is large: when its size squared exceeds this many times the
#: listings (a walk reads about page × listings ÷ size rows; a sort reads size rows).
WALK_FACTOR = 16
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
        "name",
        "producer__name",
        "producer__commune__name",
        "producer__province__name",
        "producer__legacy_commune__name",
        "producer__legacy_commune__district__name",
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
            **search.texts(
                search.product_names(
                    product["name"],
                    product["producer__name"],
                    product["producer__commune__name"],
                    product["producer__province__name"],
                    product["producer__legacy_commune__name"],
                    product["producer__legacy_commune__district__name"],
                )
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
    """The listings of the products listed on ``day``."""
    return Listing.objects.filter(certified_on__lte=day, listed_until__gte=day)


def ids_of_either(*reads) -> RawSQL:
    """The product ids of several bounded reads of listings (each sliced and ordered, with
    ``values("product_id")``), as one subquery: a ``UNION ALL`` of the reads, each seeking its
    own index. ``pk__in=a | pk__in=b`` made PostgreSQL scan every product to test the OR."""
    parts, params = [], []
    for index, read in enumerate(reads):
        sql, more = read.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS read_{index}")  # noqa: S608 (Django's SQL)
        params += more
    return RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611 (values are parameters)


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


# --------------------------------------------------------------------------------------
# Keyset pages
# --------------------------------------------------------------------------------------

#: Each order of the catalogue: (column, descending), ending on the unique product id.
ORDERS = {
    "relevance": (
        ("search_rank", False),
        ("star", True),
        ("name_key", False),
        ("product_id", False),
    ),
    "stars": (("star", True), ("name_key", False), ("product_id", False)),
    "name": (("name_key", False), ("product_id", False)),
    "newest": (("certified_on", True), ("name_key", False), ("product_id", False)),
}
_CURSOR_SALT = "ocop.market.listing.cursor"


def _order_by(order, *, reverse=False):
    return [("-" if descending != reverse else "") + column for column, descending in order]


def _key(row, order):
    values = []
    for column, _descending in order:
        value = getattr(row, column)
        values.append(value.isoformat() if isinstance(value, datetime.date) else value)
    return values


def _parse_key(values, order):
    """The key values of a cursor, typed as the columns are; ``None`` if they do not fit."""
    if not isinstance(values, list) or len(values) != len(order):
        return None
    typed = []
    for value, (column, _descending) in zip(values, order, strict=True):
        if column == "certified_on":
            if not isinstance(value, str):
                return None
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return None
        elif column == "name_key":
            if not isinstance(value, str):
                return None
        elif not isinstance(value, int) or isinstance(value, bool):
            return None
        typed.append(value)
    return typed


def _after(order, key, *, reverse=False):
    """Rows strictly after ``key`` in ``order`` (before it with ``reverse``): the seek."""
    condition = Q()
    for position, (column, descending) in enumerate(order):
        step = Q(**{f"{column}__{'lt' if descending != reverse else 'gt'}": key[position]})
        for earlier, (previous, _descending) in enumerate(order[:position]):
            step &= Q(**{previous: key[earlier]})
        condition |= step
    return condition


def sign_cursor(page: int, key, *, backwards: bool, sort: str) -> str:
    return signing.dumps([page, key, backwards, sort], salt=_CURSOR_SALT, compress=True)


def read_cursor(text: str, sort: str):
    """(page, key values, backwards) of a signed cursor for ``sort``; ``None`` if it is not one."""
    try:
        page, values, backwards, signed_sort = signing.loads(text[:500], salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if signed_sort != sort or not isinstance(page, int) or not isinstance(backwards, bool):
        return None
    key = _parse_key(values, ORDERS[sort])
    return None if key is None else (page, key, backwards)


@dataclasses.dataclass
class CataloguePage:
    """One page of listings; ``rows`` are :class:`Listing` objects in the page's order.
    ``number`` is ``None`` for the last page of a search counted only up to its cap."""

    rows: list
    number: int | None
    count: int
    per_page: int
    sort: str
    has_previous: bool
    has_next: bool

    @property
    def counted_all(self) -> bool:
        """False when a search found more than it counts (``count`` is then the cap + 1)."""
        return self.count <= SEARCH_COUNT_CAP or self.sort != "relevance"

    @property
    def count_floor(self) -> int:
        return SEARCH_COUNT_CAP

    @property
    def num_pages(self) -> int | None:
        if not self.counted_all:
            return None
        return max(1, -(-self.count // self.per_page))

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def cursor_after(self) -> str:
        return sign_cursor(
            self.number or 0,
            _key(self.rows[-1], ORDERS[self.sort]),
            backwards=False,
            sort=self.sort,
        )

    def cursor_before(self) -> str:
        return sign_cursor(
            self.number or 0,
            _key(self.rows[0], ORDERS[self.sort]),
            backwards=True,
            sort=self.sort,
        )


def _plain_reader(queryset, order):
    """Read ``limit`` rows after ``key`` (or from the start), in ``order`` or reversed."""

    def read(key, *, reverse=False, limit, offset=0):
        rows = queryset if key is None else queryset.filter(_after(order, key, reverse=reverse))
        return list(rows.order_by(*_order_by(order, reverse=reverse))[offset : offset + limit])

    return read


@dataclasses.dataclass
class Tiers:
    """A search's ranking tiers (the query as typed, the product's own name, the rest), each a
    filter of the listings, with the index's estimate of each one's size (``None`` when the
    database cannot estimate cheaply), about how many listings there are, and the search's
    count (up to the cap) when it came with the estimates."""

    conditions: list
    sizes: tuple | None
    listings: int
    walkable: bool  # no other filter: the star order's index serves each tier
    count: int | None = None
    counted_up_to: int = 0  # a tier counted below this is counted whole (its exact size)

    def is_small(self, rank) -> bool:
        """The tier is known to hold fewer rows than were counted for: it is read whole and
        sorted here, never by walking an order's index, where PostgreSQL may misjudge how
        many rows a walk must pass to find it (its estimate of ``NOT LIKE`` conditions
        ignores that they correlate with the match: up to every listing, for three rows)."""
        size = self.sizes[rank] if self.sizes is not None else None
        return size is not None and size < self.counted_up_to

    def is_unknown(self, rank) -> bool:
        """PostgreSQL did not count the tier (the first one filled a page): see
        :func:`_tiered_reader`."""
        return (
            self.sizes is not None
            and self.sizes[rank] is None
            and connection.vendor == "postgresql"
        )


def search_tiers(text, *, walkable: bool, per_page: int, counted=None) -> Tiers | None:
    """The tiers of a search for ``text``; ``counted`` (the searched listings) is counted up
    to the cap in the same query as the estimates, where there is one."""
    terms, exact = search.query_terms(text)
    if not terms:
        return None
    also = None
    if counted is not None:
        sql, params = counted[: SEARCH_COUNT_CAP + 1].values("pk").query.sql_with_params()
        also = (f"SELECT count(*) FROM ({sql}) AS counted", params)  # noqa: S608 (Django's SQL)
    found = search.estimated_sizes(
        terms,
        exact,
        enough=per_page + 1,
        also=also,
        rows=counted if counted is not None else Listing.objects.all(),
    )
    # Only SQLite is told which index to walk (INDEXED BY); PostgreSQL's planner chooses.
    walkable = walkable and connection.vendor == "sqlite"
    tiers = Tiers(search.tier_conditions(terms, exact, carried=True), None, 0, walkable)
    tiers.counted_up_to = per_page + 1
    if found is not None:
        tiers.sizes, tiers.listings = tuple(found[:3]), found[3]
        tiers.count = found[4] if counted is not None else None
    return tiers


def _tiered_reader(queryset, tiers: Tiers):
    """Read the relevance order tier by tier: each tier's next rows in the star order, one
    bounded read per tier, joined in one ``UNION ALL`` and merged here. From the start (or the
    end), only the tiers the estimates say are needed to fill the page are read (the others
    in a second query, when the estimates counted products that are not listed). A small tier
    is sorted; a large one (on SQLite, with no other filter) is walked along
    ``market_listing_by_star``, so that a common word costs a page's walk, not a sort of every
    match."""
    inner = ORDERS["stars"]

    def part(rank, key, reverse, limit):
        rows = queryset.filter(tiers.conditions[rank])
        if key is not None and key[0] == rank:
            rows = rows.filter(_after(inner, key[1:], reverse=reverse))
        if tiers.is_small(rank):
            sql, params = rows.order_by().query.sql_with_params()
        elif tiers.is_unknown(rank):
            # Its matches first (through the trigram indexes), then sorted: never a walk of
            # the whole star order for the few rows of a tier it misjudges as common.
            sql, params = rows.order_by().query.sql_with_params()
            order = ", ".join(
                f"{column} {'DESC' if descending != reverse else 'ASC'}"
                for column, descending in inner
            )
            sql = f"WITH tier AS MATERIALIZED ({sql}) SELECT * FROM tier ORDER BY {order} LIMIT %s"  # noqa: S608 (Django's SQL, our columns)
            params = (*params, limit)
        else:
            rows = rows.order_by(*_order_by(inner, reverse=reverse))[:limit]
            sql, params = rows.query.sql_with_params()
        if tiers.sizes is not None and tiers.walkable:
            size = tiers.sizes[rank]
            if size is not None and size * size > WALK_FACTOR * tiers.listings:
                table = '"market_listing"'
                sql = sql.replace(
                    f"FROM {table}", f'FROM {table} INDEXED BY "market_listing_by_star"', 1
                )
        # Django compiled ``sql``; every value in it is a parameter
        return f"SELECT {rank} AS search_rank, * FROM ({sql}) AS tier_{rank}", params  # noqa: S608

    def fetch(ranks, key, reverse, limit):
        parts, params = [], []
        for rank in ranks:
            sql, more = part(rank, key, reverse, limit)
            parts.append(sql)
            params += more
        return list(Listing.objects.raw(" UNION ALL ".join(parts), params)) if parts else []

    def read(key, *, reverse=False, limit, offset=0):
        wanted = offset + limit
        ranks = [
            rank
            for rank in ((2, 1, 0) if reverse else (0, 1, 2))
            if tiers.conditions[rank] is not None
            and not (tiers.sizes and tiers.sizes[rank] == 0)  # the index has none of it
            and (key is None or (rank <= key[0] if reverse else rank >= key[0]))
        ]
        first = ranks
        if key is None and tiers.sizes is not None:  # only the tiers the page needs
            enough, first = 0, []
            for rank in ranks:
                if enough >= wanted:
                    break
                first.append(rank)
                enough += tiers.sizes[rank] or 0  # not counted: the first tier was enough
        found = fetch(first, key, reverse, wanted)
        if len(found) < wanted and len(first) < len(ranks):
            found += fetch(ranks[len(first) :], key, reverse, wanted)
        found.sort(
            key=lambda row: (row.search_rank, -row.star, row.name_key, row.product_id),
            reverse=reverse,
        )
        return found[offset:wanted]

    return read


def catalogue_page(
    queryset, *, sort: str, count: int, per_page: int, params, tiers: Tiers | None = None
) -> CataloguePage:
    """The page of ``queryset`` (listings, filtered) that ``params`` asks for: ``cursor`` (a
    signed boundary: the rows after it, or before it going back), ``page=last``, or
    ``page=N`` (old links; read by offset on the narrow listing index). Anything else, or a
    cursor that does not read, is the first page. A search ordered by relevance passes its
    ``tiers`` (:func:`search_tiers`) and is read tier by tier."""
    order = ORDERS[sort]
    if sort == "newest":
        # States the condition of the partial index market_listing_newest (always true).
        queryset = queryset.filter(star__gte=3)
    if sort == "relevance" and tiers is not None:
        read = _tiered_reader(queryset, tiers)
    else:
        read = _plain_reader(queryset, order)
    page = CataloguePage([], 1, count, per_page, sort, False, False)
    num_pages = page.num_pages
    cursor = read_cursor(params.get("cursor", ""), sort) if params.get("cursor") else None
    requested = params.get("page", "")
    if cursor is not None:
        number, key, backwards = cursor
        if backwards:
            rows = read(key, reverse=True, limit=per_page + 1)
            has_previous = len(rows) > per_page
            rows = rows[:per_page][::-1]
            if not has_previous:
                number = 1
            elif number:
                number = max(number - 1, 1)
            else:  # back from the unnumbered last page of a search
                number = None
            if num_pages is not None and number is not None:
                number = min(number, num_pages)
            return dataclasses.replace(
                page, rows=rows, number=number, has_previous=has_previous, has_next=True
            )
        rows = read(key, limit=per_page + 1)
        number = max(number + 1, 2) if number else None
        if num_pages is not None:
            number = min(number or num_pages, num_pages)
        return dataclasses.replace(
            page, rows=rows[:per_page], number=number, has_previous=True,
            has_next=len(rows) > per_page,
        )  # fmt: skip
    if requested == "last" or (
        requested.isdigit() and num_pages is not None and int(requested) >= num_pages > 1
    ):
        if num_pages is None:  # a search past its count: the last page is a full one
            rows = read(None, reverse=True, limit=per_page)[::-1]
            return dataclasses.replace(page, rows=rows, number=None, has_previous=True)
        size = count - (num_pages - 1) * per_page
        rows = read(None, reverse=True, limit=size)[::-1]
        return dataclasses.replace(page, rows=rows, number=num_pages, has_previous=num_pages > 1)
    number = int(requested) if requested.isdigit() and int(requested) > 0 else 1
    if num_pages is not None and number >= num_pages:
        number = 1
    rows = read(None, limit=per_page + 1, offset=(number - 1) * per_page)
    if not rows and number > 1:  # past the end of a search counted up to its cap
        number, rows = 1, read(None, limit=per_page + 1)
    return dataclasses.replace(
        page, rows=rows[:per_page], number=number, has_previous=number > 1,
        has_next=len(rows) > per_page,
    )  # fmt: skip


def products_of(rows):
    """The products of listing ``rows``, in their order, with ``ocop_star`` and
    ``certified_on`` set and the card's data loaded (two queries)."""
    by_id = {
        product.pk: product
        for product in with_card_data(
            Product.objects.filter(pk__in=[row.product_id for row in rows]).order_by()
        )
    }
    products = []
    for row in rows:
        product = by_id.get(row.product_id)
        if product is not None:
            product.ocop_star = row.star
            product.certified_on = row.certified_on
            products.append(product)
    return products
