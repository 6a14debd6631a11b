"""Numbers as the reader's language writes them: the one helper for scores in pages, flash
messages and e-mails, so that a total reads 65,40 everywhere in Vietnamese (never 65.40 in
one place and 65,4 or 65.4 in another)."""

from django.template.defaultfilters import floatformat


def points(value) -> str:
    """``value`` with the active language's decimal mark, to two decimals when it has a
    fraction, none when it is whole: 65,40 · 66 · —."""
    if value is None or value == "":
        return "—"
    return floatformat(value, "-2")
