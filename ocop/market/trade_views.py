"""Sales channels and trade events: the public calendar (with iCalendar files) and the back
office where producers and OCOP offices keep channels and events.

Public pages read "today" once and never write. Back-office pages fetch every object through a
scoped queryset (``channel_products``, ``SalesChannel.objects.editable_by``,
``TradeEvent.objects.managed_by``), so another producer's or another province's object is a 404."""

import calendar as month_calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.links import site_url
from ocop.core.pagination import paginate, query_without_page
from ocop.producers.models import Producer, ProducerMember
from ocop.products.models import Product
from ocop.regions.models import Province

from . import ical, services
from .catalogue import public_products
from .forms import (
    AddParticipantForm,
    EventFilterForm,
    JoinEventForm,
    SalesChannelForm,
    TradeEventForm,
)
from .models import Participation, SalesChannel, TradeEvent
from .views import _check_id

EVENT_PAGE_SIZE = 20
CALENDAR_PAST_DAYS = 365
CALENDAR_MAX_EVENTS = 500


# --------------------------------------------------------------------------------------
# Public: the calendar, an event, iCalendar files
# --------------------------------------------------------------------------------------


def _month_bounds(first_day: datetime.date):
    first = first_day.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    return first, last


def public_events(filters: dict):
    events = TradeEvent.objects.select_related("province").annotate(
        producer_count=Count(
            "participations", filter=Q(participations__status=Participation.Status.ACCEPTED)
        )
    )
    if filters.get("province"):
        events = events.filter(province_id=filters["province"])
    if filters.get("month"):
        first, last = _month_bounds(filters["month"])
        events = events.filter(starts_on__lte=last, ends_on__gte=first)
    return events


@login_not_required
@require_GET
def event_list(request):
    today = timezone.localdate()
    provinces = list(Province.objects.order_by("folded_name"))  # query: provinces (filter)
    form = EventFilterForm(request.GET, provinces=provinces)
    filters = form.filters()
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    events = public_events(filters)
    events = events.past(today) if when == "past" else events.upcoming(today)
    page = paginate(request, events, EVENT_PAGE_SIZE)
    # queries: count; the page of events with their province and producer counts
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("when", None)
    context = {
        "form": form,
        "page": page,
        "when": when,
        "filter_query": params.urlencode(),
        "query_without_page": query_without_page(request),
        "calendar_query": ("?province=" + filters["province"]) if filters.get("province") else "",
        "canonical": site_url(reverse("market:event_list")),
    }
    return render(request, "market/event_list.html", context)


def _participants(event, today):
    """Accepted producers of ``event``, each with ``is_public`` (has a public page) and the
    products it shows (each with ``is_public``)."""
    public = public_products(today)
    return list(
        event.participations.accepted()
        .select_related("producer__province")
        .annotate(is_public=Exists(public.filter(producer_id=OuterRef("producer_id"))))
        .prefetch_related(
            Prefetch(
                "products",
                queryset=Product.objects.annotate(
                    is_public=Exists(public.filter(pk=OuterRef("pk")))
                ).order_by("folded_name", "pk"),
            )
        )
        .order_by("producer__folded_name", "pk")
    )


@login_not_required
@require_GET
def event_detail(request, pk):
    today = timezone.localdate()
    event = get_object_or_404(
        TradeEvent.objects.select_related("province"), pk=_check_id(pk)
    )  # query: the event and its province
    participations = _participants(event, today)  # queries: producers; their products
    context = {
        "event": event,
        "participations": participations,
        "is_past": event.ends_on < today,
        "canonical": site_url(reverse("market:event_detail", args=[event.pk])),
    }
    return render(request, "market/event_detail.html", context)


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_GET
def event_ics(request, pk):
    event = get_object_or_404(TradeEvent.objects.select_related("province"), pk=_check_id(pk))
    return _ics_response(ical.calendar([event], name=event.name), f"ocop-event-{event.pk}.ics")


@login_not_required
@require_GET
def calendar_ics(request):
    """Upcoming events and those of the past year (at most 500), optionally of one province."""
    today = timezone.localdate()
    events = TradeEvent.objects.select_related("province").filter(
        ends_on__gte=today - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    )
    province = request.GET.get("province", "")[:2]
    if province.isascii() and province.isdigit():
        events = events.filter(province_id=province)
    events = events.order_by("starts_on", "pk")[:CALENDAR_MAX_EVENTS]
    return _ics_response(
        ical.calendar(events, name=_("OCOP trade events")), "ocop-trade-events.ics"
    )


# --------------------------------------------------------------------------------------
# Back office: sales channels
# --------------------------------------------------------------------------------------


@require_GET
def channel_product_list(request):
    """The products whose sales channels the user keeps, with how many channels each has."""
    products = (
        services.channel_products(request.user)
        .select_related("producer")
        .annotate(channel_count=Count("sales_channels"))
        .order_by("producer__folded_name", "folded_name", "pk")
    )
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        products = products.search(query)
    page = paginate(request, products)
    context = {"page": page, "query": query, "query_without_page": query_without_page(request)}
    return render(request, "market/channel_product_list.html", context)


def _channel_page(request, product, form, status=200):
    channels = list(product.sales_channels.select_related("province", "commune"))
    context = {"product": product, "channels": channels, "form": form}
    return render(request, "market/channel_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
def channel_list(request, product_pk):
    product = get_object_or_404(
        services.channel_products(request.user).select_related("producer"),
        pk=_check_id(product_pk),
    )
    if request.method == "GET":
        return _channel_page(request, product, SalesChannelForm(product=product))
    form = SalesChannelForm(request.POST, product=product, instance=SalesChannel(product=product))
    if not form.is_valid():
        return _channel_page(request, product, form, status=400)
    try:
        services.create_sales_channel(product, actor=request.user, data=form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _channel_page(request, product, form, status=400)
    messages.success(request, _("The sales channel was added."))
    return redirect("market:channel_list", product_pk=product.pk)


def _editable_channel(request, pk):
    return get_object_or_404(
        SalesChannel.objects.editable_by(request.user).select_related("product__producer"),
        pk=_check_id(pk),
    )


@require_http_methods(["GET", "POST"])
def channel_update(request, pk):
    channel = _editable_channel(request, pk)
    product = channel.product
    if request.method == "GET":
        form = SalesChannelForm(instance=channel, product=product)
        return render(request, "market/channel_form.html", {"form": form, "channel": channel})
    form = SalesChannelForm(request.POST, instance=channel, product=product)
    if form.is_valid():
        try:
            services.update_sales_channel(channel, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sales channel was saved."))
            return redirect("market:channel_list", product_pk=product.pk)
    return render(
        request, "market/channel_form.html", {"form": form, "channel": channel}, status=400
    )


@require_POST
def channel_delete(request, pk):
    channel = _editable_channel(request, pk)
    services.delete_sales_channel(channel, actor=request.user)
    messages.success(request, _("The sales channel was removed."))
    return redirect("market:channel_list", product_pk=channel.product_id)


# --------------------------------------------------------------------------------------
# Back office: trade events
# --------------------------------------------------------------------------------------


def _member_producers(user):
    return Producer.objects.filter(
        pk__in=ProducerMember.objects.filter(user=user).values("producer_id")
    )


def _organiser_provinces(user):
    scope = official_scope(user)
    if scope.is_national:
        return Province.objects.order_by("folded_name")
    return Province.objects.filter(code__in=scope.province_codes).order_by("folded_name")


def _open_to_members(user):
    """Events one of the user's producers may join: national ones and those of their provinces."""
    producers = _member_producers(user)
    return TradeEvent.objects.filter(
        Q(is_national=True) | Q(province_id__in=producers.values("province_id"))
    )


def _reachable_event(request, pk):
    """An event the user organises, or one open to one of its producers; else 404."""
    user = request.user
    managed = TradeEvent.objects.managed_by(user).filter(pk=OuterRef("pk"))
    events = TradeEvent.objects.filter(
        Q(Exists(managed)) | Q(pk__in=_open_to_members(user).values("pk"))
    ).annotate(is_organiser=Exists(managed))
    return get_object_or_404(events.select_related("province"), pk=_check_id(pk))


@require_GET
def event_manage_list(request):
    today = timezone.localdate()
    user = request.user
    can_organise = official_scope(user).is_national or bool(official_scope(user).province_codes)
    organised = paginate(
        request,
        TradeEvent.objects.managed_by(user)
        .select_related("province")
        .annotate(
            request_count=Count(
                "participations",
                filter=Q(participations__status=Participation.Status.REQUESTED),
            ),
            producer_count=Count(
                "participations",
                filter=Q(participations__status=Participation.Status.ACCEPTED),
            ),
        )
        .order_by("-starts_on", "-pk"),
    )  # queries: count; the page of events the user organises
    producers = _member_producers(user)
    open_events = list(
        _open_to_members(user)
        .upcoming(today)
        .select_related("province")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(producer__in=producers).select_related(
                    "producer"
                ),
                to_attr="own_participations",
            )
        )[:50]
    )  # queries: upcoming events open to the user's producers; their participations
    context = {
        "organised": organised,
        "open_events": open_events,
        "can_organise": can_organise,
        "is_producer_member": bool(open_events) or producers.exists(),
        "query_without_page": query_without_page(request),
    }
    return render(request, "market/event_manage_list.html", context)


def _event_form_page(request, form, event=None, status=200):
    return render(request, "market/event_form.html", {"form": form, "event": event}, status=status)


@require_http_methods(["GET", "POST"])
def event_create(request):
    provinces = _organiser_provinces(request.user)
    if not provinces.exists():
        raise Http404
    if request.method == "GET":
        return _event_form_page(request, TradeEventForm(provinces=provinces))
    form = TradeEventForm(request.POST, provinces=provinces)
    if form.is_valid():
        try:
            event = services.create_trade_event(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The event was added to the calendar."))
            return redirect("market:event_manage", pk=event.pk)
    return _event_form_page(request, form, status=400)


def _managed_event(request, pk):
    return get_object_or_404(
        TradeEvent.objects.managed_by(request.user).select_related("province"), pk=_check_id(pk)
    )


@require_http_methods(["GET", "POST"])
def event_update(request, pk):
    event = _managed_event(request, pk)
    provinces = (
        Province.objects.order_by("folded_name")
        if event.is_national
        else _organiser_provinces(request.user)
    )
    if request.method == "GET":
        return _event_form_page(request, TradeEventForm(instance=event, provinces=provinces), event)
    form = TradeEventForm(request.POST, instance=event, provinces=provinces)
    if form.is_valid():
        try:
            services.update_trade_event(event, actor=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, _("The event was saved."))
            return redirect("market:event_manage", pk=event.pk)
    return _event_form_page(request, form, event, status=400)


@require_POST
def event_delete(request, pk):
    event = _managed_event(request, pk)
    services.delete_trade_event(event, actor=request.user)
    messages.success(request, _("The event was removed from the calendar."))
    return redirect("market:event_manage_list")


def _refusal(error):
    if isinstance(error, PermissionDenied):
        return str(error)
    return error


def _join_form(request, event, data=None):
    producers = _member_producers(request.user)
    if not event.is_national:
        producers = producers.filter(province_id=event.province_id)
    producers = producers.exclude(event_participations__event=event).order_by("folded_name")
    products = Product.objects.filter(producer__in=producers).order_by("folded_name", "pk")
    return JoinEventForm(data, producers=producers, products=products)


def _add_form(event, data=None, province=None):
    producers = Producer.objects.filter(
        province_id=event.province_id if not event.is_national else province or event.province_id
    ).order_by("folded_name")
    return AddParticipantForm(data, producers=producers)


def _event_manage_page(request, event, *, join_form=None, add_form=None, status=200):
    today = timezone.localdate()
    participations = Participation.objects.filter(event=event).select_related("producer")
    if not event.is_organiser:
        participations = participations.filter(producer__in=_member_producers(request.user))
    participations = list(
        participations.prefetch_related("products").order_by("status", "producer__folded_name")
    )
    is_open = event.ends_on >= today
    province = request.GET.get("province", "")[:2] if event.is_national else ""
    province = province if province.isascii() and province.isdigit() else ""
    join_form = join_form or (_join_form(request, event) if is_open else None)
    context = {
        "event": event,
        "participations": participations,
        "is_open": is_open,
        "join_form": join_form if join_form and join_form.fields["producer"].queryset else None,
        "add_form": add_form
        or (_add_form(event, province=province) if event.is_organiser else None),
        "Status": Participation.Status,
        # National events take producers from any province: the organiser picks one first.
        "provinces": (
            list(Province.objects.order_by("folded_name"))
            if event.is_organiser and event.is_national
            else []
        ),
        "province": province or event.province_id,
    }
    return render(request, "market/event_manage.html", context, status=status)


@require_GET
def event_manage(request, pk):
    return _event_manage_page(request, _reachable_event(request, pk))


@require_POST
def event_join(request, pk):
    event = _reachable_event(request, pk)
    form = _join_form(request, event, request.POST)
    if not form.is_valid():
        return _event_manage_page(request, event, join_form=form, status=400)
    try:
        services.request_participation(
            event,
            form.cleaned_data["producer"],
            actor=request.user,
            products=form.cleaned_data["products"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as error:
        form.add_error(None, _refusal(error))
        return _event_manage_page(request, event, join_form=form, status=400)
    messages.success(request, _("Your request was sent to the organiser."))
    return redirect("market:event_manage", pk=event.pk)


@require_POST
def participant_add(request, pk):
    event = _managed_event(request, pk)
    event.is_organiser = True
    province = request.POST.get("province", "")[:2]
    province = province if province.isascii() and province.isdigit() else ""
    form = _add_form(event, request.POST, province=province)
    if not form.is_valid():
        return _event_manage_page(request, event, add_form=form, status=400)
    try:
        services.add_participant(event, form.cleaned_data["producer"], actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return _event_manage_page(request, event, add_form=form, status=400)
    messages.success(request, _("The producer was added to the event."))
    return redirect("market:event_manage", pk=event.pk)


@require_POST
def participation_update(request, pk):
    """``action`` = accept or decline (the organiser), withdraw (the producer or the
    organiser)."""
    user = request.user
    participation = get_object_or_404(
        Participation.objects.filter(
            Q(event__in=TradeEvent.objects.managed_by(user))
            | Q(producer__in=_member_producers(user))
        ).select_related("event"),
        pk=_check_id(pk),
    )
    action = request.POST.get("action", "")
    try:
        if action in ("accept", "decline"):
            services.decide_participation(participation, actor=user, accept=action == "accept")
        elif action == "withdraw":
            services.withdraw_participation(participation, actor=user)
        else:
            raise ValidationError(_("Choose what to do with this request."))
    except (ValidationError, PermissionDenied) as error:
        text = error.messages[0] if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("market:event_manage", pk=participation.event_id)
    messages.success(request, _("The participation was updated."))
    return redirect("market:event_manage", pk=participation.event_id)
