"""The search index learns the catalogue's ranking tiers (see ocop/market/search.py).

SQLite: ``market_searchentry_fts`` also indexes the product's own words (``product_words``) and
the names as written (``exact_text``, lower case, tone marks kept: the tokenizer no longer
removes diacritics, which changes nothing for the folded columns, already without them), so
that each ranking tier is one query of the index rather than patterns matched row by row. It
stays an external-content table over market_searchentry (rowid = product id), kept in step by
triggers. PostgreSQL keeps its trigram
index: the tiers are ``LIKE`` patterns there."""

from django.db import migrations

TABLES = {
    "market_searchentry_fts": (
        ["folded_text", "product_words", "exact_text"],
        "unicode61 remove_diacritics 0",
    ),
}


def _statements(table, columns, tokenizer):
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete = (
        f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.product_id, {old});"
    )
    insert = f"INSERT INTO {table}(rowid, {names}) VALUES (new.product_id, {new});"
    return [
        f"""CREATE VIRTUAL TABLE {table} USING fts5({names}, content='market_searchentry',
            content_rowid='product_id', tokenize='{tokenizer}')""",
        f"CREATE TRIGGER {table}_insert AFTER INSERT ON market_searchentry BEGIN {insert} END",
        f"CREATE TRIGGER {table}_delete AFTER DELETE ON market_searchentry BEGIN {delete} END",
        f"""CREATE TRIGGER {table}_update AFTER UPDATE ON market_searchentry BEGIN
            {delete} {insert} END""",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
    ]


def _drop(table):
    return [
        f"DROP TRIGGER IF EXISTS {table}_insert",
        f"DROP TRIGGER IF EXISTS {table}_delete",
        f"DROP TRIGGER IF EXISTS {table}_update",
        f"DROP TABLE IF EXISTS {table}",
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    statements = _drop("market_searchentry_fts")
    for table, (columns, tokenizer) in TABLES.items():
        statements += _statements(table, columns, tokenizer)
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    statements = _drop("market_searchentry_fts")
    statements += _statements(
        "market_searchentry_fts", ["folded_text"], "unicode61 remove_diacritics 2"
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("market", "0005_listing")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
