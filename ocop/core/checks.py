"""System checks of the core app.

``core.W001``: the Government's plan of days off (which days of Tết, swapped working days,
make-up Saturdays) is data entered in the admin each year. Without it a year's working days
follow the Labour Code as the ``holidays`` library computes them, which may miss a swap or
put a Tết day elsewhere: warn while this year or the next has no confirmed plan.

It reads the database, so it is tagged ``database``: Django runs it with ``migrate`` and with
``manage.py check --database default``, not with a plain ``check``."""

import os

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

ADMIN_PATH = "/admin/core/publicholiday/"


def years_with_confirmed_plan(years, *, using="default") -> set[int]:
    """The ``years`` whose plan is confirmed: they have a Tết day (off, swapped or made up)
    that is not provisional. Tết is the holiday whose days every yearly plan fixes (Labour
    Code 2019 art. 112(3))."""
    from ocop.core.models import PublicHoliday

    days = PublicHoliday.objects.using(using).filter(
        day__year__in=list(years),
        occasion=PublicHoliday.Occasion.TET,
        is_provisional=False,
    )
    return {day.year for day in days.values_list("day", flat=True)}


@checks.register(checks.Tags.database)
def check_holiday_plans(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    if app_configs is not None and not any(config.label == "core" for config in app_configs):
        return []
    today = timezone.localdate()
    years = (today.year, today.year + 1)
    warnings = []
    for alias in databases:
        try:
            planned = years_with_confirmed_plan(years, using=alias)
        except DatabaseError:
            # The table or its columns are not migrated yet (checks run before migrate).
            continue
        warnings.extend(
            checks.Warning(
                f"No confirmed plan of official days off for {year}: its Tết days off are "
                "missing or only provisional.",
                hint=(
                    f"When the Government announces the days off of {year}, enter them in the "
                    f"admin ({ADMIN_PATH}): each day off of Tết, each working day swapped for "
                    "a day off and each Saturday worked to make it up, with its holiday, the "
                    "announcement as source and 'provisional' unticked (replace the "
                    f"provisional rows). Until then {year} is counted with the Labour Code's "
                    "days off computed by the holidays library (docs/deadlines.md)."
                ),
                obj=f"database {alias!r}",
                id="core.W001",
            )
            for year in years
            if year not in planned
        )
    return warnings


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key(app_configs=None, **kwargs):
    """``core.W002``: the audit log's key must be long and not the development one (start-up
    already refuses an empty key and ``SECRET_KEY``)."""
    from django.conf import settings

    key = settings.AUDIT_KEY
    if key == settings.INSECURE_AUDIT_KEY or len(key) < 32 or len(set(key)) < 5:
        return [
            checks.Warning(
                "AUDIT_KEY is the development key, or too short or simple to seal the audit log.",
                hint="Set AUDIT_KEY to 50 or more random characters, and keep a copy offline "
                "(docs/audit.md).",
                id="core.W002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_signing_certificate(app_configs=None, **kwargs):
    """``core.W003``: certificates and decisions must be signed with the province's own key,
    not with the sample certificate made for the demo."""
    from django.conf import settings

    if not (settings.SIGNING_KEY_FILE and settings.SIGNING_CERT_FILE):
        return [
            checks.Warning(
                "PDFs are signed with a self-made sample certificate.",
                hint="Set SIGNING_KEY_FILE and SIGNING_CERT_FILE to the province's signing key "
                "and certificate (PEM), and SIGNING_KEY_PASSWORD if the key is encrypted.",
                id="core.W003",
            )
        ]
    missing = [
        path
        for path in (settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE)
        if not os.path.isfile(path)
    ]
    return [
        checks.Error(f"The signing file {path} does not exist.", id="core.E003") for path in missing
    ]
