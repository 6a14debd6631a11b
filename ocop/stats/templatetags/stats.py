"""``{% load stats %}``: whether to show the statistics link (``user|is_official``)."""

from django import template

from ocop.accounts.scope import official_scope

register = template.Library()


@register.filter
def is_official(user) -> bool:
    """True for the officials who have a dashboard (central, province or commune office); the
    scope is cached on the user, so this costs one query per request at most."""
    return official_scope(user).is_official
