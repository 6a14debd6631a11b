"""The officials' list of certificates expiring in the next 180 days (the re-rating horizon).

Scoped by ``Certificate.objects.visible_to``: the central office sees every province (and may
filter by one), a provincial office its province, a producer member their own products."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ocop.accounts.scope import official_scope
from ocop.core.deadlines import RE_RATING_LATEST_DAYS_BEFORE_EXPIRY
from ocop.core.htmx import is_htmx
from ocop.core.pagination import paginate, query_without_page
from ocop.regions.models import Province

from ..models import Certificate, certificate_status
from .notices import HORIZON_DAYS

WINDOW_OPEN = "window"
WINDOW_CLOSED = "closed"


class ExpiringFilterForm(forms.Form):
    """The list's filters; an invalid value is ignored and shown as an error."""

    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (WINDOW_OPEN, _("Re-rating window open")),
            (WINDOW_CLOSED, _("Re-rating window closed")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_national = official_scope(user).is_national
        if self.is_national:
            self.fields["province"].queryset = Province.objects.order_by("folded_name")
            self.fields["province"].empty_label = _("All provinces")
        else:
            del self.fields["province"]

    def filter(self, certificates, *, today):
        self.is_valid()
        data = self.cleaned_data
        if data.get("province"):
            certificates = certificates.filter(product__producer__province=data["province"])
        # The window is open from 180 to 120 days before expiry: on ``today`` for the
        # certificates expiring 120 days from now or later.
        window_starts = today + datetime.timedelta(days=RE_RATING_LATEST_DAYS_BEFORE_EXPIRY)
        if data.get("status") == WINDOW_OPEN:
            certificates = certificates.filter(valid_until__gte=window_starts)
        elif data.get("status") == WINDOW_CLOSED:
            certificates = certificates.filter(valid_until__lt=window_starts)
        return certificates


@require_GET
def expiring_list(request):
    today = timezone.localdate()
    filters = ExpiringFilterForm(request.GET, user=request.user)
    certificates = filters.filter(
        Certificate.objects.visible_to(request.user)
        .filter(
            is_current=True,
            issued_on__lte=today,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=HORIZON_DAYS),
        )
        .select_related("product__producer__province", "decision")
        .with_pending_re_rating()
        .with_re_rating_filed()
        .order_by("valid_until", "id"),
        today=today,
    )
    page = paginate(request, certificates)
    rows = [
        (
            certificate,
            certificate_status(
                certificate, on=today, pending_re_rating=certificate.has_pending_re_rating
            ),
            (certificate.valid_until - today).days,
        )
        for certificate in page.object_list
    ]
    partial = is_htmx(request)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
        "today": today,
        "horizon_days": HORIZON_DAYS,
        "is_htmx": partial,
    }
    template = "certificates/expiring_list.html"
    response = render(request, f"{template}#results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
