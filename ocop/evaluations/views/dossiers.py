"""Dossier pages. For everyone who may see a dossier: the list (a producer's own, an official's
territory, a council member's rounds; "waiting for me" is the commune's inbox with its
deadlines), one dossier with what the user can do next and its history, its attached documents
and its self-assessment as filed. For the producer's members: open a dossier, the registration
form (Mẫu 01), the documents, submission and withdrawal.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ocop.accounts.scope import official_scope
from ocop.core.audit import history_for
from ocop.core.htmx import is_htmx
from ocop.core.ids import parse_id
from ocop.core.keyset import paginate_keyset
from ocop.producers.models import Producer, ProducerDocument
from ocop.products.models import Product
from ocop.rubric.layout import sheet_rows
from ocop.rubric.models import member_products

from ..forms import (
    AttachmentsForm,
    DossierCreateForm,
    DossierFilterForm,
    DossierForm,
    ReasonForm,
    RoundChoiceForm,
    add_service_error,
)
from ..models import (
    ALLOWED_TRANSITIONS,
    SCORING_STATUSES,
    Actor,
    CommuneReview,
    CouncilMember,
    CouncilResult,
    Dossier,
    LabTestOrder,
    OfficeCheck,
    ScoreSheet,
    SiteVisit,
)
from ..permissions import can_advise, council_seat, current_council, is_producer_member, roles_for
from ..services.dossiers import (
    create_dossier,
    newest_finished_self_assessment,
    set_attachments,
    submission_problems,
    submit_dossier,
    update_dossier,
    withdraw_dossier,
)
from ..services.guards import next_step
from .common import (
    DOSSIER_RELATED,
    attachment_rows,
    dossier_as,
    form_data,
    frozen_self_assessment,
    may_move,
    messages_of,
    nothing_to_do,
    open_rounds,
    result_view,
    visible_dossier,
)

S = Dossier.Status


# How the audit actions of a dossier read in its history.
ACTION_LABELS = {
    "dossier.created": gettext_lazy("dossier opened"),
    "dossier.updated": gettext_lazy("registration form changed"),
    "dossier.attachments_changed": gettext_lazy("documents chosen"),
    "dossier.submitted": gettext_lazy("submitted to the commune"),
    "dossier.withdrawn": gettext_lazy("withdrawn"),
    "dossier.forwarded": gettext_lazy("forwarded to the province by the commune"),
    "dossier.returned": gettext_lazy("returned to the producer"),
    "dossier.accepted": gettext_lazy("accepted by the provincial OCOP office"),
    "dossier.assigned_to_round": gettext_lazy("put in a round"),
    "dossier.scoring_closed": gettext_lazy("scoring closed by the council's chair"),
    "dossier.approved_for_central": gettext_lazy("approved for the central round"),
    "dossier.kept_at_province": gettext_lazy("kept at the province"),
    "dossier.central_score_recognised": gettext_lazy("proposed on the central score"),
    "dossier.reassessed_at_province": gettext_lazy("to be evaluated again at the province"),
}


# Who acts next, for a viewer who cannot act: the roles of the transitions table.
WAITING_FOR = {
    Actor.PRODUCER: gettext_lazy("Waiting for the producer."),
    Actor.COMMUNE: gettext_lazy("Waiting for the commune's review."),
    Actor.PROVINCE: gettext_lazy("Waiting for the provincial OCOP office."),
    Actor.CENTRAL: gettext_lazy("Waiting for the central OCOP office."),
    Actor.CHAIR: gettext_lazy("Being scored; waiting for the council's chair to close it."),
}


def _history(dossier):
    statuses = dict(Dossier.Status.choices)
    return [
        {
            "event": event,
            "action": ACTION_LABELS.get(event.action, event.action),
            "old": statuses.get(event.old_status, event.old_status),
            "new": statuses.get(event.new_status, event.new_status),
        }
        for event in history_for(dossier).order_by("created_at", "id")
    ]


@require_GET
def dossier_list(request):
    """The dossiers the user may see: a producer's own, an official's territory, a council
    member's rounds. "Waiting for me" is the user's inbox (the commune's, with deadlines)."""
    filters = DossierFilterForm(request.GET, user=request.user)
    dossiers = filters.filter(Dossier.objects.visible_to(request.user).with_list_data())
    # Newest first (the index evaluations_dossier_created); the inbox by deadline, those
    # without one last. The overdue marks are read from the row's own columns.
    if filters.cleaned_data.get("waiting"):
        ordering = ["commune_deadline", "created_at", "id"]
    else:
        ordering = ["-created_at", "-id"]
    context = {
        "filters": filters,
        "page": paginate_keyset(request, dossiers, ordering),
        "can_create": member_products(request.user).exists(),
        "is_office": filters.is_official
        and bool(
            official_scope(request.user).province_codes or official_scope(request.user).is_national
        ),
        "is_htmx": is_htmx(request),
    }
    template = "evaluations/dossier_list.html"
    response = render(request, f"{template}#results" if context["is_htmx"] else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def dossier_detail(request, pk):
    """Everything about one dossier the user may see, what the user can do next, and its full
    history."""
    user = request.user
    # Links to the producer's and the product's back-office pages only for those who may open
    # them (a council member sees the facts needed for scoring on this page instead): two
    # subqueries of the dossier's own query, not two more queries.
    queryset = (
        Dossier.objects.visible_to(user)
        .select_related(*DOSSIER_RELATED)
        .annotate(
            can_open_producer=Exists(
                Producer.objects.visible_to(user).filter(pk=OuterRef("producer_id"))
            ),
            can_open_product=Exists(
                Product.objects.visible_to(user).filter(pk=OuterRef("product_id"))
            ),
        )
    )
    dossier = get_object_or_404(queryset, pk=pk)
    is_member = is_producer_member(user, dossier.producer_id)
    needed = set(ALLOWED_TRANSITIONS.get(dossier.status, {}).values())
    roles = roles_for(user, dossier, needed - {Actor.PRODUCER, Actor.CHAIR})
    if Actor.PRODUCER in needed and is_member:
        roles.add(Actor.PRODUCER)
    council = seat = None
    if dossier.status in SCORING_STATUSES:
        council = current_council(dossier)
        seat = council_seat(user, council)
        if seat is not None and seat.role == CouncilMember.Role.CHAIR:
            roles.add(Actor.CHAIR)
    context = {
        "dossier": dossier,
        "is_member": is_member,
        "roles": roles,
        "next_step": next_step(dossier) if is_member else "",
        "waiting_for": [WAITING_FOR[role] for role in sorted(needed - roles)],
        "seat": seat,
        "can_advise": council is not None and can_advise(user, dossier, council, seat=seat),
        "attachments": attachment_rows(dossier),
        "review": CommuneReview.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("reviewer")
        .first(),
        "entries": dossier.round_entries.select_related("round").order_by("added_at", "id"),
        "site_visits": SiteVisit.objects.visible_to(user).filter(dossier=dossier),
        "lab_tests": LabTestOrder.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("result_document"),
        "results": [
            result_view(result)
            for result in CouncilResult.objects.visible_to(user)
            .filter(dossier=dossier)
            .select_related("council__round", "closed_by")
        ],
        "sheets": ScoreSheet.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("member__user", "round"),
        "history": _history(dossier),
        # The office's checks of a re-rating (art. 7(6)(c)): one query, for re-ratings only.
        "office_checks": list(
            OfficeCheck.objects.visible_to(user)
            .filter(dossier=dossier)
            .select_related("recorded_by")
        )
        if dossier.kind == Dossier.Kind.RE_RATING
        else [],
        "today": timezone.localdate(),
    }
    if dossier.self_assessment_id is None and Actor.PRODUCER in roles:
        context["candidate_assessment"] = newest_finished_self_assessment(dossier.product_id)
    if (Actor.PROVINCE in roles and dossier.status == S.ACCEPTED) or (
        Actor.CENTRAL in roles and dossier.status == S.SENT_CENTRAL
    ):
        context["round_form"] = RoundChoiceForm(rounds=open_rounds(user, dossier))
    return render(request, "evaluations/dossier_detail.html", context)


@require_GET
def dossier_document(request, pk, document_pk):
    """A document attached to the dossier, for anyone who may see the dossier: the council and
    its advisers score from this evidence. Only the dossier's own attachments are served, never
    another document of the producer's locker."""
    dossier = get_object_or_404(Dossier.objects.visible_to(request.user).only("pk"), pk=pk)
    attachment = get_object_or_404(
        dossier.attachment_rows.select_related("document"), document_id=document_pk
    )
    document = attachment.document
    if not document.file:
        raise Http404
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def dossier_self_assessment(request, pk):
    """The self-assessment as it was filed: the answers, total and star frozen on the dossier at
    submission, read-only, for anyone who may see the dossier."""
    dossier = visible_dossier(request, pk)
    engine, layout, answers, result = frozen_self_assessment(dossier)
    answered = sum(1 for code in engine.criteria if code in answers)
    context = {
        "dossier": dossier,
        "layout": layout,
        "parts": sheet_rows(layout, answers, result),
        "result": result,
        "star_mark": "★" * (dossier.self_assessment_star or 0),
        "answered": answered,
        "criteria_count": len(engine.criteria),
        "can_edit": False,
    }
    return render(request, "evaluations/dossier_self_assessment.html", context)


@require_http_methods(["GET", "POST"])
def dossier_create(request):
    """Open a draft dossier for one of the member's products."""
    initial = {}
    product_id = parse_id(request.GET.get("product", ""))
    if product_id:
        initial["product"] = product_id
    if request.GET.get("kind") in Dossier.Kind.values:  # a re-rating started from a certificate
        initial["kind"] = request.GET["kind"]
    form = DossierCreateForm(form_data(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = create_dossier(
                form.cleaned_data["product"], actor=request.user, kind=form.cleaned_data["kind"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, messages_of(error))
        else:
            messages.success(
                request, _("The dossier was opened. Check and complete the registration form.")
            )
            return redirect("evaluations:dossier_edit", pk=dossier.pk)
    context = {"form": form, "has_products": form.fields["product"].queryset.exists()}
    return render(request, "evaluations/dossier_create.html", context)


@require_http_methods(["GET", "POST"])
def dossier_edit(request, pk):
    """The registration form (Mẫu 01) of a draft or returned dossier."""
    dossier = dossier_as(request, pk, Actor.PRODUCER)
    if not dossier.is_editable_by_producer:
        return nothing_to_do(request, dossier)
    # The form works on its own copy; the service reloads and locks the row.
    form = DossierForm(form_data(request), instance=Dossier.objects.get(pk=dossier.pk))
    if request.method == "POST" and form.is_valid():
        try:
            update_dossier(dossier, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The registration form was saved."))
            return redirect(dossier)
    return render(request, "evaluations/dossier_form.html", {"form": form, "dossier": dossier})


@require_http_methods(["GET", "POST"])
def dossier_attachments(request, pk):
    """Choose the documents of the producer's evidence locker that go with the dossier."""
    dossier = dossier_as(request, pk, Actor.PRODUCER)
    if not dossier.is_editable_by_producer:
        return nothing_to_do(request, dossier)
    documents = ProducerDocument.objects.filter(producer_id=dossier.producer_id)
    chosen = set(dossier.attachment_rows.values_list("document_id", flat=True))
    form = AttachmentsForm(form_data(request), documents=documents)
    if request.method == "POST" and form.is_valid():
        try:
            set_attachments(dossier, actor=request.user, documents=form.cleaned_data["documents"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The documents of the dossier were saved."))
            return redirect(dossier)
    if form.is_bound:
        chosen = {str(value) for value in form.data.getlist("documents")}
    else:
        chosen = {str(value) for value in chosen}
    context = {"form": form, "dossier": dossier, "documents": documents, "chosen": chosen}
    return render(request, "evaluations/dossier_attachments.html", context)


@require_http_methods(["GET", "POST"])
def dossier_submit(request, pk):
    """Check (GET) and file (POST) the dossier at the commune. Every problem is listed."""
    dossier = dossier_as(request, pk, Actor.PRODUCER)
    if not may_move(dossier, Actor.PRODUCER) or not dossier.is_editable_by_producer:
        return nothing_to_do(request, dossier)
    errors = []
    if request.method == "POST":
        try:
            dossier = submit_dossier(dossier, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            errors = messages_of(error)
        else:
            messages.success(
                request,
                _(
                    "The dossier was submitted to the commune with receipt number %(number)s. "
                    "The commune reports on it by %(deadline)s."
                )
                % {
                    "number": dossier.receipt_number,
                    "deadline": date_format(dossier.commune_deadline, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(dossier)
    context = {
        "dossier": dossier,
        "errors": errors,
        "problems": [] if errors else submission_problems(dossier),
        "assessment": newest_finished_self_assessment(dossier.product_id),
        "attachments": attachment_rows(dossier),
    }
    return render(request, "evaluations/dossier_submit.html", context)


@require_http_methods(["GET", "POST"])
def dossier_withdraw(request, pk):
    dossier = dossier_as(request, pk, Actor.PRODUCER)
    if not dossier.can_transition_to(S.WITHDRAWN, Actor.PRODUCER):
        return nothing_to_do(request, dossier)
    form = ReasonForm(form_data(request), label=_("Why is the dossier withdrawn? (optional)"))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_dossier(dossier, actor=request.user, reason=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The dossier was withdrawn."))
            return redirect(dossier)
    return render(request, "evaluations/dossier_withdraw.html", {"form": form, "dossier": dossier})
