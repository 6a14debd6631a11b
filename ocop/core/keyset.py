"""Keyset pagination: pages whose cost does not grow with their depth.

An OFFSET page makes the database walk past every row before it, so the last page of a long
list costs many times its first. A keyset page instead starts *after the sort values of a
boundary row*: ``WHERE (a, b, pk) > (x, y, z) ORDER BY a, b, pk LIMIT n``, which an index on
``(a, b, pk)`` answers by seeking to ``(x, y, z)`` and reading ``n`` rows, on any page. The
comparison is written as OR/AND terms, so the columns may mix directions, led by a range on
the first column (``a >= x AND (a > x OR (a = x AND …))``) that the index seeks to.

Usage (a back-office list view)::

    from ocop.core.keyset import paginate_keyset

    page = paginate_keyset(request, queryset, ["-issued_on", "-id"])
    # page.object_list (a list), page.has_next, page.has_previous, page.has_other_pages,
    # page.count (or None), and the query strings of the links, filters kept:
    # page.first_query, page.previous_query, page.next_query, page.last_query

and in the template ``{% include "includes/keyset_pagination.html" %}`` (see that file for
its optional ``list_url``, ``target`` and ``swap`` for htmx links).

The ordering
    A list of field paths, each with an optional ``-`` for descending order (``"-issued_on"``,
    ``"folded_name"``, ``"producer__folded_name"``), that ends in a unique field (``"id"`` or
    ``"pk"``) so that every row has its own key. The pager orders the queryset itself (any
    ``order_by`` of the caller is replaced). A related path needs its relation in
    ``select_related`` or the boundary row costs one more query. Give the ordering an index
    that serves it (the same fields in the same order; a descending ordering is served by an
    ascending index read backwards), with the list's usual filter columns in front when they
    are equalities (``(province, folded_name, id)``).

Nullable fields
    Supported: NULL sorts after every value in ascending order and before every value in
    descending order (PostgreSQL's default; the pager writes ``NULLS LAST``/``NULLS FIRST`` so
    SQLite agrees). The seek then needs an ``OR ... IS NULL`` that an index may serve less well,
    so prefer non-null columns for long lists.

The links
    ``?cursor=…`` carries the direction and the sort values of the boundary row: the last row
    of the page for "next", the first for "previous". It is signed JSON
    (:mod:`django.core.signing`, with the model and the ordering in the salt); a cursor that
    is tampered with, truncated, made for another list or ordering, or whose values do not
    fit their fields is ignored and the first page is shown, never an error. ``?page=last`` is
    the last page: the reversed ordering limited to one page, read back in order. "Previous"
    is likewise the reversed ordering after the first row's key. Every page therefore runs one
    query for its rows (one row more than a page, to know whether another page follows), plus
    the optional count. The page number is not known (it would cost a count of the rows
    before): the links are first, previous, next and last.

Older links
    ``?page=1`` (or any value that is not a number above 1, or one beyond
    ``MAX_LEGACY_PAGE``) is the first page. ``?page=N`` with
    ``N > 1`` from a link made before keyset pages still shows the rows at that position, by an
    OFFSET (its cost grows with N, but only such old links use it); past the end it shows the
    last page. The links on that page are keyset links again.

The total
    ``count=True`` (the default) counts the filtered queryset once per page (``page.count``);
    pass an ``int`` or a callable when a cheaper total is known (a summary table), or
    ``count=None`` to skip it (``page.count`` is then None). The count does not depend on the
    page, so the last page costs what the first does.

Walking back from the last page, the pages end where the last page begins, so the first of
them may be shorter than a page (its "First page" link shows a full one). A cursor with no row
beyond it any more (rows deleted since its link was made) shows the first page ("previous")
or the last page ("next"): one query more, in that case only.
"""

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q

from .pagination import PAGE_SIZE

CURSOR_PARAMETER = "cursor"
PAGE_PARAMETER = "page"
LAST_PAGE = "last"
NEXT, PREVIOUS = "n", "p"
# An older ?page=N link beyond this is shown as the first page rather than read by OFFSET.
MAX_LEGACY_PAGE = 100_000


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset ordering: its path, direction, model field and nullability."""

    path: str
    descending: bool
    model_field: object
    nullable: bool
    model_label: str  # of the paginated model: a cursor is valid for one model and ordering

    def order_expression(self, *, reverse=False):
        descending = self.descending != reverse
        expression = F(self.path)
        if not self.nullable:
            return expression.desc() if descending else expression.asc()
        # NULL is the greatest value in either direction.
        return expression.desc(nulls_first=True) if descending else expression.asc(nulls_last=True)

    def value_of(self, row):
        value = row
        for part in self.path.split("__"):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    def beyond(self, value, *, reverse=False) -> Q | None:
        """Rows strictly beyond ``value`` in this column's reading direction (None: no row)."""
        greater = self.descending == reverse  # reading towards greater values
        if value is None:
            return None if greater else Q(**{f"{self.path}__isnull": False})
        lookup = "gt" if greater else "lt"
        condition = Q(**{f"{self.path}__{lookup}": value})
        if greater and self.nullable:
            condition |= Q(**{f"{self.path}__isnull": True})
        return condition

    def from_here(self, value, *, reverse=False) -> Q | None:
        """Rows at or beyond ``value``: a range the index can seek to (None: not worth it)."""
        greater = self.descending == reverse
        if value is None or self.nullable:
            return None
        return Q(**{f"{self.path}__{'gte' if greater else 'lte'}": value})

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})


def sort_keys(model, ordering) -> list[SortKey]:
    """The ordering parsed against ``model``; ValueError when it cannot key a page."""
    if not ordering:
        raise ValueError("A keyset ordering needs at least one field.")
    keys = []
    for item in ordering:
        descending = item.startswith("-")
        path = item.removeprefix("-")
        current, model_field, nullable = model, None, False
        parts = path.split("__")
        for index, part in enumerate(parts):
            if part == "pk":
                part = current._meta.pk.name
                parts[index] = part
            try:
                model_field = current._meta.get_field(part)
            except FieldDoesNotExist as error:
                raise ValueError(f"{path!r} is not a field path of {model.__name__}.") from error
            nullable = nullable or model_field.null
            if index < len(parts) - 1:
                if not model_field.is_relation:
                    raise ValueError(f"{path!r} goes through a field that is not a relation.")
                current = model_field.related_model
        if model_field.is_relation:
            # Order by the stored key of a foreign key, not by the related model's ordering.
            parts[-1] = model_field.attname
        keys.append(
            SortKey("__".join(parts), descending, model_field, nullable, model._meta.label_lower)
        )
    last = keys[-1].model_field
    if not (last.primary_key or last.unique) or keys[-1].nullable:
        raise ValueError("A keyset ordering must end in a unique, non-null field such as 'id'.")
    return keys


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _salt(keys) -> str:
    ordering = ",".join(("-" if key.descending else "") + key.path for key in keys)
    return f"ocop.core.keyset:{keys[0].model_label}:{ordering}"


def make_cursor(keys, row, direction) -> str:
    values = [_encode(key.value_of(row)) for key in keys]
    return signing.dumps({"d": direction, "v": values}, salt=_salt(keys), compress=True)


def read_cursor(keys, token):
    """``(direction, values)`` of a cursor made by :func:`make_cursor`, or None if it is not
    one for this ordering or its values do not fit the fields."""
    try:
        data = signing.loads(token, salt=_salt(keys))
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(data, dict) or data.get("d") not in (NEXT, PREVIOUS):
        return None
    raw = data.get("v")
    if not isinstance(raw, list) or len(raw) != len(keys):
        return None
    values = []
    for key, value in zip(keys, raw, strict=True):
        if value is None:
            if not key.nullable:
                return None
            values.append(None)
            continue
        if isinstance(value, dict | list):
            return None
        try:
            values.append(key.model_field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return None
    return data["d"], values


def seek(keys, values, *, reverse=False) -> Q | None:
    """``(a, b, pk) > (x, y, z)`` in the reading direction, as OR/AND terms for mixed
    directions and NULLs, led by a range on the first column that an index can seek to."""
    terms = []
    for index, key in enumerate(keys):
        condition = key.beyond(values[index], reverse=reverse)
        if condition is None:
            continue
        for before, value in zip(keys[:index], values[:index], strict=True):
            condition &= before.equal(value)
        terms.append(condition)
    if not terms:
        return None
    condition = terms[0]
    for term in terms[1:]:
        condition |= term
    leading = keys[0].from_here(values[0], reverse=reverse)
    return leading & condition if leading is not None else condition


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list. Iterating it gives its rows."""

    object_list: list
    has_next: bool
    has_previous: bool
    count: int | None
    first_query: str = ""
    previous_query: str = ""
    next_query: str = ""
    last_query: str = ""

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def _query(request, **parameters) -> str:
    params = request.GET.copy()
    params.pop(CURSOR_PARAMETER, None)
    params.pop(PAGE_PARAMETER, None)
    for name, value in parameters.items():
        params[name] = value
    return params.urlencode()


def _legacy_page_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 < number <= MAX_LEGACY_PAGE else None


def paginate_keyset(request, queryset, ordering, *, per_page=PAGE_SIZE, count=True):
    """The page of ``queryset`` that ``request`` asks for, in ``ordering`` (see the module's
    documentation for the parameters, the cursor and the older ``?page=N`` links)."""
    keys = sort_keys(queryset.model, ordering)
    forward = queryset.order_by(*(key.order_expression() for key in keys))
    backward = queryset.order_by(*(key.order_expression(reverse=True) for key in keys))

    cursor = read_cursor(keys, request.GET.get(CURSOR_PARAMETER, ""))
    page_value = request.GET.get(PAGE_PARAMETER)
    rows = None
    if cursor is not None:
        direction, values = cursor
        reverse = direction == PREVIOUS
        condition = seek(keys, values, reverse=reverse)
        source = backward if reverse else forward
        rows = list(source.filter(condition)[: per_page + 1]) if condition is not None else []
        more = len(rows) > per_page
        rows = rows[:per_page]
        if reverse:
            rows.reverse()
            has_previous, has_next = more, True
            if not rows:
                rows = None  # nothing before the cursor (rows deleted): show the first page
        else:
            has_previous, has_next = True, more
            if not rows:
                rows = None  # nothing after the cursor (rows deleted): show the last page
                page_value = LAST_PAGE
    if rows is None and page_value == LAST_PAGE:
        rows = list(backward[: per_page + 1])
        has_previous = len(rows) > per_page
        rows = rows[:per_page]
        rows.reverse()
        has_next = False
    elif rows is None and (number := _legacy_page_number(page_value)) is not None:
        offset = (number - 1) * per_page
        rows = list(forward[offset : offset + per_page + 1])
        if rows:
            has_previous, has_next = True, len(rows) > per_page
            rows = rows[:per_page]
        else:
            rows = list(backward[: per_page + 1])
            has_previous = len(rows) > per_page
            rows = rows[:per_page]
            rows.reverse()
            has_next = False
    if rows is None:
        rows = list(forward[: per_page + 1])
        has_previous, has_next = False, len(rows) > per_page
        rows = rows[:per_page]

    if count is True:
        total = queryset.order_by().count()
    elif callable(count):
        total = count()
    else:
        total = count
    page = KeysetPage(rows, has_next, has_previous, total)
    page.first_query = _query(request)
    page.last_query = _query(request, **{PAGE_PARAMETER: LAST_PAGE})
    if has_previous and rows:
        page.previous_query = _query(
            request, **{CURSOR_PARAMETER: make_cursor(keys, rows[0], PREVIOUS)}
        )
    if has_next and rows:
        page.next_query = _query(request, **{CURSOR_PARAMETER: make_cursor(keys, rows[-1], NEXT)})
    return page
