"""The public catalogue: home, product list and search, product, producer and province pages,
public photos, sitemap and robots.txt. No login; nothing here writes.

Every page reads "today" once (``timezone.localdate()``) and lists only the products holding a
certificate valid that day (:mod:`ocop.market.catalogue`). Producers' phone numbers, e-mail
addresses and representatives are not shown."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.certificates.models import VALID_STATUSES, CertificateStatus
from ocop.core import privacy
from ocop.core.forms import blank_form_fields
from ocop.core.ids import MAX_ID
from ocop.core.links import site_url
from ocop.core.models import PersonalDataAccess
from ocop.core.pagination import paginate, query_without_page
from ocop.core.ratelimit import client_ip
from ocop.producers.models import Producer
from ocop.products.models import ProductPhoto, ScoringSet
from ocop.regions.models import Commune, Province

from . import listing, pages, services
from .catalogue import catalogue_sort, listed_products, public_products, with_card_data
from .forms import CatalogueForm, InquiryForm, InquiryNoteForm
from .models import Inquiry, Participation, SalesChannel, TradeEvent

PAGE_SIZE = 24
#: How long a server keeps the catalogue's filter choices (provinces, communes, product sets):
#: reference data, changed only by the loading commands.
REFERENCE_SECONDS = 3600
FEATURED_COUNT = 8
RELATED_COUNT = 4
UPCOMING_EVENTS_COUNT = 4

# The colour of each certificate status (classes of static/css/ocop.css), as on /v/<code>.
STATUS_CLASSES = {
    CertificateStatus.VALID: "valid",
    CertificateStatus.RE_RATING_WINDOW: "valid",
    CertificateStatus.EXTENDED: "expiring",
    CertificateStatus.NOT_YET_VALID: "expiring",
    CertificateStatus.EXPIRED: "expired",
    CertificateStatus.REVOKED: "expired",
    CertificateStatus.SUPERSEDED: "expired",
}
# Query-string filters that change what a catalogue page lists (kept in its canonical address).
CANONICAL_FILTERS = ("province", "commune", "sector", "group", "set", "star", "kind", "month")


def query_without_cursor(request) -> str:
    """The query string without ``page`` or ``cursor``, for the catalogue's page links."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("cursor", None)
    return params.urlencode()


def _check_id(pk: int) -> int:
    if pk > MAX_ID:
        raise Http404
    return pk


def _json_ld(data) -> str:
    """JSON for a ``<script type="application/ld+json">``: <, > and & escaped so no text can
    close the script element."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)


@login_not_required
@require_GET
def home(request):
    today = timezone.localdate()
    featured = pages.products_of(
        listing.listed_on(today)
        .filter(star__gte=4)
        .order_by("-star", "-certified_on", "product_id")[:FEATURED_COUNT]
    )  # queries: the featured listings, their products, their photos
    provinces = sorted(
        listing.counts_by_province(today), key=lambda row: (-row["total"], row["province__name"])
    )  # query: the day's listing summary per province
    events = list(
        TradeEvent.objects.upcoming(today).select_related("province")[:UPCOMING_EVENTS_COUNT]
    )  # query: the next fairs
    context = {
        "featured": featured,
        "events": events,
        "provinces": provinces,
        "total": sum(row["total"] for row in provinces),
        "canonical": site_url(reverse("market:home")),
    }
    return render(request, "market/home.html", context)


def _reference_data():
    """The provinces and the scoring sets (with their groups and sectors), as the catalogue's
    filters list them; two queries once an hour per server."""
    return cache.get_or_set(
        "market:catalogue-choices",
        lambda: (
            list(Province.objects.order_by("folded_name")),
            list(ScoringSet.objects.select_related("group__sector").order_by("number")),
        ),
        REFERENCE_SECONDS,
    )


@login_not_required
@require_GET
def product_list(request):
    today = timezone.localdate()
    provinces, scoring_sets = _reference_data()  # cached: the provinces; the scoring sets
    province_code = request.GET.get("province", "")[:2]
    communes = (
        cache.get_or_set(
            f"market:catalogue-communes:{province_code}",
            lambda: list(Commune.objects.filter(province_id=province_code).order_by("folded_name")),
            REFERENCE_SECONDS,
        )
        if province_code.isdigit()
        else []
    )  # query, once an hour per server and province: its communes
    form = CatalogueForm(
        request.GET, provinces=provinces, communes=communes, scoring_sets=scoring_sets
    )
    filters = form.filters()
    searching = bool(filters.get("q"))
    sort = catalogue_sort(filters.get("sort", ""), searching=searching)
    unsearched = listing.filter_listings(listing.listed_on(today), filters, search_terms=False)
    listings = listing.filter_listings(listing.listed_on(today), filters)
    tiers = None
    if searching and sort == "relevance":
        tiers = pages.search_tiers(
            filters["q"],
            walkable=not any(key not in ("q", "sort") for key in filters),
            per_page=PAGE_SIZE,
            rows=unsearched,
            counted=listings,
        )  # query: each ranking tier's size, from the index, and the count
    if tiers is not None and tiers.count is not None:
        count = tiers.count
    else:
        count = listing.count_listed(today, filters, listings)  # query: the summary, or a count
    if searching and tiers is None:  # another order, or a query without a word
        listings = listing.ranked(listings, filters["q"])
    if tiers is not None:  # each tier is within the matches: the tiers filter them
        listings = unsearched
    page = pages.catalogue_page(
        listings, sort=sort, count=count, per_page=PAGE_SIZE, params=request.GET, tiers=tiers
    )  # query: one seek into the listing index (a search: one per tier, in one query)
    page.object_list = pages.products_of(page.rows)  # queries: the products, their photos
    canonical_params = [(key, str(filters[key])) for key in CANONICAL_FILTERS if filters.get(key)]
    if page.number and page.number > 1:
        canonical_params.append(("page", str(page.number)))
    canonical = site_url(reverse("market:product_list"))
    if canonical_params:
        canonical += "?" + "&".join(f"{key}={value}" for key, value in canonical_params)
    form.data = form.data.copy()
    form.data["sort"] = sort  # the select shows the order actually used
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "searching": searching,
        "has_filters": any(key != "q" for key in filters),
        "query": filters.get("q", ""),
        "query_without_page": query_without_cursor(request),
        "canonical": canonical,
    }
    template = "market/product_list.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        template += "#results"
    return render(request, template, context)


def _certificate_on_show(product, today):
    """The product's certificates issued by ``today``, newest first, each with its status; and
    the one to show: the valid one, else the newest."""
    certificates = list(
        product.certificates.filter(issued_on__lte=today)
        .select_related("decision")
        .with_pending_re_rating()
        .order_by("-issued_on", "-pk")
    )
    for certificate in certificates:
        certificate.public_status = certificate.status_on(today)
        certificate.status_class = STATUS_CLASSES[certificate.public_status]
    valid = [c for c in certificates if c.public_status in VALID_STATUSES]
    return (valid or certificates)[0], certificates


@login_not_required
@require_GET
def product_detail(request, pk):
    return _product_page(request, pk, InquiryForm())


def _product_page(request, pk, inquiry_form, *, refusal="", status=200):
    today = timezone.localdate()
    product = get_object_or_404(
        public_products(today).select_related("producer__province", "producer__commune"),
        pk=_check_id(pk),
    )  # query: the product, its producer and places
    # Its set, group and sector from the cached reference data: three joins fewer, which
    # PostgreSQL took longer to plan than to run (a set added within the hour is read lazily).
    _provinces, scoring_sets = _reference_data()
    cached = next((s for s in scoring_sets if s.number == product.scoring_set_id), None)
    if cached is not None:
        product.scoring_set = cached
    certificate, certificates = _certificate_on_show(product, today)  # query: its certificates
    is_listed = certificate.public_status in VALID_STATUSES
    photos = list(product.photos.order_by("position", "id"))  # query: its photos

    def nearest(**same):
        """The first listings of the same set, or of the same producer, down the star index
        (two seeks of at most RELATED_COUNT rows, read in one query; an OR of both would
        sort the whole set)."""
        return (
            listing.listed_on(today)
            .filter(**same)
            .exclude(product_id=product.pk)
            .order_by("-star", "name_key", "product_id")[:RELATED_COUNT]
        )

    nearby = {
        row.product_id: row
        for row in listing.rows_of_either(
            nearest(scoring_set_id=product.scoring_set_id),
            nearest(producer_id=product.producer_id),
        )
    }  # query: the listings of the same set and of the same producer
    # Read as listing rows and then their products (two simple queries): one query joining
    # the products to the listings, the producers and the places took PostgreSQL longer to
    # plan than the page's other queries together.
    related = pages.products_of(
        sorted(nearby.values(), key=pages.star_key)[:RELATED_COUNT]
    )  # queries: their products, their photos
    channels = list(
        product.sales_channels.active().select_related("province", "commune")
    )  # query: its active sales channels
    events = _upcoming_events_of(product.producer_id, today)  # query: its producer's fairs
    url = site_url(reverse("market:product_detail", args=[product.pk]))
    photo_urls = [
        site_url(reverse("market:photo_image", args=[product.pk, photo.pk])) for photo in photos
    ]
    summary = (product.description or product.story or "").strip()[:300]
    context = {
        "product": product,
        "producer": product.producer,
        "certificate": certificate,
        "certificates": certificates,
        "is_listed": is_listed,
        "Status": CertificateStatus,
        "photos": photos,
        "related": related,
        "channels": channels,
        "events": events,
        "months": [(month, month in product.months) for month in range(1, 13)],
        "canonical": url,
        "summary": summary,
        "og_image": photo_urls[0] if photo_urls else "",
        "json_ld": _json_ld(_product_json_ld(product, certificate, is_listed, url, photo_urls)),
        "inquiry_form": inquiry_form,
        "blank_inquiry_fields": ""
        if inquiry_form.is_bound
        else blank_form_fields("market/_inquiry_fields.html", InquiryForm),
        "refusal": refusal,
    }
    return render(request, "market/product_detail.html", context, status=status)


@login_not_required
@require_POST
def inquiry_create(request, pk):
    """Store a buyer's inquiry; robots (the honeypot) and senders over the hourly cap are
    refused politely, and nothing is stored."""
    product = get_object_or_404(
        listed_products(timezone.localdate()).select_related("producer"), pk=_check_id(pk)
    )
    form = InquiryForm(request.POST)
    if form.is_robot:
        refusal = _("Your inquiry could not be sent. Please try again later.")
        return _product_page(request, pk, form, refusal=refusal, status=400)
    if not form.is_valid():
        return _product_page(request, pk, form, status=400)
    if not services.take_inquiry_slot(client_ip(request)):
        refusal = _(
            "Too many inquiries were sent from your connection in the last hour. Please try "
            "again later."
        )
        return _product_page(request, pk, form, refusal=refusal, status=429)
    try:
        services.submit_inquiry(product, data=form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _product_page(request, pk, form, status=400)
    return redirect("market:inquiry_sent", pk=product.pk)


@login_not_required
@require_GET
def inquiry_sent(request, pk):
    product = get_object_or_404(public_products(timezone.localdate()), pk=_check_id(pk))
    return render(request, "market/inquiry_sent.html", {"product": product})


# --------------------------------------------------------------------------------------
# The producer's inbox and the officials' figures (login required, scoped)
# --------------------------------------------------------------------------------------


@require_GET
def inquiry_list(request):
    status = request.GET.get("status", "")
    inquiries = Inquiry.objects.visible_to(request.user).select_related("product", "producer")
    if status in Inquiry.Status.values:
        inquiries = inquiries.filter(status=status)
    page = paginate(request, inquiries)
    context = {
        "page": page,
        "status": status,
        "Status": Inquiry.Status,
        "query_without_page": query_without_page(request),
    }
    return render(request, "market/inquiry_list.html", context)


def _inquiry_page(request, inquiry, form, status=200):
    context = {
        "inquiry": inquiry,
        "form": form,
        "can_answer": Inquiry.objects.editable_by(request.user).filter(pk=inquiry.pk).exists(),
        "Status": Inquiry.Status,
    }
    return render(request, "market/inquiry_detail.html", context, status=status)


@require_GET
def inquiry_detail(request, pk):
    inquiry = get_object_or_404(
        Inquiry.objects.visible_to(request.user).select_related("product", "producer"),
        pk=_check_id(pk),
    )
    if not inquiry.contacts_removed_at:
        privacy.record_view(
            request,
            PersonalDataAccess.Kind.INQUIRY,
            inquiry,
            province_code=inquiry.province_id or "",
        )
    return _inquiry_page(request, inquiry, InquiryNoteForm())


@require_POST
def inquiry_update(request, pk):
    inquiry = get_object_or_404(
        Inquiry.objects.visible_to(request.user).select_related("product", "producer"),
        pk=_check_id(pk),
    )
    action = {"replied": services.mark_inquiry_replied, "closed": services.close_inquiry}.get(
        request.POST.get("action", "")
    )
    form = InquiryNoteForm(request.POST)
    if action is None or not form.is_valid():
        if action is None:
            form.add_error(None, _("Choose what to do with the inquiry."))
        return _inquiry_page(request, inquiry, form, status=400)
    try:
        action(inquiry, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        form.add_error(None, error)
        return _inquiry_page(request, inquiry, form, status=400)
    messages.success(request, _("The inquiry was updated."))
    return redirect("market:inquiry_detail", pk=inquiry.pk)


@require_GET
def inquiry_stats(request):
    """Inquiry counts and response rates per province and per product, over what the user may
    see."""
    visible = Inquiry.objects.visible_to(request.user).order_by()
    answered = Count("pk", filter=Q(replied_at__isnull=False))
    provinces = list(
        visible.values("province_id", "province__name")
        .annotate(total=Count("pk"), answered=answered)
        .order_by("province__name")
    )  # query: per province
    products = list(
        visible.values("product_id", "product__name", "producer__name")
        .annotate(total=Count("pk"), answered=answered)
        .order_by("-total", "product__name")[:100]
    )  # query: per product (the 100 most asked about)
    for row in provinces + products:
        row["rate"] = round(100 * row["answered"] / row["total"]) if row["total"] else 0
    kinds = dict(
        SalesChannel.objects.visible_to(request.user)
        .order_by()
        .values_list("kind")
        .annotate(total=Count("pk", filter=Q(is_active=True)))
    )  # query: active sales channels per kind
    channel_kinds = [(label, kinds.get(kind, 0)) for kind, label in SalesChannel.Kind.choices]
    today = timezone.localdate()
    events = list(
        TradeEvent.objects.order_by()
        .values("province_id", "province__name")
        .annotate(
            total=Count("pk"),
            upcoming=Count("pk", filter=Q(ends_on__gte=today)),
            national=Count("pk", filter=Q(is_national=True)),
        )
        .order_by("province__name")
    )  # query: trade events per province
    context = {
        "provinces": provinces,
        "products": products,
        "channel_kinds": channel_kinds,
        "channel_total": sum(count for _label, count in channel_kinds),
        "events": events,
    }
    return render(request, "market/inquiry_stats.html", context)


def _product_json_ld(product, certificate, is_listed, url, photo_urls) -> dict:
    producer = product.producer
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "category": product.scoring_set.name,
        "brand": {"@type": "Brand", "name": producer.name},
        "manufacturer": {
            "@type": "Organization",
            "name": producer.name,
            "url": site_url(reverse("market:producer_detail", args=[producer.pk])),
            "address": {
                "@type": "PostalAddress",
                "addressLocality": getattr(producer.commune, "name", ""),
                "addressRegion": producer.province.name,
                "addressCountry": "VN",
            },
        },
    }
    description = (product.description or product.story).strip()
    if description:
        data["description"] = description[:1000]
    if photo_urls:
        data["image"] = photo_urls
    if product.code:
        data["productID"] = product.code
    if is_listed:
        data["award"] = _("%(star)s-star OCOP product") % {"star": certificate.star}
    if product.price_min or product.price_max:
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": "VND",
            "lowPrice": product.price_min or product.price_max,
            "highPrice": product.price_max or product.price_min,
        }
    return data


def _upcoming_events_of(producer_id, today):
    """The upcoming trade events ``producer_id`` takes part in (one query)."""
    return list(
        TradeEvent.objects.upcoming(today)
        .filter(
            participations__producer_id=producer_id,
            participations__status=Participation.Status.ACCEPTED,
        )
        .select_related("province")[:UPCOMING_EVENTS_COUNT]
    )


@login_not_required
@require_GET
def producer_detail(request, pk):
    today = timezone.localdate()
    producer = get_object_or_404(
        Producer.objects.filter(
            Exists(public_products(today).filter(producer_id=OuterRef("pk")))
        ).select_related("province", "commune"),
        pk=_check_id(pk),
    )  # query: the producer and its places
    products = list(
        with_card_data(
            listed_products(today).filter(producer=producer).order_by("-ocop_star", "folded_name")
        )
    )  # queries: its listed products, their photos
    channels = list(
        SalesChannel.objects.active()
        .filter(product__in=listed_products(today).filter(producer=producer).values("pk"))
        .select_related("product", "province", "commune")
        .order_by("kind", "name", "product__folded_name", "pk")
    )  # query: the active sales channels of its listed products
    context = {
        "producer": producer,
        "products": products,
        "channels": channels,
        "events": _upcoming_events_of(producer.pk, today),  # query: its upcoming fairs
        "canonical": site_url(reverse("market:producer_detail", args=[producer.pk])),
    }
    return render(request, "market/producer_detail.html", context)


@login_not_required
@require_GET
def province_detail(request, code):
    today = timezone.localdate()
    province = get_object_or_404(Province, code=code[:2])  # query: the province
    listed = listed_products(today).filter(producer__province=province)
    stars = dict(
        listed.order_by().values_list("ocop_star").annotate(count=Count("pk"))
    )  # query: listed products per star
    communes = list(
        listed.order_by()
        .values("producer__commune_id", "producer__commune__name")
        .annotate(product_count=Count("pk"))
        .order_by("producer__commune__name")
    )  # query: listed products per commune
    featured = list(
        with_card_data(listed.order_by("-ocop_star", "-certified_on", "pk"))[:FEATURED_COUNT]
    )  # queries: the best products, their photos
    context = {
        "province": province,
        "star_counts": [(star, stars.get(star, 0)) for star in (5, 4, 3)],
        "total": sum(stars.values()),
        "communes": communes,
        "featured": featured,
        "canonical": site_url(reverse("market:province_detail", args=[province.code])),
    }
    return render(request, "market/province_detail.html", context)


def _public_photo(pk, photo_pk):
    return get_object_or_404(
        ProductPhoto.objects.filter(product__in=public_products(timezone.localdate()).values("pk")),
        pk=_check_id(photo_pk),
        product_id=_check_id(pk),
    )


def _serve(field_file):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    content_type = "image/png" if field_file.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
@require_GET
def photo_image(request, pk, photo_pk):
    return _serve(_public_photo(pk, photo_pk).image)


@login_not_required
@require_GET
def photo_thumbnail(request, pk, photo_pk):
    return _serve(_public_photo(pk, photo_pk).thumbnail)


@login_not_required
@require_GET
def sitemap(request):
    today = timezone.localdate()
    listed = listed_products(today)
    products = listed.order_by("pk").values_list("pk", "updated_at")
    producers = (
        Producer.objects.filter(pk__in=listed.values("producer_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    provinces = (
        Province.objects.filter(code__in=listed.values("producer__province_id"))
        .order_by("code")
        .values_list("code", flat=True)
    )
    events = (
        TradeEvent.objects.filter(ends_on__gte=today).order_by("pk").values_list("pk", "updated_at")
    )
    urls = [
        (site_url(reverse("market:home")), None),
        (site_url(reverse("market:product_list")), None),
        (site_url(reverse("market:event_list")), None),
    ]
    urls += [
        (site_url(reverse("market:product_detail", args=[pk])), updated.date())
        for pk, updated in products
    ]
    urls += [(site_url(reverse("market:producer_detail", args=[pk])), None) for pk in producers]
    urls += [(site_url(reverse("market:province_detail", args=[code])), None) for code in provinces]
    urls += [
        (site_url(reverse("market:event_detail", args=[pk])), updated.date())
        for pk, updated in events
    ]
    return render(request, "market/sitemap.xml", {"urls": urls}, content_type="application/xml")


@login_not_required
@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /manage/",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Disallow: /i18n/",
        "Allow: /",
        f"Sitemap: {site_url(reverse('market:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
