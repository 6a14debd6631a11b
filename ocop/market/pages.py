"""The catalogue's pages: keyset pages of the listing rows (:mod:`ocop.market.listing`), in
each order of the catalogue, and a search's relevance order read tier by tier.

The boundary row's sort values are signed into the link, and the next page is the rows after
them in the index order, so page 500 costs what page 1 costs. The last page is the reversed
order's first rows.
"""

import dataclasses
import datetime

from django.core import signing
from django.db import connection
from django.db.models import Q

from ocop.products.models import Product

from . import listing, search
from .catalogue import with_card_data
from .models import Listing

#: A ranking tier of a search is read by walking the star order (the rows after a page's
#: boundary, in ``market_listing_by_star``, kept when they are in the tier) rather than by
#: sorting its matches, when it is large: when its size squared exceeds this many times the
#: listings (a walk reads about page × listings ÷ size rows; a sort reads size rows).
WALK_FACTOR = 16


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
_CURSOR_SALT = "ocop.market.listing.cursor"  # as first signed: links already out keep working


def star_key(row) -> tuple:
    """The sort key of a listing row in the star order (``ORDERS["stars"]``), for rows that
    were read apart and are merged here."""
    return (-row.star, row.name_key, row.product_id)


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
        return self.count <= listing.SEARCH_COUNT_CAP or self.sort != "relevance"

    @property
    def count_floor(self) -> int:
        return listing.SEARCH_COUNT_CAP

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


def search_tiers(text, *, walkable: bool, per_page: int, rows=None, counted=None) -> Tiers | None:
    """The tiers of a search for ``text`` among ``rows`` (listings, filtered but not searched:
    each tier holds the matches itself); ``counted`` (the searched listings) is counted up to
    the cap in the same query as the estimates, where there is one."""
    terms, exact = search.query_terms(text)
    if not terms:
        return None
    also = None
    if counted is not None:
        sql, params = counted[: listing.SEARCH_COUNT_CAP + 1].values("pk").query.sql_with_params()
        also = (f"SELECT count(*) FROM ({sql}) AS counted", params)  # noqa: S608 (Django's SQL)
    enough = per_page + 1  # what a page needs to know it has a next one
    rows = rows if rows is not None else Listing.objects.all()
    found = search.estimated_sizes(terms, exact, enough=enough, also=also, rows=rows)
    # Only SQLite is told which index to walk (INDEXED BY); PostgreSQL's planner chooses.
    walkable = walkable and connection.vendor == "sqlite"
    conditions = search.tier_conditions(terms, exact, carried=True)
    tiers = Tiers(conditions, None, 0, walkable, counted_up_to=enough)
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
        found.sort(key=lambda row: (row.search_rank, *star_key(row)), reverse=reverse)
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
