"""Each listing carries its product's search texts, so that PostgreSQL's catalogue search tests
them on the listing itself (see ocop/market/search.py): a common word walks the star order
without probing the search entries row by row, a rare one reads a trigram index. The texts
are copied from the search entries (the same function writes both); ``reconcile_listings``
recomputes them from their source. On SQLite the columns stay empty: its FTS5 index answers
by product id (``search.listings_carry_texts``)."""

from django.db import migrations, models

COLUMNS = ("folded_text", "exact_text", "product_words")
INDEXES = {
    "market_listing_folded_trgm": "folded_text",
    "market_listing_exact_trgm": "exact_text",
    "market_listing_words_trgm": "product_words",
}


def copy_texts(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    assignments = ", ".join(
        f"{column} = coalesce((SELECT entry.{column} FROM market_searchentry AS entry "
        f"WHERE entry.product_id = market_listing.product_id), '')"
        for column in COLUMNS
    )
    schema_editor.execute(f"UPDATE market_listing SET {assignments}")  # noqa: S608 (no value)
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON market_listing USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("market", "0010_drop_channel_active_kind_index")]

    operations = [
        *(
            migrations.AddField(
                model_name="listing",
                name=column,
                field=models.TextField(default="", editable=False),
            )
            for column in COLUMNS
        ),
        migrations.RunPython(copy_texts, drop_indexes, elidable=False),
    ]
