"""The monthly report that provinces send up, in the PTNT_OCOP layout: one row per certificate
that was valid at some time in the month (so issues, expiries and revocations of the month
show), with its status at the end of the month.

Columns: code (the administrative unit's code), admin unit, period, product code, name, star,
producer, yearly revenue, status. The platform does not record revenue yet: the column is left
empty for the province to fill in."""

import calendar
import datetime
import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.certificates.models import Certificate, certificate_status, grace_days

from .exports import xlsx_bytes

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value):
    """(first day of the month, error); this month when empty."""
    today = timezone.localdate()
    if not value:
        return today.replace(day=1), ""
    match = MONTH_PATTERN.match(value.strip())
    if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1), ""
    return today.replace(day=1), _("The month must be written as YYYY-MM, for example 2023-02.")


def month_rows(scope, month: datetime.date):
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    certificates = (
        Certificate.objects.filter(
            pk__in=scope.facts().values("certificate_id"),
            issued_on__lte=end,
            valid_until__gte=month - datetime.timedelta(days=grace_days()),
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gte=month))
        .filter(Q(superseded_on__isnull=True) | Q(superseded_on__gte=month))
        .select_related("product__producer__province", "product__producer__commune")
        .with_pending_re_rating()
        .order_by("product__producer__commune_id", "product__folded_name", "pk")
    )
    period = f"{month:%m/%Y}"
    rows = []
    for certificate in certificates:
        status = certificate_status(
            certificate, on=end, pending_re_rating=certificate.has_pending_re_rating
        )
        producer = certificate.product.producer
        rows.append(
            [
                producer.commune_id or "",
                ", ".join(
                    unit.name for unit in (producer.commune, producer.province) if unit is not None
                ),
                period,
                certificate.product.code,
                certificate.product.name,
                certificate.star,
                producer.name,
                None,
                str(status.label),
            ]
        )
    return rows


def monthly_report_xlsx(scope, month: datetime.date) -> bytes:
    columns = [
        _("Code"),
        _("Administrative unit"),
        _("Period"),
        _("Product code"),
        _("Product name"),
        _("Star"),
        _("Producer"),
        _("Yearly revenue (million VND)"),
        _("Status"),
    ]
    return xlsx_bytes([("PTNT_OCOP", columns, month_rows(scope, month))])
