"""The catalogue's search adapter: the one module that knows how the index is stored.

What a product is found by: the words of its name, its producer's name, its commune and province
today, and its producer's commune and district before 1 July 2025. They are folded
(:func:`ocop.core.text.fold`: case, tone marks, đ/d, NFC/NFD and spaces do not matter) into
:class:`~ocop.market.models.SearchEntry` rows. A query is cut into folded words; a product
matches when every word starts one of its words ("tra shan" finds "Trà Shan tuyết").

- SQLite: an FTS5 table over the entries (migration 0002), queried with ``"word"*`` prefix
  terms. Every word is quoted and only letters and digits survive, so quotes, ``*``, ``OR``,
  ``NEAR(`` or parentheses in a query are plain words, never FTS syntax.
- PostgreSQL: the folded words as a ``tsvector``, matched by a prefix ``tsquery`` through a
  GIN index (:mod:`ocop.market.words`): the index expression of each entry, and a stored
  column of each catalogue listing. The listings carry the same three texts (:func:`texts`):
  the catalogue's search reads them in place, so a common word walks the star order testing
  each row, and a rare one reads the index, with no join to the entries either way
  (:func:`listings_carry_texts`).

Ranking: products whose names contain the query exactly as typed, tone marks included, come
first; then products whose own name holds the words as a phrase; then the rest (producer or
place matches). On SQLite each tier is a set the FTS5 index returns: "as typed" reads a second
FTS5 table over the names as written (tone marks kept), where the typed words must follow each
other, the last one as a prefix; the own-name tier is a phrase in the ``product_words`` column.
On PostgreSQL they are ``LIKE`` patterns (the exact text within the names; the words after a
space in the name).
"""

import re

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from ocop.core.text import fold, normalize
from ocop.products.models import Product

from .models import SearchEntry
from .words import FoldedWords, WordPrefixes

MAX_QUERY_LENGTH = 200  # characters of a query that are read; the rest is ignored
MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")


def words(text: str | None) -> list[str]:
    """The folded words of ``text`` (at most MAX_WORDS, from its first MAX_QUERY_LENGTH
    characters)."""
    return _WORD.findall(fold((text or "")[:MAX_QUERY_LENGTH]))[:MAX_WORDS]


def _indexed(names) -> str:
    """Folded words of ``names``, each preceded by a space (the PostgreSQL pattern relies on
    it)."""
    return "".join(f" {word}" for name in names for word in _WORD.findall(fold(name)))


def product_names(name, producer, commune, province, legacy=None, legacy_district=None):
    """What a product is found by, its own name first: the names of the product, its
    producer, the producer's commune (``None`` when it has none) and province today, and its
    commune and district before 1 July 2025 (``None`` when it has no old address)."""
    names = [name, producer, commune or "", province]
    if legacy is not None:
        names += [legacy, legacy_district]
    return names


def _names(product) -> list[str]:
    producer = product.producer
    legacy = producer.legacy_commune
    return product_names(
        product.name,
        producer.name,
        getattr(producer.commune, "name", None),
        producer.province.name,
        *((legacy.name, legacy.district.name) if legacy is not None else ()),
    )


def texts(names) -> dict:
    """The searchable texts of ``names`` (:func:`product_names`): the columns of a search
    entry, also carried by the product's listing row."""
    return {
        "folded_text": _indexed(names),
        "exact_text": " | ".join(normalize(name).lower() for name in names),
        "product_words": _indexed(names[:1]),
    }


def listings_carry_texts() -> bool:
    """Whether the listing rows carry the search texts: on PostgreSQL, whose catalogue search
    tests them on the row it walks. On SQLite the FTS5 index answers by product id, and the
    texts would only widen every row that a walk of the listing indexes reads (some 2 ms of
    each catalogue page at 10×); the columns stay empty there."""
    return connection.vendor == "postgresql"


def entry_values(product) -> dict:
    return texts(_names(product))


def refresh_entries(product_ids) -> int:
    """Write the search entries of ``product_ids`` (new, changed or unchanged alike); returns
    how many were written."""
    ids = sorted(set(product_ids))
    written = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        products = Product.objects.filter(pk__in=chunk).select_related(
            "producer__commune",
            "producer__province",
            "producer__legacy_commune__district",
        )
        existing = {
            entry.product_id: entry for entry in SearchEntry.objects.filter(product_id__in=chunk)
        }
        new = []
        for product in products:
            values = entry_values(product)
            entry = existing.get(product.pk)
            if entry is None:
                new.append(SearchEntry(product=product, **values))
            elif any(getattr(entry, key) != value for key, value in values.items()):
                SearchEntry.objects.filter(pk=entry.pk).update(**values)
                written += 1
        SearchEntry.objects.bulk_create(new)
        written += len(new)
    return written


def rebuild_index() -> int:
    """Refresh the entry of every product (for the demo seed and after bulk imports)."""
    return refresh_entries(Product.objects.values_list("pk", flat=True))


def _fts(expression):
    return RawSQL(
        "SELECT rowid FROM market_searchentry_fts WHERE market_searchentry_fts MATCH %s",
        [expression],
    )


def _prefix_phrase(words_) -> str:
    """An FTS5 phrase of ``words_`` whose last word may be a prefix: ``"tra" + "shan"*``."""
    return " + ".join(f'"{word}"' for word in words_) + "*"


def _all_words(terms) -> str:
    """Every folded term, as a word prefix anywhere in the entry. No column filter (it would
    make the index read every match's positions): the other columns' words are the folded
    text's own, or carry tone marks that no folded term can start."""
    return " AND ".join(f'"{term}"*' for term in terms)


def _typed(exact) -> str | None:
    typed = _WORD.findall(exact)[:MAX_WORDS]
    return "exact_text : (" + _prefix_phrase(typed) + ")" if typed else None


def _own_name(terms) -> str:
    return "product_words : (" + _prefix_phrase(terms) + ")"


def _entry_patterns(terms, exact, *, listing=False) -> tuple[Q, Q, Q]:
    """PostgreSQL: the conditions on a search entry (or, with ``listing``, on a listing, which
    carries the same texts) of the query as typed in the names and of the words in the
    product's own name (``LIKE`` patterns, trigram-indexed), and of every folded term
    (:class:`~ocop.market.words.WordPrefixes`: the listing's stored words, or the entry's
    indexed expression)."""
    vector = F("search_words") if listing else FoldedWords("folded_text")
    own = Q(product_words__contains=" " + " ".join(terms))
    return Q(exact_text__contains=exact), own, Q(WordPrefixes(vector, terms))


def matching_product_ids(terms):
    """The ids of the products whose entry matches every folded term (a subquery)."""
    if connection.vendor == "sqlite":
        return _fts(_all_words(terms))
    _typed, _own, matching = _entry_patterns(terms, "")
    return SearchEntry.objects.filter(matching).values("product_id")


def listing_match(terms) -> Q:
    """The listings matching every folded term. SQLite: their product ids in the FTS5 index.
    PostgreSQL: the patterns on the texts each listing carries, so that a walk of the star
    order tests each row where it stands, with no probe into another table per row."""
    if connection.vendor == "sqlite":
        return Q(product_id__in=_fts(_all_words(terms)))
    return _entry_patterns(terms, "", listing=True)[2]


def tier_expressions(terms, exact) -> list[str | None]:
    """SQLite: the FTS5 query of each ranking tier, disjoint: the query as typed in the names
    (its words following each other, the last one a prefix, tone marks kept); the words as a
    phrase of the product's own name; the rest of the matches."""
    typed, own, matching = _typed(exact), _own_name(terms), _all_words(terms)
    if typed is None:
        return [None, f"({own})", f"({matching}) NOT ({own})"]
    return [
        f"({matching}) AND ({typed})",
        f"({own}) NOT ({typed})",
        f"({matching}) NOT ({own}) NOT ({typed})",
    ]


def tier_conditions(terms, exact, column="product_id", *, carried=False) -> list:
    """The filter (on ``column``, a product id) of each ranking tier, each within the matches
    (the catalogue filters by the tiers alone); ``None`` for a tier that cannot hold anything.
    ``carried``: the rows carry the search texts (listings), which PostgreSQL reads in place."""
    if connection.vendor == "sqlite":
        return [
            None if expression is None else Q(**{f"{column}__in": _fts(expression)})
            for expression in tier_expressions(terms, exact)
        ]
    typed, own, matching = _entry_patterns(terms, exact, listing=carried)
    if not carried:
        typed, own, matching = (
            Q(**{f"{column}__in": SearchEntry.objects.filter(pattern).values("product_id")})
            for pattern in (typed, own, matching)
        )
    # The words first: where a walk tests each row, their vector rejects most rows before a
    # LIKE reads the names (PostgreSQL keeps the order of conditions of equal cost).
    return [matching & typed, matching & own & ~typed, matching & ~own & ~typed]


def estimated_sizes(terms, exact, *, enough: int, also=None, rows=None) -> tuple | None:
    """How many products the index puts in each ranking tier (SQLite: listed or not;
    PostgreSQL: among ``rows``, listings), and about how many listings there are: what the
    catalogue needs to choose which tiers to read and whether to walk its star order or sort
    the matches. The other tiers are
    counted only when the first holds fewer than ``enough`` (``None`` when not counted): a
    common word fills its page from the first tier. One query; ``also`` (SQL and parameters of
    a scalar subquery, such as the search's count) is added to it and its value returned last.
    ``None`` where the database cannot say cheaply."""
    if connection.vendor == "postgresql":
        return _estimated_sizes_postgresql(terms, exact, rows, enough=enough, also=also)
    if connection.vendor != "sqlite":
        return None
    count = "(SELECT count(*) FROM market_searchentry_fts WHERE market_searchentry_fts MATCH %s)"
    first, second, _rest = tier_expressions(terms, exact)
    unless_enough = "CASE WHEN typed >= %s THEN NULL ELSE {} END"
    parts = [
        "typed",
        unless_enough.format(count),
        unless_enough.format(count),
        # the rowids only grow: the largest is about the number of listings, read in one seek
        "(SELECT coalesce(max(rowid), 0) FROM market_listing)",
    ]
    params = [enough, second, enough, _all_words(terms)]
    if also is not None:
        parts.append(f"({also[0]})")
        params += list(also[1])
    # materialized: counted once, however many times the parts read it
    source = f"WITH first_tier AS MATERIALIZED (SELECT {count if first else '0'} AS typed)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{source} SELECT {', '.join(parts)} FROM first_tier",  # noqa: S608 (no value)
            ([first] if first is not None else []) + params,
        )
        typed, own, matching, listings, *extra = cursor.fetchone()
    rest = None if matching is None else max(matching - typed - own, 0)
    return (typed, own, rest, listings, *extra)


def _estimated_sizes_postgresql(terms, exact, rows, *, enough: int, also=None) -> tuple:
    """PostgreSQL: each tier's ``rows`` (listings, which carry the search texts) counted up
    to ``enough`` (the page needs to know which tiers fill it, not their exact sizes), a tier
    only when the tiers before it hold fewer together. Never a tier the page does not need:
    the planner cannot tell that "matches, but not in the own name" is rare, and would walk
    the table for it. The listings are not estimated (0): that serves only SQLite's choice of
    walking its star index."""

    def capped(condition):
        tier = rows.filter(condition).values("pk")[:enough]
        sql, params = tier.query.sql_with_params()
        return f"SELECT count(*) FROM ({sql}) AS capped", list(params)  # noqa: S608

    typed, own, rest = (
        capped(condition) for condition in tier_conditions(terms, exact, carried=True)
    )
    also_sql, also_params = (f", ({also[0]})", list(also[1])) if also is not None else ("", [])
    with connection.cursor() as cursor:
        cursor.execute(
            # materialized: each count is taken once, however many times the next reads it
            f"WITH first_tier AS MATERIALIZED ({typed[0]}), "  # noqa: S608 (Django's SQL)
            "first_two AS MATERIALIZED (SELECT first_tier.count AS typed, "
            "CASE WHEN first_tier.count >= %s "
            f"THEN NULL ELSE ({own[0]}) END AS own FROM first_tier) "
            "SELECT typed, own, CASE WHEN typed + coalesce(own, 0) >= %s "
            f"THEN NULL ELSE ({rest[0]}) END, 0{also_sql} FROM first_two",
            [*typed[1], enough, *own[1], enough, *rest[1], *also_params],
        )
        return tuple(cursor.fetchone())


def query_terms(text) -> tuple[list[str], str]:
    """The folded words of a query, and the query as typed (NFC, lower case) for the exact
    match that ranks first."""
    text = (text or "")[:MAX_QUERY_LENGTH].replace("\x00", "")
    return words(text), normalize(text).lower()


def search(queryset, text):
    """``queryset`` (of products) narrowed to those matching ``text`` and annotated with
    ``search_rank`` (0 best). Text without any letter or digit matches nothing."""
    terms, exact = query_terms(text)
    if not terms:
        return queryset.none().annotate(search_rank=Value(2))
    return queryset.filter(pk__in=matching_product_ids(terms)).annotate(
        search_rank=rank(terms, exact, "pk")
    )


def rank(terms, exact, column, *, carried=False):
    """The ranking tier of the row whose product id is ``column``: 0 when its names hold the
    query as typed, 1 when its own name holds the words, 2 otherwise (``carried``: see
    :func:`tier_conditions`)."""
    first, second, _rest = tier_conditions(terms, exact, column, carried=carried)
    whens = [When(first, then=Value(0))] if first is not None else []
    whens.append(When(second, then=Value(1)))
    return Case(*whens, default=Value(2), output_field=IntegerField())
