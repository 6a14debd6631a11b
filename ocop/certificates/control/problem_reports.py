"""Problem reports from the public verification pages: the cap per address and the one
function that stores a report.

No personal data is kept about the sender: the cap counts reports per hour under a hash of the
IP address with a salt that changes every day (derived from ``SECRET_KEY``, so it cannot be
reversed by trying every address without the key), in Django's cache only; the report stores
what the sender typed and nothing else. The cache must be shared between app servers (a
database or Redis cache) for the cap to hold across servers.

A stored report is announced by e-mail, once the transaction commits, to the OCOP office of the
product's province (the central office for an unknown code, or when the province has no office
account with an e-mail address). The e-mail links to the officials' inbox and carries no data
about the sender beyond whether contact details were left. The office marks a report handled
with a note of what was done (:func:`handle_problem_report`), and may reopen it.
"""

import unicodedata
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import Membership
from ocop.core.audit import record_event
from ocop.core.links import absolute_reverse
from ocop.core.ratelimit import take_hourly_slot
from ocop.core.tasks import queue_email

from ..models import Certificate, ProblemReport

DEFAULT_REPORTS_PER_HOUR = 5
CODE_MAX_LENGTH = 64


def reports_per_hour() -> int:
    return getattr(settings, "OCOP_PROBLEM_REPORTS_PER_HOUR", DEFAULT_REPORTS_PER_HOUR)


def take_report_slot(ip_address: str) -> bool:
    """Count one report from ``ip_address`` this hour; False once the cap is reached."""
    return take_hourly_slot("problem-report", ip_address, limit=reports_per_hour())


@transaction.atomic
def report_problem(*, code, kind, message, reporter_name="", reporter_contact=""):
    """Store a problem report about the certificate of ``code`` (or about an unknown code),
    addressed to the OCOP office of the product's province (the central office for unknown
    codes). Not audited: it changes no owned object and its row is its own record."""
    code = (code or "")[:CODE_MAX_LENGTH]
    certificate = (
        Certificate.objects.filter(public_code=code).select_related("product__producer").first()
    )
    report = ProblemReport.objects.create(
        certificate=certificate,
        code=code,
        province_id=certificate.product.producer.province_id if certificate else None,
        kind=kind,
        message=message,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
    )
    _notify_office(report)
    return report


# --------------------------------------------------------------------------------------
# Telling the office
# --------------------------------------------------------------------------------------

NEW_REPORT_SUBJECT = gettext_lazy("OCOP: a problem reported about certificate %(number)s")
NEW_UNKNOWN_CODE_SUBJECT = gettext_lazy("OCOP: a problem reported about an unknown code")
NEW_REPORT_BODY = gettext_lazy(
    "Someone reported a problem from the public verification page.\n\n"
    "What is wrong: %(kind)s\n"
    "Code: %(code)s\n"
    "Certificate: %(certificate)s\n"
    "Product: %(product)s\n"
    "%(contact)s\n\n"
    "Read the report and record what was done:\n%(url)s\n"
)
CONTACT_LEFT = gettext_lazy("The sender left contact details; they are shown in the inbox.")
NO_CONTACT_LEFT = gettext_lazy("The sender left no contact details.")
UNKNOWN = gettext_lazy("unknown code")


def office_recipients(province_id) -> list[str]:
    """The e-mail addresses of the active accounts of the provincial OCOP office of
    ``province_id``; the central office's for an unknown code, or when the province has none."""
    if province_id:
        addresses = _addresses(
            Membership.objects.filter(role=Membership.Role.PROVINCE_OFFICE, province_id=province_id)
        )
        if addresses:
            return addresses
    return _addresses(Membership.objects.filter(role=Membership.Role.CENTRAL_OFFICE))


def _addresses(memberships) -> list[str]:
    return sorted(
        {
            address
            for address in memberships.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
            if address
        }
    )


def _printable(text: str) -> str:
    """``text`` without control characters (a code comes from the address bar)."""
    return "".join(char for char in text if unicodedata.category(char)[0] != "C")


def _notify_office(report) -> None:
    recipients = office_recipients(report.province_id)
    if not recipients:
        return
    certificate = report.certificate
    with translation.override(settings.LANGUAGE_CODE):
        if certificate is None:
            subject = str(NEW_UNKNOWN_CODE_SUBJECT)
        else:
            subject = str(NEW_REPORT_SUBJECT) % {"number": _printable(certificate.number)}
        contact = (
            CONTACT_LEFT if report.reporter_name or report.reporter_contact else NO_CONTACT_LEFT
        )
        body = str(NEW_REPORT_BODY) % {
            "kind": report.get_kind_display(),
            "code": _printable(report.code),
            "certificate": certificate.number if certificate else str(UNKNOWN),
            "product": certificate.product.name if certificate else str(UNKNOWN),
            "contact": str(contact),
            "url": absolute_reverse("problem_reports:problem_report_detail", report.pk),
        }
    transaction.on_commit(partial(queue_email, subject=subject, body=body, recipients=recipients))


# --------------------------------------------------------------------------------------
# Handling a report
# --------------------------------------------------------------------------------------

NOTE_MAX_LENGTH = 2000


def _locked(report, actor) -> ProblemReport:
    """The report's row, locked, if ``actor`` may see it; PermissionDenied otherwise."""
    locked = (
        ProblemReport.objects.visible_to(actor).select_for_update().filter(pk=report.pk).first()
    )
    if locked is None:
        raise PermissionDenied(_("Only the OCOP office that received the report can do this."))
    return locked


@transaction.atomic
def handle_problem_report(report, *, actor, note) -> ProblemReport:
    """Mark ``report`` handled by ``actor``, with a note of what was checked and done."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Write what was checked and what was done.")}, code="no_note"
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("The note is too long (at most %(limit)s characters).")
                % {"limit": NOTE_MAX_LENGTH}
            },
            code="note_too_long",
        )
    locked = _locked(report, actor)
    if locked.status == ProblemReport.Status.HANDLED:
        raise ValidationError(
            _("This report was already marked as handled."), code="already_handled"
        )
    locked.status = ProblemReport.Status.HANDLED
    locked.handled_at = timezone.now()
    locked.handled_by = actor
    locked.response_note = note
    locked.save(update_fields=["status", "handled_at", "handled_by", "response_note", "updated_at"])
    record_event(
        actor=actor,
        action="problem_report.handle",
        obj=locked,
        old_status=ProblemReport.Status.NEW,
        new_status=ProblemReport.Status.HANDLED,
        changes={"response_note": ["", note]},
        comment=note,
    )
    return locked


@transaction.atomic
def reopen_problem_report(report, *, actor) -> ProblemReport:
    """Put a handled report back in the inbox as new; the audit log keeps the earlier note."""
    locked = _locked(report, actor)
    if locked.status != ProblemReport.Status.HANDLED:
        raise ValidationError(_("This report is not marked as handled."), code="not_handled")
    old_note = locked.response_note
    locked.status = ProblemReport.Status.NEW
    locked.handled_at = None
    locked.handled_by = None
    locked.response_note = ""
    locked.save(update_fields=["status", "handled_at", "handled_by", "response_note", "updated_at"])
    record_event(
        actor=actor,
        action="problem_report.reopen",
        obj=locked,
        old_status=ProblemReport.Status.HANDLED,
        new_status=ProblemReport.Status.NEW,
        changes={"response_note": [old_note, ""]},
    )
    return locked


def forget_reporters(cutoff) -> int:
    """Blank the reporter's name and contact of the reports handled (or, never handled, sent)
    before ``cutoff`` (``ocop.core.privacy``); the report itself stays."""
    old = ProblemReport.objects.filter(
        Q(handled_at__lt=cutoff) | Q(handled_at__isnull=True, created_at__lt=cutoff)
    ).exclude(reporter_name="", reporter_contact="")
    return old.update(reporter_name="", reporter_contact="")
