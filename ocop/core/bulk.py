"""Inserting many rows fast, for writes of thousands of rows at once (imports).

Django's ``bulk_create`` compiles every value through the expression machinery (some
microseconds each, most of an import's writing time). :func:`insert_rows` prepares each value
with its field, as ``save`` does, and sends one multi-row ``INSERT … RETURNING`` a batch (the
ids are set on the objects, in order, as ``bulk_create`` does on PostgreSQL and SQLite ≥ 3.35).
It sends no signal and runs no ``save()``: the objects must be complete (computed fields such
as folded names filled in) and plain values, no expressions.

On PostgreSQL the batch is sent as one array per column (``INSERT … SELECT * FROM
unnest(%s::integer[], …)``), as Django's own ``bulk_create`` does there: a placeholder per
column instead of one per value. psycopg parses a query's placeholders in Python, some
microseconds each, which was half of a 20,000-row import's commit."""

from django.db import connections, router

# Fields whose plain values (str, int, bool, None) both backends take as they are.
_PLAIN_TYPES = (str, int, bool)
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def insert_rows(model, objects, *, batch_size=1000) -> int:
    """Insert `objects` (unsaved instances of `model`) and set their ids; returns how many."""
    objects = list(objects)
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    pk = opts.pk
    fields = [field for field in opts.concrete_fields if field is not pk and not field.generated]
    quote = connection.ops.quote_name
    # Only the quoted names of the model's table, columns and types are formatted into the
    # SQL; every value is a parameter.
    insert = f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    returning = f" RETURNING {quote(pk.column)}"
    preparers = [_preparer(field, connection) for field in fields]
    arrays = _array_types(fields, connection)
    if arrays is not None:  # one placeholder a column, whatever the batch's size
        unnest = ", ".join(f"%s::{db_type}[]" for db_type in arrays)
        sql = f"{insert} SELECT * FROM unnest({unnest}){returning}"  # noqa: S608
        size = batch_size
    else:
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        limit = connection.features.max_query_params or 65535
        size = max(1, min(batch_size, limit // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), size):
            batch = objects[start : start + size]
            if arrays is not None:
                params = [[prepare(obj) for obj in batch] for prepare in preparers]
            else:
                sql = f"{insert} VALUES {', '.join([row_sql] * len(batch))}{returning}"
                params = [prepare(obj) for obj in batch for prepare in preparers]
            cursor.execute(sql, params)
            for obj, (value,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
                obj._state.adding, obj._state.db = False, connection.alias
    return len(objects)


def _array_types(fields, connection) -> list[str] | None:
    """PostgreSQL: the type of each field's array (its type without a length: ``varchar``,
    not ``varchar(200)``); ``None`` elsewhere, or when a field is not a plain column type
    (Django's ``bulk_create`` makes the same checks before it uses ``unnest``)."""
    if connection.vendor != "postgresql":
        return None
    for field in fields:
        target = field.target_field if field.is_relation else field
        if target.get_internal_type() not in connection.data_types or hasattr(
            field, "get_placeholder_sql"
        ):
            return None
    return [field.db_type(connection).split("(")[0] for field in fields]


def _preparer(field, connection):
    """A function giving `field`'s database value of an object, as ``save`` computes it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)
    attname = field.attname
    if field.get_internal_type() in _PLAIN_FIELDS:

        def prepare(obj):
            value = getattr(obj, attname)
            if value is None or type(value) in _PLAIN_TYPES:
                return value
            return field.get_db_prep_save(value, connection)

        return prepare
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)
