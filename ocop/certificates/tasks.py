"""Background tasks of the certificates app (run by ``manage.py db_worker``); the flush of
buffered verifications (``flush_scans``) lives with its buffer in ``recognition/scans.py``."""

import datetime

from django.tasks import task
from django.utils import timezone

from .expiry import notices
from .recognition.scans import flush_scans

__all__ = ["daily_certificate_pass", "flush_scans"]


@task
def daily_certificate_pass(day: str | None = None) -> dict:
    """The daily expiry pass (``ocop.certificates.expiry.notices``) for ``day`` (ISO date; today in
    Asia/Ho_Chi_Minh when empty). Returns how many notices of each kind went out."""
    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = notices.run_daily_pass(on)
    return {"day": on.isoformat(), "checked": report.checked, **report.sent}
