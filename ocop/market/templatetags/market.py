from django import template

register = template.Library()


@register.filter
def stars(count):
    """★ repeated ``count`` times (3 → ★★★)."""
    try:
        return "★" * max(0, min(int(count), 5))
    except (TypeError, ValueError):
        return ""
