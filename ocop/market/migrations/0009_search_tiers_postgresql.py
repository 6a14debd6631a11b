"""PostgreSQL: trigram indexes on the two other columns of the search tiers (the names as
written, and the product's own words), so that each tier, and the estimate of its size, reads
an index instead of every entry (see ocop/market/search.py). SQLite's FTS5 table indexes all
three columns already (0006)."""

from django.db import migrations

FORWARD = [
    """CREATE INDEX IF NOT EXISTS market_searchentry_exact_trgm
        ON market_searchentry USING gin (exact_text gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS market_searchentry_words_trgm
        ON market_searchentry USING gin (product_words gin_trgm_ops)""",
]
BACKWARD = [
    "DROP INDEX IF EXISTS market_searchentry_exact_trgm",
    "DROP INDEX IF EXISTS market_searchentry_words_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("market", "0008_channel_index_in_list_order")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
