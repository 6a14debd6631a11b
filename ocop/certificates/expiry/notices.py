"""The daily expiry pass: notices before a certificate's legal dates, and the officials' list of
certificates expiring soon.

A certificate's status is computed from its dates every time it is read
(:func:`ocop.certificates.models.certificate_status`), so nothing is stored or cached for it:
the "daily status update" is this pass of notices. It is run once a day by
``manage.py update_certificates`` (from cron or a systemd timer) or by the
``daily_certificate_pass`` task of ``ocop.certificates.tasks`` on the ``db_worker``.

Three notices go to the producer's active members and to the OCOP office of the product's
province, computed with ``ocop.core.deadlines``. They are the platform's own service: Decision
26/2026/QĐ-TTg sets the dates (art. 4(3), 7(6)(a), 12(3)) but no duty to notify before expiry,
and each e-mail says so.

- ``window_opens``: the re-rating window opens (180 days before expiry);
- ``window_closing``: 30 days before the window closes (150 days before expiry);
- ``expiry_soon``: 30 days before expiry.

Each notice is sent at most once per certificate and kind. Without a model of its own, a sent
notice is recorded as a hash-chained audit event ``certificate.notice_<kind>`` on the
certificate, written in the same transaction that queues the e-mails (``on_commit``), with the
certificate's row locked; a notice whose event exists is never sent again, so running the pass
twice on one day, or two passes at once, sends nothing twice.

A pass that did not run on the day of a notice catches up while the notice still makes sense
(the window notices while the window is open, the expiry notice until the expiry day); on a day
when several are due only the latest is sent (a certificate first seen 20 days before expiry
gets the expiry notice, not three e-mails). The two window notices are not sent when the
producer has already filed a re-rating; the expiry notice always is. Only current certificates
(not revoked, not replaced) get notices.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ocop.accounts.models import Membership
from ocop.core.audit import record_event
from ocop.core.deadlines import RE_RATING_EARLIEST_DAYS_BEFORE_EXPIRY, re_rating_window
from ocop.core.models import AuditEvent
from ocop.core.tasks import queue_email
from ocop.producers.models import ProducerMember

from ..models import Certificate

NOTICE_LEAD_DAYS = 30  # "30 days before the window closes" and "30 days before expiry"
#: How far ahead the officials' list and the pass look (the window opens 180 days before expiry).
HORIZON_DAYS = RE_RATING_EARLIEST_DAYS_BEFORE_EXPIRY

WINDOW_OPENS = "window_opens"
WINDOW_CLOSING = "window_closing"
EXPIRY_SOON = "expiry_soon"
NOTICE_KINDS = (WINDOW_OPENS, WINDOW_CLOSING, EXPIRY_SOON)  # in the order they fall due
NOTICE_ACTION = "certificate.notice_{kind}"

SUBJECTS = {
    WINDOW_OPENS: _("OCOP certificate %(number)s: the re-rating window is open"),
    WINDOW_CLOSING: _("OCOP certificate %(number)s: the re-rating window closes in 30 days"),
    EXPIRY_SOON: _("OCOP certificate %(number)s expires in 30 days"),
}
# Every notice ends with this line: the reminder is a courtesy of the platform, not a legal act.
OWN_SERVICE = _(
    "This reminder is a service of the OCOP platform; Decision 26/2026/QĐ-TTg does not require "
    "it, and the dates above are those of the decision."
)
BODIES = {
    WINDOW_OPENS: _(
        "The OCOP certificate %(number)s of %(product)s (%(star)s) is valid until %(expires)s. "
        "A re-rating dossier can be filed at the commune from %(opens)s to %(closes)s."
    ),
    WINDOW_CLOSING: _(
        "The OCOP certificate %(number)s of %(product)s (%(star)s) is valid until %(expires)s. "
        "The re-rating window closes on %(closes)s: file the re-rating dossier at the commune "
        "before then."
    ),
    EXPIRY_SOON: _(
        "The OCOP certificate %(number)s of %(product)s (%(star)s) expires on %(expires)s. "
        "After that day the OCOP stamp may not be used on the product, unless a re-rating filed "
        "after the re-rating window closed is still being decided (for at most 180 days)."
    ),
}


@dataclass(frozen=True)
class NoticePeriod:
    """The days on which a notice may go out: from the day it falls due to the last day it
    still makes sense (both included)."""

    kind: str
    starts_on: datetime.date
    ends_on: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def notice_periods(expires_on: datetime.date) -> tuple[NoticePeriod, ...]:
    """The three notice periods of a certificate valid until ``expires_on``."""
    window = re_rating_window(expires_on)
    lead = datetime.timedelta(days=NOTICE_LEAD_DAYS)
    return (
        NoticePeriod(WINDOW_OPENS, window.opens_on, window.closes_on),
        NoticePeriod(WINDOW_CLOSING, window.closes_on - lead, window.closes_on),
        NoticePeriod(EXPIRY_SOON, expires_on - lead, expires_on),
    )


def notice_due(certificate, *, on: datetime.date, re_rating_filed: bool) -> str | None:
    """The kind of notice due for the certificate on ``on`` (the latest whose period contains
    the day), or None: no reminder to file a re-rating once one is filed. Pure: whether it was
    already sent is for the caller to check."""
    due = None
    for period in notice_periods(certificate.valid_until):
        if period.kind != EXPIRY_SOON and re_rating_filed:
            continue
        if period.contains(on):
            due = period.kind
    return due


@dataclass
class PassReport:
    day: datetime.date
    checked: int = 0
    sent: dict = field(default_factory=lambda: dict.fromkeys(NOTICE_KINDS, 0))
    already_sent: int = 0

    def lines(self):
        yield f"Certificates expiring within {HORIZON_DAYS} days of {self.day}: {self.checked}"
        for kind in NOTICE_KINDS:
            yield f"  notices {kind}: {self.sent[kind]} sent"
        yield f"  notices already sent before: {self.already_sent}"


def expiring_certificates(day: datetime.date):
    """Current certificates that are valid on ``day`` and expire within the horizon."""
    return Certificate.objects.filter(
        is_current=True,
        issued_on__lte=day,
        valid_until__gte=day,
        valid_until__lte=day + datetime.timedelta(days=HORIZON_DAYS),
    )


def _sent_notices(certificate_ids) -> set[tuple[str, str]]:
    """(certificate id, action) of the notices already recorded."""
    return set(
        AuditEvent.objects.filter(
            object_type=Certificate._meta.label_lower,
            object_id__in=[str(pk) for pk in certificate_ids],
            action__in=[NOTICE_ACTION.format(kind=kind) for kind in NOTICE_KINDS],
        ).values_list("object_id", "action")
    )


def run_daily_pass(day: datetime.date) -> PassReport:
    """Send the notices due on ``day`` (see the module's docstring)."""
    report = PassReport(day)
    certificates = list(
        expiring_certificates(day)
        .with_re_rating_filed()
        .select_related("product__producer")
        .order_by("valid_until", "pk")
    )
    report.checked = len(certificates)
    sent = _sent_notices(certificate.pk for certificate in certificates)
    for certificate in certificates:
        kind = notice_due(certificate, on=day, re_rating_filed=certificate.has_re_rating_filed)
        if kind is None:
            continue
        if (str(certificate.pk), NOTICE_ACTION.format(kind=kind)) in sent:
            report.already_sent += 1
            continue
        if send_notice(certificate, kind=kind, day=day):
            report.sent[kind] += 1
        else:
            report.already_sent += 1
    return report


def recipients_for(certificate) -> tuple[list[str], list[str]]:
    """The e-mail addresses of the producer's active members, and of the provincial OCOP
    office of the product's province."""
    producer = certificate.product.producer
    members = ProducerMember.objects.filter(producer_id=producer.pk, user__is_active=True)
    officers = Membership.objects.filter(
        role=Membership.Role.PROVINCE_OFFICE,
        province_id=producer.province_id,
        user__is_active=True,
    )
    return (
        sorted({a for a in members.values_list("user__email", flat=True) if a}),
        sorted({a for a in officers.values_list("user__email", flat=True) if a}),
    )


@transaction.atomic
def send_notice(certificate, *, kind: str, day: datetime.date) -> bool:
    """Record and queue one notice, unless it was sent already; True when sent now.

    The certificate's row is locked and the audit log checked again under the lock, so two
    passes running at once send it once."""
    action = NOTICE_ACTION.format(kind=kind)
    locked = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__producer")
        .get(pk=certificate.pk)
    )
    already = AuditEvent.objects.filter(
        object_type=Certificate._meta.label_lower, object_id=str(locked.pk), action=action
    ).exists()
    if already or not locked.is_current:
        return False
    producer_addresses, office_addresses = recipients_for(locked)
    window = re_rating_window(locked.valid_until)
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "number": locked.number,
            "product": str(locked.product),
            "star": locked.star_mark,
            "expires": date_format(locked.valid_until, "SHORT_DATE_FORMAT"),
            "opens": date_format(window.opens_on, "SHORT_DATE_FORMAT"),
            "closes": date_format(window.closes_on, "SHORT_DATE_FORMAT"),
        }
        subject = str(SUBJECTS[kind]) % params
        body = str(BODIES[kind]) % params + "\n\n" + str(OWN_SERVICE)
    record_event(
        actor=None,
        action=action,
        obj=locked,
        changes={
            "notice": [None, kind],
            "day": [None, day],
            "valid_until": [None, locked.valid_until],
            "recipients": [None, len(producer_addresses) + len(office_addresses)],
        },
    )
    for addresses in (producer_addresses, office_addresses):
        if addresses:
            transaction.on_commit(
                lambda addresses=addresses: queue_email(
                    subject=subject, body=body, recipients=addresses
                )
            )
    return True
