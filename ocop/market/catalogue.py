"""What the public sees: the products listed as OCOP on a day, and the filters of the catalogue.

A product is *listed* on a day when it holds a certificate valid that day
(:meth:`Certificate.objects.valid_on`, the same rule as the verification page); its star is that
certificate's. A product that has ever been certified keeps its public page (which then says
plainly that the certificate is revoked or expired) but leaves every list at once."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Subquery

from ocop.certificates.models import Certificate
from ocop.products.models import Product, ProductPhoto

from . import search

SORTS = ("relevance", "stars", "name", "newest")


def _valid_certificates(day: datetime.date):
    return (
        Certificate.objects.valid_on(day)
        .filter(product_id=OuterRef("pk"))
        .order_by("-issued_on", "-pk")
    )


def listed_products(day: datetime.date):
    """Products holding a certificate valid on ``day``, annotated with ``ocop_star`` and
    ``certified_on`` (that certificate's star and day of issue)."""
    valid = _valid_certificates(day)
    return Product.objects.annotate(
        ocop_star=Subquery(valid.values("star")[:1]),
        certified_on=Subquery(valid.values("issued_on")[:1]),
    ).filter(ocop_star__isnull=False)


def public_products(day: datetime.date):
    """Products with a public page: certified at least once by ``day``."""
    return Product.objects.filter(
        Exists(Certificate.objects.filter(product_id=OuterRef("pk"), issued_on__lte=day))
    )


def with_card_data(queryset):
    """What a product card shows: producer, places, set, and the first photo (one prefetch)."""
    return queryset.select_related(
        "producer", "producer__province", "producer__commune", "scoring_set"
    ).prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "id")))


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
