"""The public verification of a certificate (``/v/<code>``, what a stamp's QR code opens), the
"report a problem" form on it, and the certificate and stamps PDFs for officials and
producers.

The verification page needs no login and shows only what the certificate itself says in
public: the product, the producer's name and commune, the star, the decision, the validity and
the status; never a phone number, an e-mail, an address or a person's name. Its certificate
part is the same for every visitor and cached under a key that changes with anything it shows
(:func:`section_cache_key`): a cached visit is one query. Each visit by someone who is not
logged in is counted in this process's memory and added to the certificate's ``scan_count`` by
the task worker (``scans.py``: no write per visit, nothing about the visitor is stored); visits
of logged-in officials and producers are not counted, so the count stays a count of consumers'
checks.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ocop.core import signing
from ocop.core.deadlines import certificate_valid_through
from ocop.core.forms import blank_form_fields
from ocop.core.pdf import pdf_response
from ocop.core.ratelimit import client_ip, take_hourly_slot

from ..control.forms import ProblemReportForm, SignedPdfForm
from ..control.problem_reports import CODE_MAX_LENGTH, report_problem, take_report_slot
from ..models import Certificate, CertificateStatus
from . import pdf, scans

# The colour of each status on the page (classes of static/css/ocop.css).
STATUS_CLASSES = {
    CertificateStatus.VALID: "valid",
    CertificateStatus.RE_RATING_WINDOW: "expiring",
    CertificateStatus.EXTENDED: "expiring",
    CertificateStatus.NOT_YET_VALID: "expiring",
    CertificateStatus.EXPIRED: "expired",
    CertificateStatus.REVOKED: "expired",
    CertificateStatus.SUPERSEDED: "expired",
}


#: What the cache key of a certificate's page is made of (besides the day and the language):
#: every field of the certificate, its decision, product, producer, commune and province that
#: the page shows (keep in step with ``_public_certificate.html``), so that its own changes are
#: seen whatever path made them; the ``updated_at`` of those rows as a catch-all; whether a late
#: re-rating is pending; and the latest ``updated_at`` and number of the product's certificates
#: and their decisions (the history table).
VERSION_FIELDS = (
    "pk",
    "product_id",
    "number",
    "star",
    "is_sample",
    "issued_on",
    "valid_until",
    "revoked_on",
    "revocation_ground",
    "revocation_decision_number",
    "superseded_on",
    "superseded_by_id",
    "updated_at",
    "decision__number",
    "decision__decided_on",
    "decision__authority",
    "decision__updated_at",
    "product__name",
    "product__updated_at",
    "product__producer__name",
    "product__producer__updated_at",
    "product__producer__commune__name",
    "product__producer__province__name",
    "has_pending_re_rating",
    "history_changed_at",
    "history_size",
)


def _public_version(code):
    """What the page of ``code`` needs before its cached part, in one indexed query: the
    certificate's id, its product's name and the fields of its cache key (None for an unknown
    code)."""
    if len(code) > CODE_MAX_LENGTH:
        return None
    history = Certificate.objects.filter(product_id=OuterRef("product_id")).order_by()
    history = history.values("product_id")
    latest = Max(Greatest("updated_at", "decision__updated_at"))
    rows = (
        Certificate.objects.filter(public_code=code)
        .with_pending_re_rating()
        .annotate(
            history_changed_at=Subquery(history.annotate(latest=latest).values("latest")),
            history_size=Subquery(history.annotate(size=Count("pk")).values("size")),
        )
        .order_by()
        .values(*VERSION_FIELDS)[:1]
    )
    return next(iter(rows), None)


def section_cache_key(version, today) -> str:
    """The cache key of the certificate part of the page: a new one for any change of what it
    shows (:data:`VERSION_FIELDS`), of the day (the status depends on it) and of the
    language."""
    digest = hashlib.blake2b(repr(sorted(version.items())).encode(), digest_size=16).hexdigest()
    return f"verify:{version['pk']}:{today.isoformat()}:{get_language()}:{digest}"


def _certificate_section(version, today) -> str:
    """The certificate part of the page (cached; one query for the certificate and the rest of
    its product's certificates when it is not)."""
    key = section_cache_key(version, today)
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # rendered by our own template below, without the request
    # The certificate is one of its product's certificates (read after the key: never older).
    history = list(
        Certificate.objects.filter(product_id=version["product_id"])
        .select_related("decision", "product__producer__province", "product__producer__commune")
        .with_pending_re_rating()
        .order_by("-issued_on", "-id")
    )
    by_id = {entry.pk: entry for entry in history}
    certificate = by_id[version["pk"]]
    for entry in history:
        entry.public_status = entry.status_on(today)
        entry.status_class = STATUS_CLASSES[entry.public_status]
    certificate_status = certificate.status_on(today)
    context = {
        "certificate": certificate,
        "product": certificate.product,
        "producer": certificate.product.producer,
        "decision": certificate.decision,
        "status": certificate_status,
        "status_class": STATUS_CLASSES[certificate_status],
        "Status": CertificateStatus,
        "grace_end": certificate_valid_through(certificate.valid_until, re_rating_filed=True),
        "newer": by_id.get(certificate.superseded_by_id),
        "history": history,
    }
    # Rendered without the request: nothing of the visitor (CSRF token, CSP nonce, user) can
    # end up in what is shared.
    html = render_to_string("certificates/_public_certificate.html", context)
    cache.set(key, html, settings.VERIFY_CACHE_SECONDS)
    return mark_safe(html)


def blank_report_fields() -> str:
    """The fields of an empty "Report a problem" form, rendered once per language and process
    (the same for everyone; a third of a cached page's time)."""
    return blank_form_fields("certificates/_public_report_fields.html", ProblemReportForm)


def _page_and_certificate(request, code, form, *, refusal="", status=None, extra=None):
    """The verification page of ``code`` and the id of its certificate, or the unknown-code
    page (404) and None."""
    version = _public_version(code)
    if version is None:
        context = {"code": code[:CODE_MAX_LENGTH], "form": form, "refusal": refusal}
        context["blank_fields"] = "" if form.is_bound else blank_report_fields()
        template = "certificates/public_unknown.html"
        return render(request, template, context, status=status or 404), None
    context = {
        "section": _certificate_section(version, timezone.localdate()),
        "product_name": version["product__name"],
        "code": code,
        "form": form,
        "blank_fields": "" if form.is_bound else blank_report_fields(),
        "refusal": refusal,
        **(extra or {}),
    }
    response = render(request, "certificates/public_verify.html", context, status=status)
    return response, version["pk"]


def _page(request, code, form, **kwargs):
    return _page_and_certificate(request, code, form, **kwargs)[0]


@login_not_required
@require_GET
@never_cache
def certificate_verify(request, code):
    response, certificate_id = _page_and_certificate(request, code, ProblemReportForm())
    if certificate_id is not None and not request.user.is_authenticated:
        scans.record_scan(certificate_id)
    return response


@login_not_required
@require_POST
def problem_report(request, code):
    """Store a problem report about ``code``; robots (the honeypot) and senders over the hourly
    cap are refused politely, and nothing is stored."""
    form = ProblemReportForm(request.POST)
    if form.is_robot:
        return _page(
            request,
            code,
            form,
            refusal=_("Your report could not be sent. Please try again later."),
            status=400,
        )
    if not form.is_valid():
        return _page(request, code, form)
    if not take_report_slot(client_ip(request)):
        return _page(
            request,
            code,
            form,
            refusal=_(
                "Too many reports were sent from your connection in the last hour. Please try "
                "again later, or contact the OCOP office of the province."
            ),
            status=429,
        )
    report_problem(
        code=code,
        kind=form.cleaned_data["kind"],
        message=form.cleaned_data["message"],
        reporter_name=form.cleaned_data["name"],
        reporter_contact=form.cleaned_data["contact"],
    )
    return redirect("verify:problem_report_sent", code=code[:CODE_MAX_LENGTH])


@login_not_required
@require_GET
def problem_report_sent(request, code):
    return render(request, "certificates/public_report_sent.html", {"code": code[:CODE_MAX_LENGTH]})


#: Signature checks of uploaded PDFs per visitor and hour (each parses a file).
PDF_CHECKS_PER_HOUR = 30


@login_not_required
@require_POST
def certificate_pdf_check(request, code):
    """Check an uploaded PDF against this certificate: signed by the platform's certificate,
    over the whole file, unchanged since, and for this certificate (its signed reason)."""
    number = Certificate.objects.filter(public_code=code).values_list("number", flat=True).first()
    if number is None:
        return _page(request, code, ProblemReportForm())
    form = SignedPdfForm(request.POST, request.FILES)
    result, status = None, 200
    if not form.is_valid():
        status = 400
    elif not take_hourly_slot("pdf-check", client_ip(request), limit=PDF_CHECKS_PER_HOUR):
        form.add_error(None, _("Too many files were checked from your connection. Try later."))
        status = 429
    else:
        verdict = signing.check(form.cleaned_data["file"].read())
        expected = pdf.signed_reason(Certificate(number=number, public_code=code))
        result = _pdf_check_result(verdict, expected)
    extra = {"pdf_form": form, "pdf_result": result}
    return _page(request, code, ProblemReportForm(), extra=extra, status=status)


def _pdf_check_result(verdict, expected) -> dict:
    signer = verdict.signer
    if verdict.ok and verdict.reason == expected:
        message = _(
            "This PDF is this certificate as the platform issued it, unchanged since it was "
            "signed by %(signer)s."
        ) % {"signer": signer}
        return {"ok": True, "message": message}
    if verdict.ok:
        message = _(
            "This PDF is signed by the platform, but it is another document (%(reason)s), "
            "not this certificate."
        ) % {"reason": verdict.reason}
    elif verdict.problem == "changed":
        message = _("This PDF was changed after it was signed. Do not trust its content.")
    elif verdict.problem == "foreign":
        message = _("This PDF is signed by %(signer)s, not by the OCOP platform.") % {
            "signer": signer or _("someone else")
        }
    elif verdict.problem == "unsigned":
        message = _("This PDF carries no signature of the OCOP platform.")
    else:
        message = _("This file is not a PDF that can be read.")
    return {"ok": False, "message": message}


# --------------------------------------------------------------------------------------
# PDFs for officials and producers (login required, scoped)
# --------------------------------------------------------------------------------------


def _visible_certificate(request, code):
    return get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(
            "product__producer__province",
            "product__producer__commune",
            "decision__province",
        ),
        public_code=code,
    )


@require_GET
def certificate_pdf(request, code):
    certificate = _visible_certificate(request, code)
    return pdf_response(pdf.certificate_pdf(certificate), f"ocop-certificate-{code}.pdf")


@require_GET
def certificate_stamps_pdf(request, code):
    certificate = _visible_certificate(request, code)
    return pdf_response(pdf.stamps_pdf(certificate), f"ocop-stamps-{code}.pdf")
