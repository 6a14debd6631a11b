"""The market part of the demo: the catalogue's search entries for every product.

``seed_market(report=None)`` is idempotent: it writes only the entries that are missing or out of
date (the products, producers and certificates themselves come from the other demo parts), so a
second run writes nothing. Call it last in ``ocop.demo.seed.seed``, after
``seed_certificates``."""

from ocop.market.search import rebuild_index

LABEL = "search entries"


def seed_market(report=None) -> int:
    """Bring the catalogue's search index up to date; returns how many entries were written.
    With a ``SeedReport``, counts them under "search entries"."""
    written = rebuild_index()
    if report is not None:
        from ocop.market.models import SearchEntry

        report.updated[LABEL] += written
        report.unchanged[LABEL] += SearchEntry.objects.count() - written
    return written
