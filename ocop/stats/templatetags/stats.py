"""``{% load stats %}``: whether to show the statistics link (``user|is_official``) and a
table cell (``cell|stats_cell``)."""

import datetime

from django import template
from django.template.defaultfilters import date

from ocop.accounts.scope import official_scope
from ocop.core.numbers import figure

register = template.Library()


@register.filter
def is_official(user) -> bool:
    """True for the officials who have a dashboard (central, province or commune office); the
    scope is cached on the user, so this costs one query per request at most."""
    return official_scope(user).is_official


@register.filter
def stats_cell(value):
    """A date in the short format, a number as :func:`ocop.core.numbers.figure` writes it.
    Cheaper than ``{% if cell.year %}``, which fails a lookup on every number of a table."""
    if isinstance(value, datetime.date):
        return date(value, "SHORT_DATE_FORMAT")
    return figure(value)
