"""Background tasks of the certificates app (run by ``manage.py db_worker``)."""

import datetime

from django.tasks import task
from django.utils import timezone

from .expiry import notices


@task
def daily_certificate_pass(day: str | None = None) -> dict:
    """The daily expiry pass (``ocop.certificates.expiry.notices``) for ``day`` (ISO date; today in
    Asia/Ho_Chi_Minh when empty). Returns how many notices of each kind went out."""
    on = datetime.date.fromisoformat(day) if day else timezone.localdate()
    report = notices.run_daily_pass(on)
    return {"day": on.isoformat(), "checked": report.checked, **report.sent}


@task
def flush_scans(counts: list) -> dict:
    """Add a process's buffered verifications (``[[certificate id, visits], …]``) to the
    certificates' ``scan_count`` (``ocop.certificates.recognition.scans``)."""
    from .recognition.scans import apply_scan_counts

    return {"applied": apply_scan_counts(counts)}
