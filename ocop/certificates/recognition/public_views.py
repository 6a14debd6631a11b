"""The public verification of a certificate (``/v/<code>``, what a stamp's QR code opens), the
"report a problem" form on it, and the certificate and stamps PDFs for officials and
producers.

The verification page needs no login and shows only what the certificate itself says in
public: the product, the producer's name and commune, the star, the decision, the validity and
the status; never a phone number, an e-mail, an address or a person's name. Each visit by
someone who is not logged in adds one to the certificate's ``scan_count`` (an ``F()`` update,
nothing about the visitor is stored); visits of logged-in officials and producers are not
counted, so the count stays a count of consumers' checks.
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ocop.core.deadlines import certificate_valid_through
from ocop.core.ratelimit import client_ip

from ..control.forms import ProblemReportForm
from ..control.problem_reports import CODE_MAX_LENGTH, report_problem, take_report_slot
from ..models import Certificate, CertificateStatus
from . import pdf

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


def _public_certificate(code):
    """The certificate of ``code`` with everything its page shows, in one query; None for an
    unknown code."""
    if len(code) > CODE_MAX_LENGTH:
        return None
    return (
        Certificate.objects.select_related(
            "product__producer__province", "product__producer__commune", "decision"
        )
        .with_pending_re_rating()
        .filter(public_code=code)
        .first()
    )


def _page(request, code, form, *, refusal="", status=None):
    """The verification page of ``code``, or the unknown-code page (404)."""
    certificate = _public_certificate(code)
    if certificate is None:
        context = {"code": code[:CODE_MAX_LENGTH], "form": form, "refusal": refusal}
        return render(request, "certificates/public_unknown.html", context, status=status or 404)
    today = timezone.localdate()
    history = list(
        Certificate.objects.filter(product_id=certificate.product_id)
        .select_related("decision")
        .with_pending_re_rating()
        .order_by("-issued_on", "-id")
    )
    by_id = {entry.pk: entry for entry in history}
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
        "form": form,
        "refusal": refusal,
    }
    return render(request, "certificates/public_verify.html", context, status=status)


@login_not_required
@require_GET
@never_cache
def certificate_verify(request, code):
    response = _page(request, code, ProblemReportForm())
    if response.status_code == 200 and not request.user.is_authenticated:
        Certificate.objects.filter(public_code=code).update(scan_count=F("scan_count") + 1)
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


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def certificate_pdf(request, code):
    certificate = _visible_certificate(request, code)
    return _pdf_response(pdf.certificate_pdf(certificate), f"ocop-certificate-{code}.pdf")


@require_GET
def certificate_stamps_pdf(request, code):
    certificate = _visible_certificate(request, code)
    return _pdf_response(pdf.stamps_pdf(certificate), f"ocop-stamps-{code}.pdf")
