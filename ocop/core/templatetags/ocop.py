"""Filters every app's templates share: ``{% load ocop %}``."""

import re

from django import template

from ocop.core import numbers

register = template.Library()

_NOT_DIALLED = re.compile(r"[^\d+]")


@register.filter
def tel_href(phone) -> str:
    """The ``tel:`` address of a phone number as people write it: only its digits (and a
    leading ``+``), so "0215 3826 111 (mẫu)" dials 02153826111."""
    digits = _NOT_DIALLED.sub("", str(phone or ""))
    return "tel:" + (digits[:1] + digits[1:].replace("+", ""))


@register.filter
def points(value) -> str:
    """A score in the language's own figures, to two decimals when it has a fraction: 65,40
    and 66 in Vietnamese, 65.40 and 66 in English (:func:`ocop.core.numbers.points`)."""
    return numbers.points(value)


@register.filter
def points_list(values, separator=" · ") -> str:
    """Scores joined by ``separator``, each as :func:`points` writes it."""
    return separator.join(numbers.points(value) for value in values or ())
