"""The index behind the catalogue search (see ocop/market/search.py).

SQLite: an FTS5 table over market_searchentry.folded_text (external content, rowid = product
id), kept in step by triggers. PostgreSQL: pg_trgm and a trigram GIN index on folded_text, which
serves the ``LIKE '% word%'`` patterns of the search."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE market_searchentry_fts USING fts5(
        folded_text, content='market_searchentry', content_rowid='product_id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER market_searchentry_fts_insert AFTER INSERT ON market_searchentry BEGIN
        INSERT INTO market_searchentry_fts(rowid, folded_text)
        VALUES (new.product_id, new.folded_text);
    END""",
    """CREATE TRIGGER market_searchentry_fts_delete AFTER DELETE ON market_searchentry BEGIN
        INSERT INTO market_searchentry_fts(market_searchentry_fts, rowid, folded_text)
        VALUES ('delete', old.product_id, old.folded_text);
    END""",
    """CREATE TRIGGER market_searchentry_fts_update AFTER UPDATE ON market_searchentry BEGIN
        INSERT INTO market_searchentry_fts(market_searchentry_fts, rowid, folded_text)
        VALUES ('delete', old.product_id, old.folded_text);
        INSERT INTO market_searchentry_fts(rowid, folded_text)
        VALUES (new.product_id, new.folded_text);
    END""",
    "INSERT INTO market_searchentry_fts(market_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS market_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS market_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS market_searchentry_fts_update",
    "DROP TABLE IF EXISTS market_searchentry_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX IF NOT EXISTS market_searchentry_folded_trgm
        ON market_searchentry USING gin (folded_text gin_trgm_ops)""",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS market_searchentry_folded_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("market", "0001_search_entry")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
            elidable=False,
        )
    ]
