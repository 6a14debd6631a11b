"""PostgreSQL's word index for the search: a folded text's words as a ``tsvector``.

A folded text (:func:`ocop.market.search.texts`) is the words a product is found by, each
after a space: ``" tra shan tuyet"``. Its words become the lexemes of a ``tsvector`` as they
are, with no parser or dictionary, so PostgreSQL matches exactly the words that Python cut.
A query asks that every term starts one of them (``'tra':* & 'shan':*``), which a GIN index
answers from the words' posting lists: a common word costs what its matches cost, and two
rare words cost what the rarer one does. The trigrams of ``LIKE '% tra%'``, which this
replaces, include the trigram of every word that starts with "t".

- The listing stores the vector (``Listing.search_words``, a generated column), so that a walk
  of the catalogue's star order tests it cheaply on each row it passes.
- The search entries, read by the back-office search, index the same expression
  (``market_searchentry_folded_words``, migration 0012) without storing it.

On SQLite the catalogue's search reads the FTS5 index instead; the column stays empty there.
"""

from django.db import models
from django.db.models import BooleanField, F, Func, Value


class WordsField(models.Field):
    """A ``tsvector`` on PostgreSQL; a text column that stays empty on other databases."""

    description = "Folded words (a PostgreSQL tsvector)"

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class FoldedWords(Func):
    """The words of the folded text in ``column`` as a ``tsvector`` on PostgreSQL (NULL
    elsewhere). Empty strings are dropped, which ``array_to_tsvector`` refuses."""

    output_field = WordsField()

    def __init__(self, column):
        super().__init__(F(column))

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", ()

    def as_postgresql(self, compiler, connection, **extra_context):
        text, params = compiler.compile(self.get_source_expressions()[0])
        # the expression of the index market_searchentry_folded_words (migration 0012)
        return f"array_to_tsvector(array_remove(string_to_array({text}, ' '), ''))", params


def prefix_query(terms) -> str:
    """The ``tsquery`` text asking that every term starts a word: ``'tra':* & 'shan':*``."""
    quoted = (term.replace("\\", "\\\\").replace("'", "''") for term in terms)
    return " & ".join(f"'{term}':*" for term in quoted)


class WordPrefixes(Func):
    """PostgreSQL: every one of ``terms`` starts a word of ``vector`` (a :class:`WordsField`
    column, or :class:`FoldedWords` of a folded text)."""

    output_field = BooleanField()

    def __init__(self, vector, terms):
        super().__init__(vector, Value(prefix_query(terms)))

    def as_sql(self, compiler, connection, **extra_context):
        (vector, vector_params), (query, query_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"{vector} @@ ({query})::tsquery", (*vector_params, *query_params)
