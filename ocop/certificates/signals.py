"""Events the certificates app announces to the apps below it (market, stats), which may not be
imported from here. A receiver only refreshes derived data (search entries, summary tables); it
never changes certificates.

``certificates_changed`` is sent once the transaction that issued, superseded or revoked
certificates commits, with ``product_ids``: the products whose certificates changed."""

from django.db import transaction
from django.dispatch import Signal

certificates_changed = Signal()


def announce_change(product_ids) -> None:
    """Send ``certificates_changed`` for ``product_ids`` after the current transaction commits."""
    ids = sorted(set(product_ids))
    if ids:
        transaction.on_commit(
            lambda: certificates_changed.send(sender="certificates", product_ids=ids)
        )
