"""What the public sees: the products listed as OCOP on a day, and the filters of the catalogue.

A product is *listed* on a day when it holds a certificate valid that day
(:meth:`Certificate.objects.valid_on`, the same rule as the verification page); its star is that
certificate's. A product that has ever been certified keeps its public page (which then says
plainly that the certificate is revoked or expired) but leaves every list at once."""

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch

from ocop.certificates.models import Certificate
from ocop.products.models import Product, ProductPhoto

SORTS = ("relevance", "stars", "name", "newest")


def listed_products(day: datetime.date):
    """Products holding a certificate valid on ``day`` (today or later), annotated with
    ``ocop_star`` and ``certified_on`` (that certificate's star and day of issue).

    Read from the listing rows (:mod:`ocop.market.listing`), kept with the certificates: the
    same products as ``Certificate.objects.valid_on(day)`` for any ``day`` from today
    (``tests/test_listing.py`` checks it edge by edge)."""
    return Product.objects.filter(
        listing__certified_on__lte=day, listing__listed_until__gte=day
    ).annotate(ocop_star=F("listing__star"), certified_on=F("listing__certified_on"))


def public_products(day: datetime.date):
    """Products with a public page: certified at least once by ``day``."""
    return Product.objects.filter(
        Exists(Certificate.objects.filter(product_id=OuterRef("pk"), issued_on__lte=day))
    )


def with_card_data(queryset):
    """What a product card shows: name, producer, places, and the first photo (one prefetch).
    Only those columns are read: the rows are sorted before the page is cut, and the long
    texts (description, story) would make every sorted row kilobytes wide."""
    return (
        queryset.select_related("producer", "producer__province", "producer__commune")
        .only(*CARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ProductPhoto.objects.order_by("position", "id").only(
                    "pk", "product_id", "position"
                ),
                to_attr="card_photos",  # a list: no queryset is built per product
            )
        )
    )


CARD_FIELDS = (
    "pk",
    "name",
    "folded_name",
    "is_sample",
    "producer__name",
    "producer__province__short_name",
    "producer__commune__short_name",
)


def catalogue_sort(sort: str, *, searching: bool) -> str:
    """The order a catalogue request gets: relevance only for a search, stars by default."""
    if sort not in SORTS or (sort == "relevance" and not searching):
        return "relevance" if searching else "stars"
    return sort
