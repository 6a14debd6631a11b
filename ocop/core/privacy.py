"""Personal data: every view is recorded, and nothing is kept past its retention period
(issue 16 §4; docs/privacy.md, under Law 91/2025/QH15 and Decree 356/2025/NĐ-CP).

- :func:`record_view` writes a ``PersonalDataAccess`` row when a page shows someone's personal
  data to a user other than that person: who, what, when and the page (why).
- Each kind of personal data has a retention rule (:class:`Retention`), registered by the app
  that owns it (``AppConfig.ready``). ``manage.py purge_personal_data`` applies every rule:
  it anonymises what is past its period and deletes old access records."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import PersonalDataAccess


def record_view(request, kind, obj, *, producer_id=None, province_code="") -> None:
    """Record that ``request.user`` saw the personal data of ``obj`` on this page."""
    user = request.user
    match = request.resolver_match
    PersonalDataAccess.objects.create(
        at=timezone.now(),
        viewer=user if user.is_authenticated else None,
        viewer_name=user.get_username() if user.is_authenticated else "anonymous",
        kind=kind,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        producer_id=producer_id,
        province_code=province_code or "",
        page=(match.view_name if match else request.path)[:200],
    )


@dataclass(frozen=True)
class Retention:
    """A kind of personal data and how long it is kept: ``purge(cutoff)`` anonymises (or
    deletes) what is older than ``cutoff`` and returns how many records it changed."""

    name: str
    days: Callable[[], int]
    purge: Callable[[datetime.datetime], int]

    def cutoff(self, now) -> datetime.datetime:
        return now - datetime.timedelta(days=self.days())


RULES: list[Retention] = []


def register(rule: Retention) -> None:
    if all(existing.name != rule.name for existing in RULES):
        RULES.append(rule)


def _purge_access_log(cutoff) -> int:
    deleted, _ = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
    return deleted


register(
    Retention(
        "personal data access records",
        lambda: settings.PRIVACY_ACCESS_LOG_DAYS,
        _purge_access_log,
    )
)


def purge(*, dry_run=False, now=None) -> list[tuple[str, int, datetime.datetime]]:
    """Apply every rule; (name, records changed, cutoff) for each. ``dry_run`` rolls back."""
    now = now or timezone.now()
    report = []
    with transaction.atomic():
        for rule in RULES:
            cutoff = rule.cutoff(now)
            report.append((rule.name, rule.purge(cutoff), cutoff))
        if dry_run:
            transaction.set_rollback(True)
    return report
