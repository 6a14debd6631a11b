"""What the public sees: the products listed as OCOP on a day, and the filters of the catalogue.

A product is *listed* on a day when it holds a certificate valid that day
(:meth:`Certificate.objects.valid_on`, the same rule as the verification page); its star is that
certificate's. A product that has ever been certified keeps its public page (which then says
plainly that the certificate is revoked or expired) but leaves every list at once."""

import datetime

from django.db.models import Exists, F, FilteredRelation, OuterRef, Prefetch, Q

from ocop.certificates.models import Certificate, grace_days
from ocop.evaluations.models import Dossier
from ocop.products.models import Product, ProductPhoto

from . import search

SORTS = ("relevance", "stars", "name", "newest")


def listed_products(day: datetime.date):
    """Products holding a certificate valid on ``day`` (today or later), annotated with
    ``ocop_star`` and ``certified_on`` (that certificate's star and day of issue).

    Only a product's *current* certificate (neither revoked nor replaced: at most one per
    product, a database constraint) can be valid from today on, so this is one join on it rather
    than a subquery per product: the same products as ``Certificate.objects.valid_on(day)``
    for any ``day`` from today (``tests/test_listing.py`` checks it edge by edge), fast enough
    to sort and count the whole nation's catalogue."""
    grace_from = day - datetime.timedelta(days=grace_days())
    pending_re_rating = Exists(
        Dossier.objects.extending_certificates().filter(product_id=OuterRef("pk"))
    )
    return (
        Product.objects.annotate(
            current_certificate=FilteredRelation(
                "certificates", condition=Q(certificates__is_current=True)
            )
        )
        .filter(  # one filter() call: one join
            Q(current_certificate__valid_until__gte=day) | pending_re_rating,
            current_certificate__issued_on__lte=day,
            current_certificate__valid_until__gte=grace_from,
        )
        .annotate(
            ocop_star=F("current_certificate__star"),
            certified_on=F("current_certificate__issued_on"),
        )
    )


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
            Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "id"))
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


def filter_catalogue(queryset, filters: dict):
    """Apply the cleaned catalogue filters (see :class:`~ocop.market.forms.CatalogueForm`)."""
    if filters.get("province"):
        queryset = queryset.filter(producer__province_id=filters["province"])
    if filters.get("commune"):
        queryset = queryset.filter(producer__commune_id=filters["commune"])
    if filters.get("sector"):
        queryset = queryset.filter(scoring_set__group__sector_id=filters["sector"])
    if filters.get("group"):
        queryset = queryset.filter(scoring_set__group_id=filters["group"])
    if filters.get("set"):
        queryset = queryset.filter(scoring_set_id=filters["set"])
    if filters.get("star"):
        queryset = queryset.filter(ocop_star=filters["star"])
    if filters.get("kind"):
        queryset = queryset.filter(producer__kind=filters["kind"])
    if filters.get("month"):
        queryset = queryset.in_season(filters["month"])
    query = filters.get("q")
    if query:
        queryset = search.search(queryset, query)
    return queryset


def sort_catalogue(queryset, sort: str, *, searching: bool):
    if sort not in SORTS or (sort == "relevance" and not searching):
        sort = "relevance" if searching else "stars"
    order = {
        "relevance": ["search_rank", "-ocop_star", "folded_name", "pk"],
        "stars": ["-ocop_star", "folded_name", "pk"],
        "name": ["folded_name", "pk"],
        "newest": ["-certified_on", "folded_name", "pk"],
    }[sort]
    return queryset.order_by(*order), sort
