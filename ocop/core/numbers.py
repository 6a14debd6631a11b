"""Numbers as the reader's language writes them: the one helper for scores and figures in
pages, flash messages and e-mails, so that a total reads 65,40 everywhere in Vietnamese
(never 65.40 in one place and 65,4 or 65.4 in another), and a count 20.412."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import number_format


def points(value) -> str:
    """``value`` with the active language's decimal mark, to two decimals when it has a
    fraction, none when it is whole: 65,40 · 66 · —."""
    if value is None or value == "":
        return "—"
    return floatformat(value, "-2")


def figure(value):
    """A table's figure: a count with the language's grouping (12.000), a fraction as
    :func:`points` (1,50); anything else (a date, a name) as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if isinstance(value, (Decimal, float)):
        return points(value)
    return value
