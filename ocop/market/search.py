"""The catalogue's search adapter: the one module that knows how the index is stored.

What a product is found by: the words of its name, its producer's name, its commune and province
today, and its producer's commune and district before 1 July 2025. They are folded
(:func:`ocop.core.text.fold`: case, tone marks, đ/d, NFC/NFD and spaces do not matter) into
:class:`~ocop.market.models.SearchEntry` rows. A query is cut into folded words; a product
matches when every word starts one of its words ("tra shan" finds "Trà Shan tuyết").

- SQLite: an FTS5 table over the entries (migration 0002), queried with ``"word"*`` prefix
  terms. Every word is quoted and only letters and digits survive, so quotes, ``*``, ``OR``,
  ``NEAR(`` or parentheses in a query are plain words, never FTS syntax.
- PostgreSQL: a trigram GIN index on ``folded_text``, queried with ``LIKE '% word%'`` (each
  entry's words are stored with a leading space, so this is also a word-prefix match).

Ranking: products whose names contain the query exactly as typed, tone marks included, come
first; then products whose own name matches; then the rest (producer or place matches).
"""

import re

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from ocop.core.text import fold, normalize
from ocop.products.models import Product

from .models import SearchEntry

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


def _names(product) -> list[str]:
    producer = product.producer
    names = [
        product.name,
        producer.name,
        getattr(producer.commune, "name", ""),
        producer.province.name,
    ]
    legacy = producer.legacy_commune
    if legacy is not None:
        names += [legacy.name, legacy.district.name]
    return names


def entry_values(product) -> dict:
    names = _names(product)
    return {
        "folded_text": _indexed(names),
        "exact_text": " | ".join(normalize(name).lower() for name in names),
        "product_words": _indexed([product.name]),
    }


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


def matching_product_ids(terms):
    """The ids of the products whose entry matches every folded term (a subquery)."""
    if connection.vendor == "sqlite":
        expression = " AND ".join(f'"{term}"*' for term in terms)
        return RawSQL(
            "SELECT rowid FROM market_searchentry_fts WHERE market_searchentry_fts MATCH %s",
            [expression],
        )
    condition = Q()
    for term in terms:
        condition &= Q(folded_text__contains=f" {term}")
    return SearchEntry.objects.filter(condition).values("product_id")


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
        search_rank=Case(
            When(search_entry__exact_text__contains=exact, then=Value(0)),
            When(search_entry__product_words__contains=" " + " ".join(terms), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
