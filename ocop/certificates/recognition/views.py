"""Back-office pages of recognition decisions and certificates (/manage/certificates/), for the
provincial OCOP offices and the central office:

- decisions: the list; a new draft from the council results waiting for a decision; its page,
  where it is signed (certificates issued) or discarded (the entry of a decision taken before
  the platform is ``historical.py``);
- certificates: the list (status as it is today), a certificate's page with its history and
  PDFs, its revocations due (``control``'s pages record and withdraw them) and its revocation
  (with the day its 15 days ran from, art. 8(4)).

The pages are the offices' only: anyone without a provincial or central office role (a producer,
a commune officer) gets 404, as does an office for another province's decision or certificate.
Acting (sign, discard, revoke) is for who may decide (``guards.can_decide`` /
``guards.can_revoke``); everyone else gets 404 there too. Every change is one service call;
a refusal comes back as form errors or a message and changes nothing.

Two fragments are loaded by htmx into pages of other apps, which may not import this one: the
certificates of a product (product page) and the decision of a dossier (dossier page).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.deadlines import certificate_valid_through
from ocop.core.forms import add_service_error
from ocop.core.htmx import is_htmx
from ocop.core.ids import parse_id
from ocop.core.keyset import paginate_keyset
from ocop.core.links import absolute_reverse
from ocop.core.models import AuditEvent
from ocop.core.pagination import paginate, query_without_page
from ocop.core.pdf import pdf_response
from ocop.core.text import normalize
from ocop.evaluations.models import Dossier
from ocop.evaluations.permissions import is_producer_member
from ocop.products.models import Product

from ..control.revocation import revoke_certificate
from ..guards import can_decide, can_revoke
from ..models import (
    Certificate,
    CertificateStatus,
    DecisionItem,
    RecognitionDecision,
    RevocationCase,
)
from . import pdf as recognition_pdf
from . import services
from .forms import (
    CertificateFilterForm,
    ConfirmForm,
    DecisionCreateForm,
    DecisionFilterForm,
    RevokeForm,
)
from .public_views import STATUS_CLASSES

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _is_office(user) -> bool:
    """A provincial or the central OCOP office (superusers count as central)."""
    scope = official_scope(user)
    return scope.is_national or bool(scope.province_codes)


def require_office(request):
    """404 for anyone but an OCOP office (these pages and ``historical.py``)."""
    if not _is_office(request.user):
        raise Http404


def _can_decide(user, decision) -> bool:
    return can_decide(user, authority=decision.authority, province_id=decision.province_id)


def _decision(request, pk) -> RecognitionDecision:
    """The decision if the user is an office that may see it, else 404."""
    require_office(request)
    return get_object_or_404(
        RecognitionDecision.objects.visible_to(request.user).select_related(
            "province", "created_by"
        ),
        pk=pk,
    )


def _decision_to_act_on(request, pk) -> RecognitionDecision:
    """The decision if the user may decide on it (sign, discard), else 404."""
    decision = _decision(request, pk)
    if not _can_decide(request.user, decision):
        raise Http404
    return decision


def _certificate_queryset(user):
    return (
        Certificate.objects.visible_to(user)
        .select_related(
            "product__producer__province",
            "product__producer__commune",
            "decision__province",
            "superseded_by",
        )
        .with_pending_re_rating()
    )


def _certificate(request, pk) -> Certificate:
    require_office(request)
    return get_object_or_404(_certificate_queryset(request.user), pk=pk)


def _status_row(certificate, today):
    status = certificate.status_on(today)
    return {
        "certificate": certificate,
        "status": status,
        "status_class": STATUS_CLASSES[status],
    }


# --------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------


@require_GET
def decision_list(request):
    """The decisions of the office's territory (the central office: all), newest first."""
    require_office(request)
    filters = DecisionFilterForm(request.GET)
    item_count = (
        DecisionItem.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(count=Count("pk"))
        .values("count")
    )
    decisions = filters.filter(
        RecognitionDecision.objects.visible_to(request.user)
        .select_related("province")
        .annotate(item_count=Subquery(item_count))
        .order_by("-decided_on", "-id")
    )
    scope = official_scope(request.user)
    context = {
        "filters": filters,
        "page": paginate(request, decisions),
        "query": query_without_page(request),
        "is_national": scope.is_national,
        "is_htmx": is_htmx(request),
    }
    template = "certificates/decision_list.html"
    response = render(request, f"{template}#results" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _candidates(user):
    """The proposed dossiers the user may put into a new decision: ``proposed`` ones of the
    office's province (3★, 4★, the provincial chairman decides), ``proposed_central`` ones for
    the central office (5★, the Minister); each with its council result and not yet in a
    decision."""
    scope = official_scope(user)
    condition = Q(pk__in=[])
    if scope.is_national:
        condition |= Q(status=Dossier.Status.PROPOSED_CENTRAL)
    if user.is_superuser:
        condition |= Q(status=Dossier.Status.PROPOSED)
    elif scope.province_codes:
        condition |= Q(status=Dossier.Status.PROPOSED, province_id__in=scope.province_codes)
    return (
        Dossier.objects.visible_to(user)
        .filter(condition, decisive_result__isnull=False)
        .exclude(Exists(DecisionItem.objects.filter(dossier_id=OuterRef("pk"))))
        .select_related("product", "producer", "province", "decisive_result__council__round")
        .order_by("province_id", "proposed_star", "product_name", "pk")
    )


@require_http_methods(["GET", "POST"])
def decision_create(request):
    """A draft decision from the council results waiting for one. The office ticks the
    products, enters the number, date and signer; nothing is issued until it is signed."""
    require_office(request)
    candidates = _candidates(request.user)
    chosen_id = parse_id(request.GET.get("dossier", ""))
    form = DecisionCreateForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"decided_on": timezone.localdate(), "dossiers": [str(chosen_id)]},
    )
    if request.method == "POST" and form.is_valid():
        chosen = sorted(form.cleaned_data["dossiers"], key=lambda dossier: dossier.pk)
        data = form.cleaned_data
        try:
            decision = services.create_decision_from_results(
                chosen[0].province,
                actor=request.user,
                results=[dossier.decisive_result for dossier in chosen],
                number=data["number"],
                decided_on=data["decided_on"],
                signer_name=data["signer_name"],
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Draft decision %(number)s was created. Check it, then sign it.")
                % {"number": decision.number},
            )
            return redirect("certificates:decision_detail", pk=decision.pk)
    if request.method == "POST" and (created := _decision_already_created(request, form)):
        # The same form sent twice (a double click): the first request made the decision,
        # before this one was checked or while the service waited for it.
        messages.info(
            request,
            _("Decision %(number)s with these products was already created.")
            % {"number": created.number},
        )
        return redirect("certificates:decision_detail", pk=created.pk)
    context = {
        "form": form,
        "candidates": list(form.fields["dossiers"].queryset),
        "is_national": official_scope(request.user).is_national,
    }
    return render(request, "certificates/decision_create.html", context)


def _decision_already_created(request, form):
    """The decision, visible to the user, that already holds exactly the posted dossiers under
    the posted number (looked for only when the form or the service refused them)."""
    if not form.errors:
        return None
    ids = {parse_id(value) for value in request.POST.getlist("dossiers")}
    number = normalize(request.POST.get("number", ""))
    if not ids or None in ids or not number:
        return None
    items = list(
        DecisionItem.objects.filter(
            dossier_id__in=ids,
            decision__in=RecognitionDecision.objects.visible_to(request.user),
        ).select_related("decision")
    )
    decisions = {item.decision for item in items}
    if len(decisions) != 1 or {item.dossier_id for item in items} != ids:
        return None
    (decision,) = decisions
    return decision if decision.number == number else None


@require_GET
def decision_pdf(request, pk):
    """A signed decision as a document, signed (PAdES) by the province's certificate."""
    decision = _decision(request, pk)
    if not decision.is_signed:
        raise Http404
    certificates = list(
        Certificate.objects.filter(decision=decision)
        .select_related("product__producer", "item")
        .order_by("item__position", "pk")
    )
    content = recognition_pdf.decision_pdf(decision, certificates)
    return pdf_response(content, f"ocop-decision-{decision.pk}.pdf")


@require_GET
def decision_detail(request, pk):
    """A decision: its header, its products with their council results and, once signed, the
    certificates it issued."""
    decision = _decision(request, pk)
    today = timezone.localdate()
    items = decision.items.select_related(
        "product__producer", "dossier", "council_result"
    ).order_by("position")
    certificates = {}
    if decision.is_signed:
        certificates = {
            certificate.item_id: certificate
            for certificate in Certificate.objects.visible_to(request.user)
            .filter(decision=decision)
            .with_pending_re_rating()
            .order_by()
        }
    rows = []
    for item in items:
        certificate = certificates.get(item.pk)
        status = certificate.status_on(today) if certificate else None
        rows.append({"item": item, "certificate": certificate, "status": status})
    can_act = _can_decide(request.user, decision)
    context = {
        "decision": decision,
        "rows": rows,
        "can_act": can_act,
        "is_draft": not decision.is_signed,
        "confirm_form": ConfirmForm(),
    }
    return render(request, "certificates/decision_detail.html", context)


@require_http_methods(["GET", "POST"])
def decision_sign(request, pk):
    """Record that the decision is signed: its certificates are issued at once (a tick to
    confirm, as it cannot be undone)."""
    decision = _decision_to_act_on(request, pk)
    if decision.is_signed:
        messages.info(request, _("This decision is already signed."))
        return redirect("certificates:decision_detail", pk=decision.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_decision(decision, actor=request.user)
        except ValidationError as error:
            if getattr(error, "code", None) == "already_signed":
                # Signed by a request that ran at the same moment (a double click).
                messages.info(request, _("This decision is already signed."))
                return redirect("certificates:decision_detail", pk=decision.pk)
            add_service_error(form, error)
        except PermissionDenied as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Decision %(number)s is signed; its certificates are issued.")
                % {"number": decision.number},
            )
            return redirect("certificates:decision_detail", pk=decision.pk)
    context = {
        "decision": decision,
        "form": form,
        "items": decision.items.select_related("product__producer").order_by("position"),
    }
    return render(request, "certificates/decision_sign.html", context)


@require_http_methods(["GET", "POST"])
def decision_discard(request, pk):
    """Delete a draft decision; its dossiers wait for a decision again."""
    try:
        decision = _decision_to_act_on(request, pk)
    except Http404:
        if _discarded_by(request.user, pk):
            # The form sent again (a double click, the back button): it is done already.
            return _already_discarded(request)
        raise
    if decision.is_signed:
        messages.error(
            request,
            _("Decision %(number)s is signed and cannot be discarded.")
            % {"number": decision.number},
        )
        return redirect("certificates:decision_detail", pk=decision.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_decision(decision, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            if not RecognitionDecision.objects.filter(pk=decision.pk).exists():
                return _already_discarded(request)  # by a request that ran at the same moment
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Draft decision %(number)s was discarded.") % {"number": decision.number}
            )
            return redirect("certificates:decision_list")
    context = {"decision": decision, "form": form}
    return render(request, "certificates/decision_discard.html", context)


def _discarded_by(user, pk) -> bool:
    """Whether ``user`` discarded the decision ``pk`` (its audit event; ids are never reused)."""
    return AuditEvent.objects.filter(
        action="decision.discarded",
        object_type=RecognitionDecision._meta.label_lower,
        object_id=str(pk),
        actor=user,
    ).exists()


def _already_discarded(request):
    messages.info(request, _("This draft decision was already discarded."))
    return redirect("certificates:decision_list")


# --------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------


# The certificate list's order, newest first; the index certificates_certificate_issued serves it.
CERTIFICATE_ORDERING = ["-issued_on", "-id"]


@require_GET
def certificate_list(request):
    """The certificates of the office's territory, with their status today."""
    require_office(request)
    today = timezone.localdate()
    scope = official_scope(request.user)
    filters = CertificateFilterForm(request.GET, is_national=scope.is_national)
    certificates = filters.filter(
        Certificate.objects.visible_to(request.user)
        .with_list_data()
        .select_related("product__producer__province"),
        today=today,
    )
    # Newest first, served by the index on (issued_on, id) read backwards; the status comes
    # from the row's own columns and the pending re-rating annotated in the same query.
    page = paginate_keyset(request, certificates, CERTIFICATE_ORDERING)
    rows = [_status_row(certificate, today) for certificate in page.object_list]
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "today": today,
        "is_national": scope.is_national,
        "is_htmx": is_htmx(request),
    }
    template = "certificates/certificate_list.html"
    response = render(request, f"{template}#results" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _certificate_page(request, certificate, *, revoke_form=None, status=200):
    today = timezone.localdate()
    certificate_status = certificate.status_on(today)
    history = [
        _status_row(entry, today)
        for entry in Certificate.objects.visible_to(request.user)
        .filter(product_id=certificate.product_id)
        .select_related("decision")
        .with_pending_re_rating()
        .order_by("-issued_on", "-id")
    ]
    may_revoke = can_revoke(request.user, certificate)
    revocable = (
        may_revoke and certificate.revoked_on is None and certificate.superseded_by_id is None
    )
    # The revocations due, for the office that may revoke (art. 8(4)): open ones, soonest due
    # first; the revocation form starts from the first one's ground and day.
    cases = []
    if may_revoke and certificate.revoked_on is None:
        cases = list(
            RevocationCase.objects.open()
            .filter(certificate=certificate)
            .select_related("inspection", "recorded_by")
            .order_by("due_on", "pk")
        )
    if revocable and revoke_form is None:
        initial = {"decided_on": today}
        if cases:
            initial.update(ground=cases[0].ground or None, finding_on=cases[0].finding_on)
        revoke_form = RevokeForm(initial=initial)
    context = {
        "certificate": certificate,
        "product": certificate.product,
        "producer": certificate.product.producer,
        "decision": certificate.decision,
        "status": certificate_status,
        "status_class": STATUS_CLASSES[certificate_status],
        "Status": CertificateStatus,
        "window": certificate.re_rating_window,
        "grace_end": certificate_valid_through(certificate.valid_until, re_rating_filed=True),
        "history": history,
        "can_revoke": revocable,
        "revoke_form": revoke_form if revocable else None,
        "revocation_cases": [(case, case.is_overdue(today)) for case in cases],
        "public_url": absolute_reverse("verify:certificate_verify", certificate.public_code),
        "today": today,
    }
    return render(request, "certificates/certificate_detail.html", context, status=status)


@require_GET
def certificate_detail(request, pk):
    """A certificate: product, producer, star, decision, dates, status today, re-rating window,
    the product's certificates, PDFs, the public page and how often it was checked."""
    return _certificate_page(request, _certificate(request, pk))


@require_POST
def certificate_revoke(request, pk):
    """Revoke the certificate (only who may: ``guards.can_revoke``; others 404)."""
    certificate = _certificate(request, pk)
    if not can_revoke(request.user, certificate):
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revoked = revoke_certificate(
                certificate,
                actor=request.user,
                ground=data["ground"],
                decision_number=data["decision_number"],
                decided_on=data["decided_on"],
                finding_on=data["finding_on"],
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s is revoked; its public page says so now.")
                % {"number": certificate.number},
            )
            if revoked.is_revoked_late:
                messages.warning(
                    request,
                    _(
                        "The revocation was due by %(date)s, 15 days after the conclusion or "
                        "confirmation: it is recorded as late."
                    )
                    % {"date": date_format(revoked.revocation_due_on, "SHORT_DATE_FORMAT")},
                )
            return redirect("certificates:certificate_detail", pk=certificate.pk)
    certificate = _certificate(request, pk)  # as it is now
    if certificate.revoked_on is not None or certificate.superseded_by_id is not None:
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect("certificates:certificate_detail", pk=certificate.pk)
    return _certificate_page(request, certificate, revoke_form=form)


# --------------------------------------------------------------------------------------
# Fragments for the product and dossier pages (loaded by htmx)
# --------------------------------------------------------------------------------------


@require_GET
def product_certificates(request, pk):
    """The certificates of a product the user may see (producer members: their own), for the
    product's page. Offices get links to the certificate pages, others to the public page."""
    product = get_object_or_404(
        Product.objects.visible_to(request.user).only("pk", "producer_id"), pk=pk
    )
    today = timezone.localdate()
    rows = [
        _status_row(certificate, today)
        for certificate in Certificate.objects.visible_to(request.user)
        .filter(product_id=product.pk)
        .select_related("decision")
        .with_pending_re_rating()
        .order_by("-issued_on", "-id")
    ]
    current = next((row for row in rows if row["certificate"].is_current), None)
    context = {
        "product": product,
        "rows": rows,
        "is_office": _is_office(request.user),
        "next_dossier": _next_dossier_kind(request.user, product, current),
    }
    return render(request, "certificates/certificate_product_rows.html", context)


def _next_dossier_kind(user, product, current) -> str | None:
    """The dossier the producer may file from its current certificate (a re-rating or upgrade
    is started from the certificate, art. 7(6)): a re-rating once the re-rating window has
    opened (or late, while the certificate is kept valid or just expired), an upgrade while it
    is valid below 5 stars. Only for the producer's own members."""
    if current is None or _is_office(user) or not is_producer_member(user, product.producer_id):
        return None
    status = current["status"]
    if status in (
        CertificateStatus.RE_RATING_WINDOW,
        CertificateStatus.EXTENDED,
        CertificateStatus.EXPIRED,
    ):
        return Dossier.Kind.RE_RATING
    if status == CertificateStatus.VALID and current["certificate"].star < 5:
        return Dossier.Kind.UPGRADE
    return None


@require_GET
def dossier_decision(request, pk):
    """The decision that recognises a dossier's product, and its certificate once signed, for
    the dossier's page. Drafts only for the offices."""
    dossier = get_object_or_404(Dossier.objects.visible_to(request.user).only("pk"), pk=pk)
    is_office = _is_office(request.user)
    items = DecisionItem.objects.filter(
        dossier_id=dossier.pk, decision__in=RecognitionDecision.objects.visible_to(request.user)
    ).select_related("decision", "certificate")
    if not is_office:
        items = items.filter(decision__status=RecognitionDecision.Status.SIGNED)
    item = items.first()
    certificate = None
    if item is not None:
        try:
            certificate = item.certificate
        except Certificate.DoesNotExist:
            certificate = None
    # Waiting for a decision the user may prepare: a link to the new-decision page.
    can_prepare = (
        item is None and is_office and _candidates(request.user).filter(pk=dossier.pk).exists()
    )
    context = {
        "dossier": dossier,
        "item": item,
        "certificate": certificate,
        "is_office": is_office,
        "can_prepare": can_prepare,
    }
    return render(request, "certificates/decision_dossier_link.html", context)
