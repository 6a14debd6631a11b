"""Filters every app's templates share: ``{% load ocop %}``."""

import re

from django import template

register = template.Library()

_NOT_DIALLED = re.compile(r"[^\d+]")


@register.filter
def tel_href(phone) -> str:
    """The ``tel:`` address of a phone number as people write it: only its digits (and a
    leading ``+``), so "0215 3826 111 (mẫu)" dials 02153826111."""
    digits = _NOT_DIALLED.sub("", str(phone or ""))
    return "tel:" + (digits[:1] + digits[1:].replace("+", ""))
