"""The recognition a product holds, as the evaluation procedure needs to know it.

An upgrade (art. 6(1)(b), 7(5)) and a re-rating (art. 6(1)(c), 7(6)) start from the product's
certificate, whether it was issued on the platform or recorded from a decision taken before it
(art. 12(1) keeps those valid); a first rating is refused while the product holds a valid one.
Certificates belong to the certificates app, which comes after this one in the chain and is
never imported here: it registers the function that reads them when it starts
(``CertificatesConfig.ready``), and this module asks it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from ocop.core.deadlines import ReRatingWindow, re_rating_window


@dataclass(frozen=True)
class Recognition:
    """The product's current certificate (neither revoked nor replaced) on a given day."""

    certificate_id: int
    number: str
    star: int
    issued_on: datetime.date
    valid_until: datetime.date  # the expiry day (36 months after issue, art. 4(3))
    is_valid: bool  # it may be shown on the packaging on that day
    dossier_id: int | None = None  # the dossier it was rated on, when rated on the platform

    @property
    def window(self) -> ReRatingWindow:
        """When its re-rating may be filed (art. 7(6)(a))."""
        return re_rating_window(self.valid_until)


@dataclass(frozen=True)
class ProductRecognition:
    """What the certificates say of one product: its current certificate, if any, and the
    dossiers that a signed decision has already recognised (the others that were proposed are
    still waiting for a decision)."""

    current: Recognition | None
    decided_dossier_ids: frozenset[int] = frozenset()


Reader = Callable[[int, datetime.date], ProductRecognition]
_reader: Reader | None = None


def register_reader(reader: Reader) -> None:
    """Called once by the certificates app when it starts."""
    global _reader
    _reader = reader


def recognition_of(product_id: int, *, on: datetime.date | None = None) -> ProductRecognition:
    """The recognition of the product on ``on`` (today by default)."""
    if _reader is None:
        raise ImproperlyConfigured(
            "No recognition reader is registered: ocop.certificates must be installed."
        )
    return _reader(product_id, on or timezone.localdate())
