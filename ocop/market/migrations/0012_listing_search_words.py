"""PostgreSQL matches the folded words of a search through a ``tsvector`` and its GIN index
(ocop/market/words.py) instead of ``LIKE '% word%'`` on a trigram index: the listing stores
the vector (a generated column, NULL on SQLite), the search entries index the same expression
for the back-office search. The trigram indexes on the folded texts are no longer read and
are dropped; those on the names as typed and on the product's own words stay."""

from django.db import migrations, models

import ocop.market.words

# The expression of ocop.market.words.FoldedWords on PostgreSQL, as the index must spell it.
ENTRY_WORDS = "array_to_tsvector(array_remove(string_to_array(folded_text, ' '), ''))"
FORWARD = [
    "CREATE INDEX IF NOT EXISTS market_listing_search_words "
    "ON market_listing USING gin (search_words)",
    "CREATE INDEX IF NOT EXISTS market_searchentry_folded_words "
    f"ON market_searchentry USING gin (({ENTRY_WORDS}))",
    "DROP INDEX IF EXISTS market_listing_folded_trgm",
    "DROP INDEX IF EXISTS market_searchentry_folded_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS market_listing_folded_trgm "
    "ON market_listing USING gin (folded_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS market_searchentry_folded_trgm "
    "ON market_searchentry USING gin (folded_text gin_trgm_ops)",
    "DROP INDEX IF EXISTS market_listing_search_words",
    "DROP INDEX IF EXISTS market_searchentry_folded_words",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("market", "0011_listing_search_texts")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_words",
            field=models.GeneratedField(
                db_persist=True,
                expression=ocop.market.words.FoldedWords("folded_text"),
                output_field=ocop.market.words.WordsField(),
            ),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
