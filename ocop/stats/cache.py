"""The derived figures, cached under the statistics version.

A dashboard's figures depend on the summary tables, on the day, on today's dossier statuses
(potential 5★, re-ratings pending in the grace period) and on the names of the units and of the
classification. Every change of those gives :class:`~ocop.stats.models.SummaryVersion` a new
random token (:func:`bump`): the summary refreshes do it in their transaction, the receivers of
``StatsConfig.ready()`` after the other changes commit. A request reads the token (1 query) and
finds its figures in Django's cache under (what, scope, day, language, token); a figure computed
under an older token is never read again. Nothing lives in process memory that another server
would need: with a per-process cache each server computes a figure once per token, with a
shared cache once for all.

Without a version row (a database that no change nor ``reconcile_stats`` has touched yet)
nothing is cached. Entries also expire after :data:`TIMEOUT` seconds, which bounds the life of
a figure whose source changed without a signal (units renamed by ``bulk_update`` in an import).
"""

import dataclasses
import uuid

from django.core.cache import cache
from django.utils import translation
from django.utils.functional import Promise

from .models import SummaryVersion

TIMEOUT = 600
PREFIX = "ocop-stats"


def bump() -> None:
    """Give the statistics a new version: every cached figure is stale from the commit on."""
    updated = SummaryVersion.objects.filter(pk=1).update(token=uuid.uuid4())
    if not updated:
        SummaryVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def current_token() -> str | None:
    token = SummaryVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token.hex if token else None


def cached(name: str, parts, compute):
    """``compute()``, or its result cached under ``name``, ``parts``, the active language and the
    current version (1 query to read the version)."""
    token = current_token()
    if token is None:
        return compute()
    language = translation.get_language() or ""
    key = ":".join([PREFIX, name, *(str(part) for part in parts), language, token])
    value = cache.get(key)
    if value is None:
        value = plain(compute())
        cache.set(key, value, TIMEOUT)
    return value


def plain(value):
    """``value`` with its lazy translations made strings (in the active language, which is in
    the key): unpickling a lazy string builds a class, a few hundred of them cost more than
    computing the figures."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(plain(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value
