"""Problem reports from the public verification pages: the cap per address and the one
function that stores a report.

No personal data is kept about the sender: the cap counts reports per hour under a hash of the
IP address with a salt that changes every day (derived from ``SECRET_KEY``, so it cannot be
reversed by trying every address without the key), in Django's cache only; the report stores
what the sender typed and nothing else. The cache must be shared between app servers (a
database or Redis cache) for the cap to hold across servers.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import Certificate, ProblemReport

DEFAULT_REPORTS_PER_HOUR = 5
CODE_MAX_LENGTH = 64


def reports_per_hour() -> int:
    return getattr(settings, "OCOP_PROBLEM_REPORTS_PER_HOUR", DEFAULT_REPORTS_PER_HOUR)


def _address_key(ip_address: str) -> str:
    now = timezone.now()
    salt = hmac.new(
        settings.SECRET_KEY.encode(), f"report-salt:{now.date()}".encode(), hashlib.sha256
    ).digest()
    digest = hashlib.sha256(salt + (ip_address or "").encode()).hexdigest()
    return f"ocop:problem-report:{digest}:{now:%Y%m%d%H}"


def take_report_slot(ip_address: str) -> bool:
    """Count one report from ``ip_address`` this hour; False once the cap is reached."""
    key = _address_key(ip_address)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        count = 1
    return count <= reports_per_hour()


@transaction.atomic
def report_problem(*, code, kind, message, reporter_name="", reporter_contact=""):
    """Store a problem report about the certificate of ``code`` (or about an unknown code),
    addressed to the OCOP office of the product's province (the central office for unknown
    codes). Not audited: it changes no owned object and its row is its own record."""
    code = (code or "")[:CODE_MAX_LENGTH]
    certificate_id, province_id = (
        Certificate.objects.filter(public_code=code)
        .values_list("pk", "product__producer__province_id")
        .first()
    ) or (None, None)
    return ProblemReport.objects.create(
        certificate_id=certificate_id,
        code=code,
        province_id=province_id,
        kind=kind,
        message=message,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
    )
