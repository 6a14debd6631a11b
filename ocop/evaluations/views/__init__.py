"""Evaluation pages (/manage/evaluations/): one dossier's way from the producer's draft to the
council's result, a page for each role.

- Producer members: their dossiers, the registration form, the documents, submission.
- Commune officers: the inbox of submitted dossiers with the 15-working-day deadline, the
  review (Mẫu 03).
- The provincial (or central) OCOP office: intake, rounds, councils, results and decisions.
- Council members: their sheets (conflict declaration first, then the scoring sheet).
- Chairs: each dossier's scoring status (quorum, spread), sending sheets back, closing.

Every dossier is fetched through ``Dossier.objects.visible_to``; a page for one role answers 404
to anyone who does not hold that role for the dossier (``permissions.has_role``). Every change is
one service call; a refusal comes back as a message or as form errors and changes nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ocop.accounts.scope import official_scope
from ocop.core.audit import history_for
from ocop.core.htmx import is_htmx
from ocop.core.ids import parse_id
from ocop.core.pagination import paginate, query_without_page
from ocop.producers.models import Producer, ProducerDocument
from ocop.products.models import Product
from ocop.rubric.engine import AnswerError, score_sheet
from ocop.rubric.layout import engine_sheet, sheet_layout, sheet_rows
from ocop.rubric.models import member_products

from ..forms import (
    AssignForm,
    AttachmentsForm,
    CloseScoringForm,
    CommuneReviewForm,
    ConflictForm,
    CouncilForm,
    CouncilMemberForm,
    DecisionForm,
    DossierCreateForm,
    DossierFilterForm,
    DossierForm,
    LabResultForm,
    LabTestForm,
    ReasonForm,
    ResultFilterForm,
    ReturnSheetForm,
    RoundChoiceForm,
    RoundForm,
    SheetFlagsForm,
    SiteVisitForm,
    add_service_error,
)
from ..models import (
    ALLOWED_TRANSITIONS,
    SCORING_STATUSES,
    Actor,
    CommuneReview,
    ConflictDeclaration,
    Council,
    CouncilMember,
    CouncilResult,
    Dossier,
    LabTestOrder,
    Round,
    RoundDossier,
    ScoreSheet,
    SiteVisit,
)
from ..permissions import (
    can_advise,
    can_organise_round,
    council_seat,
    current_council,
    is_producer_member,
    roles_for,
)
from ..services.advisory import order_lab_test, record_lab_result, record_site_visit
from ..services.central import (
    approve_for_central,
    keep_at_province,
    reassess_at_province,
    recognise_central_score,
)
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
from ..services.results import close_scoring, scoring_status
from ..services.review import accept_dossier, return_dossier, review_dossier
from ..services.rounds import (
    add_council_member,
    assign_dossier_to_round,
    assign_dossiers_to_round,
    close_round,
    create_council,
    create_round,
    remove_council_member,
    update_council,
)
from ..services.scoring import (
    declare_conflict,
    return_score_sheet,
    save_score_answer,
    save_score_sheet,
    submit_score_sheet,
)
from .common import (
    DOSSIER_RELATED,
    as_validation_error,
    attachment_rows,
    dossier_as,
    form_data,
    may_move,
    messages_of,
    nothing_to_do,
    open_rounds,
    result_view,
    show_refusal,
    visible_dossier,
)

S = Dossier.Status
ANSWER_PREFIX = "answer-"

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
DECISION_SERVICES = {
    "approve_for_central": approve_for_central,
    "keep_at_province": keep_at_province,
    "recognise_central_score": recognise_central_score,
    "reassess_at_province": reassess_at_province,
}


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Dossiers: list and detail
# --------------------------------------------------------------------------------------


@require_GET
def dossier_list(request):
    """The dossiers the user may see: a producer's own, an official's territory, a council
    member's rounds. "Waiting for me" is the user's inbox (the commune's, with deadlines)."""
    filters = DossierFilterForm(request.GET, user=request.user)
    dossiers = filters.filter(Dossier.objects.visible_to(request.user).with_list_data())
    if filters.cleaned_data.get("waiting"):
        dossiers = dossiers.order_by(F("commune_deadline").asc(nulls_last=True), "created_at", "id")
    context = {
        "filters": filters,
        "page": paginate(request, dossiers),
        "query": query_without_page(request),
        "can_create": member_products(request.user).exists(),
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
    if dossier.self_assessment_total is None:
        raise Http404  # a draft: nothing is frozen yet
    version = dossier.rubric_version.slug
    engine = engine_sheet(version, dossier.sheet_number)
    answers = dict(dossier.self_assessment_answers)
    try:
        result = score_sheet(engine, answers)
    except AnswerError:  # frozen answers always fit their sheet; never a 500 if one does not
        raise Http404 from None
    layout = sheet_layout(version, dossier.sheet_number)
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


# --------------------------------------------------------------------------------------
# The producer
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# The commune
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def dossier_review(request, pk):
    """The commune's review (Mẫu 03): completeness, the four points, forward or return."""
    dossier = dossier_as(request, pk, Actor.COMMUNE)
    if not may_move(dossier, Actor.COMMUNE):
        return nothing_to_do(request, dossier)
    form = CommuneReviewForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            review = review_dossier(
                dossier,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"reason": "reason", "decision": "decision"})
        else:
            if review.decision == CommuneReview.Decision.FORWARD:
                messages.success(request, _("The dossier was forwarded to the province."))
            else:
                messages.success(request, _("The dossier was returned to the producer."))
            return redirect(dossier)
    context = {
        "form": form,
        "dossier": dossier,
        "attachments": attachment_rows(dossier),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/dossier_review.html", context)


# --------------------------------------------------------------------------------------
# The province (and the central office)
# --------------------------------------------------------------------------------------


def _check_page(request, dossier, *, accept_form=None, return_form=None, status=200):
    context = {
        "dossier": dossier,
        "attachments": attachment_rows(dossier),
        "review": CommuneReview.objects.visible_to(request.user)
        .filter(dossier=dossier)
        .select_related("reviewer")
        .first(),
        "can_accept": dossier.can_transition_to(S.ACCEPTED, Actor.PROVINCE),
        "can_return": dossier.can_transition_to(S.RETURNED, Actor.PROVINCE),
        "accept_form": accept_form or ReasonForm(label=_("Comment (optional)")),
        "return_form": return_form
        or ReasonForm(label=_("What must the producer complete?"), required=True),
        "today": timezone.localdate(),
    }
    return render(request, "evaluations/dossier_check.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dossier_accept(request, pk):
    """The provincial office checks a forwarded dossier and accepts it (or returns it)."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if not may_move(dossier, Actor.PROVINCE) or dossier.status not in (S.FORWARDED, S.ACCEPTED):
        return nothing_to_do(request, dossier)
    form = ReasonForm(form_data(request), label=_("Comment (optional)"))
    if request.method == "POST" and form.is_valid():
        try:
            accept_dossier(dossier, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The dossier was accepted. Put it in a round."))
            return redirect(dossier)
    return _check_page(request, dossier, accept_form=form)


@require_http_methods(["GET", "POST"])
def dossier_return(request, pk):
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if not dossier.can_transition_to(S.RETURNED, Actor.PROVINCE):
        return nothing_to_do(request, dossier)
    form = ReasonForm(
        form_data(request), label=_("What must the producer complete?"), required=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            return_dossier(dossier, actor=request.user, reason=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error, {"reason": "comment"})
        else:
            messages.success(request, _("The dossier was returned to the producer."))
            return redirect(dossier)
    return _check_page(request, dossier, return_form=form)


@require_POST
def dossier_assign(request, pk):
    """Put one dossier in a round, from the dossier's page."""
    dossier = dossier_as(request, pk, Actor.PROVINCE, Actor.CENTRAL)
    form = RoundChoiceForm(request.POST, rounds=open_rounds(request.user, dossier))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(dossier)
    try:
        assign_dossier_to_round(dossier, form.cleaned_data["round"], actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The dossier was put in %(round)s.") % {"round": form.cleaned_data["round"]},
        )
    return redirect(dossier)


@require_http_methods(["GET", "POST"])
def dossier_decide(request, pk):
    """After a council: approve for the central round or keep at the province (90 points or
    more), or recognise the central score or evaluate again (below 5 stars centrally)."""
    dossier = dossier_as(request, pk, Actor.PROVINCE)
    if dossier.status not in DecisionForm.CHOICES or not may_move(dossier, Actor.PROVINCE):
        return nothing_to_do(request, dossier)
    form = DecisionForm(form_data(request), status=dossier.status)
    if request.method == "POST" and form.is_valid():
        service = DECISION_SERVICES[form.cleaned_data["decision"]]
        try:
            service(dossier, actor=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_error(form, error, {"comment": "comment"})
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(dossier)
    results = [
        result_view(result)
        for result in CouncilResult.objects.visible_to(request.user)
        .filter(dossier=dossier)
        .select_related("council__round", "closed_by")
    ]
    context = {"form": form, "dossier": dossier, "results": results}
    return render(request, "evaluations/dossier_decide.html", context)


# --------------------------------------------------------------------------------------
# The advisory team
# --------------------------------------------------------------------------------------


def _advisory_dossier(request, pk):
    """A dossier being scored, for the advisory team, the chair or the organising office."""
    dossier = visible_dossier(request, pk)
    council = current_council(dossier) if dossier.status in SCORING_STATUSES else None
    if council is None or not can_advise(request.user, dossier, council):
        raise Http404
    return dossier


@require_http_methods(["GET", "POST"])
def sitevisit_create(request, pk):
    dossier = _advisory_dossier(request, pk)
    form = SiteVisitForm(form_data(request), initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record_site_visit(dossier, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error), {"future": "visited_on"})
        else:
            messages.success(request, _("The site visit was recorded."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "title": _("Record a site visit")}
    return render(request, "evaluations/advisory_form.html", context)


@require_http_methods(["GET", "POST"])
def labtest_create(request, pk):
    dossier = _advisory_dossier(request, pk)
    form = LabTestForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            order_lab_test(dossier, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(request, _("The laboratory test was ordered."))
            return redirect(dossier)
    context = {"form": form, "dossier": dossier, "title": _("Order a laboratory test")}
    return render(request, "evaluations/advisory_form.html", context)


@require_http_methods(["GET", "POST"])
def labtest_result(request, pk):
    order = get_object_or_404(
        LabTestOrder.objects.visible_to(request.user).select_related(
            "dossier__product", "council__round"
        ),
        pk=pk,
    )
    dossier = order.dossier
    if not can_advise(request.user, dossier, order.council):
        raise Http404
    if order.status == LabTestOrder.Status.REPORTED:
        messages.error(request, _("The result of this test is already recorded."))
        return redirect(dossier)
    documents = ProducerDocument.objects.filter(producer_id=dossier.producer_id)
    form = LabResultForm(form_data(request), documents=documents)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_lab_result(
                order,
                actor=request.user,
                summary=data["summary"],
                reported_on=data["reported_on"],
                document=data["document"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(request, _("The result of the laboratory test was recorded."))
            return redirect(dossier)
    context = {
        "form": form,
        "dossier": dossier,
        "order": order,
        "title": _("Record a laboratory result"),
    }
    return render(request, "evaluations/advisory_form.html", context)


# --------------------------------------------------------------------------------------
# Rounds and councils
# --------------------------------------------------------------------------------------


def _can_open_rounds(user) -> bool:
    scope = official_scope(user)
    return bool(scope.province_codes) or can_organise_round(user, Round.Level.CENTRAL)


@require_GET
def round_list(request):
    rounds = (
        Round.objects.visible_to(request.user)
        .with_list_data()
        .order_by("-year", "-decide_before", "-id")
    )
    year = request.GET.get("year", "")
    if year.isascii() and year.isdigit() and len(year) == 4:
        rounds = rounds.filter(year=int(year))
    context = {
        "page": paginate(request, rounds),
        "query": query_without_page(request),
        "year": year if year.isascii() and year.isdigit() else "",
        "can_create": _can_open_rounds(request.user),
    }
    return render(request, "evaluations/round_list.html", context)


@require_http_methods(["GET", "POST"])
def round_create(request):
    if not _can_open_rounds(request.user):
        raise PermissionDenied
    form = RoundForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = create_round(
                actor=request.user,
                level=data["level"],
                year=data["year"],
                province=data["province"],
                kind=data["kind"],
                number=data["number"],
                name=data["name"],
                forward_before=data["forward_before"],
                decide_before=data["decide_before"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error), RoundForm.ERROR_FIELDS)
        else:
            messages.success(request, _("The round was opened. Set up its council."))
            return redirect(round_)
    return render(request, "evaluations/round_form.html", {"form": form})


@require_GET
def round_detail(request, pk):
    """A round: its council, its dossiers with their scoring progress and results."""
    user = request.user
    round_ = get_object_or_404(Round.objects.visible_to(user).select_related("province"), pk=pk)
    council = Council.objects.filter(round=round_).first()
    members = list(council.members.select_related("user")) if council else []
    seat = next((member for member in members if member.user_id == user.pk), None)
    is_organiser = Round.objects.editable_by(user).filter(pk=round_.pk).exists()
    is_chair = seat is not None and seat.role == CouncilMember.Role.CHAIR
    entries = round_.entries.select_related(
        "dossier__product", "dossier__producer", "dossier__commune"
    ).order_by("added_at", "id")
    page = paginate(request, entries)
    dossier_ids = [entry.dossier_id for entry in page]
    results = {}
    submitted = {}
    if council is not None and dossier_ids:
        results = {
            result.dossier_id: result
            for result in CouncilResult.objects.visible_to(user).filter(
                council=council, dossier_id__in=dossier_ids
            )
        }
        if is_organiser or is_chair:
            # How many sheets each dossier has received (never whose, nor their totals).
            submitted = dict(
                ScoreSheet.objects.filter(
                    round=round_,
                    dossier_id__in=dossier_ids,
                    status=ScoreSheet.Status.SUBMITTED,
                )
                .values("dossier_id")
                .annotate(count=Count("id"))
                .values_list("dossier_id", "count")
            )
    rows = [
        {
            "entry": entry,
            "dossier": entry.dossier,
            "result": results.get(entry.dossier_id),
            "submitted": submitted.get(entry.dossier_id, 0),
            "is_scoring": entry.dossier.status in SCORING_STATUSES,
        }
        for entry in page
    ]
    context = {
        "round": round_,
        "council": council,
        "members": members,
        "scoring_members": sum(1 for member in members if member.is_scoring),
        "seat": seat,
        "is_organiser": is_organiser,
        "is_chair": is_chair,
        "page": page,
        "rows": rows,
    }
    return render(request, "evaluations/round_detail.html", context)


def _editable_round(request, pk) -> Round:
    return get_object_or_404(
        Round.objects.editable_by(request.user).select_related("province"), pk=pk
    )


def _assign_candidates(user, round_):
    dossiers = (
        Dossier.objects.editable_by(user).with_list_data().exclude(round_entries__round=round_)
    )
    if round_.level == Round.Level.CENTRAL:
        return dossiers.filter(status=S.SENT_CENTRAL).order_by("approved_for_central_on", "id")
    return dossiers.filter(status=S.ACCEPTED, province_id=round_.province_id).order_by(
        "forwarded_on", "id"
    )


@require_http_methods(["GET", "POST"])
def round_assign(request, pk):
    """Put accepted dossiers (or, centrally, dossiers sent by the provinces) in the round."""
    round_ = _editable_round(request, pk)
    candidates = _assign_candidates(request.user, round_)
    form = AssignForm(form_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["dossiers"])
        try:
            assign_dossiers_to_round(round_, chosen, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, as_validation_error(error))
        else:
            messages.success(
                request,
                _("%(count)s dossiers were put in the round.") % {"count": len(chosen)},
            )
            return redirect(round_)
    context = {"form": form, "round": round_, "candidates": candidates}
    return render(request, "evaluations/round_assign.html", context)


@require_POST
def round_close(request, pk):
    round_ = _editable_round(request, pk)
    try:
        close_round(round_, actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The round was closed."))
    return redirect(round_)


@require_http_methods(["GET", "POST"])
def council_create(request, pk):
    round_ = _editable_round(request, pk)
    council = Council.objects.filter(round=round_).first()
    if council is not None:
        return redirect("evaluations:council_edit", pk=council.pk)
    form = CouncilForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            council = create_council(round_, actor=request.user, data=form.service_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The council was set up. Add its members."))
            return redirect("evaluations:council_edit", pk=council.pk)
    return render(
        request, "evaluations/council_form.html", {"form": form, "round": round_, "council": None}
    )


def _editable_council(request, pk) -> Council:
    return get_object_or_404(
        Council.objects.editable_by(request.user).select_related("round__province"), pk=pk
    )


def _council_page(request, council, *, form=None, member_form=None):
    has_results = council.results.exists()
    if form is None:
        form = CouncilForm(
            initial={
                "name": council.name,
                "establishing_decision": council.establishing_decision,
                "quorum_percent": council.quorum_percent,
                "spread_limit": council.spread_limit,
            }
        )
    if has_results:
        for name in ("quorum_percent", "spread_limit"):
            form.fields[name].disabled = True
    context = {
        "form": form,
        "member_form": member_form or CouncilMemberForm(),
        "council": council,
        "round": council.round,
        "members": council.members.select_related("user").annotate(
            sheet_count=Count("score_sheets")
        ),
        "has_results": has_results,
    }
    return render(request, "evaluations/council_form.html", context)


@require_http_methods(["GET", "POST"])
def council_edit(request, pk):
    council = _editable_council(request, pk)
    if request.method == "GET":
        return _council_page(request, council)
    form = CouncilForm(request.POST)
    has_results = council.results.exists()
    if has_results:
        for name in ("quorum_percent", "spread_limit"):
            form.fields[name].disabled = True
            form.fields[name].initial = getattr(council, name)
    if form.is_valid():
        try:
            update_council(
                council, actor=request.user, data=form.service_data(rules=not has_results)
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The council was saved."))
            return redirect("evaluations:council_edit", pk=council.pk)
    return _council_page(request, council, form=form)


@require_POST
def councilmember_add(request, pk):
    council = _editable_council(request, pk)
    form = CouncilMemberForm(request.POST)
    if form.is_valid():
        try:
            member = add_council_member(
                council,
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"role": "role", "second_chair": "role"})
        else:
            messages.success(
                request,
                _("%(user)s was added as %(role)s.")
                % {"user": member.user, "role": member.get_role_display()},
            )
            return redirect("evaluations:council_edit", pk=council.pk)
    return _council_page(request, council, member_form=form)


@require_POST
def councilmember_remove(request, pk, member_pk):
    council = _editable_council(request, pk)
    member = get_object_or_404(
        CouncilMember.objects.select_related("user"), council=council, pk=member_pk
    )
    try:
        remove_council_member(member, actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("%(user)s was removed from the council.") % {"user": member.user}
        )
    return redirect("evaluations:council_edit", pk=council.pk)


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@require_GET
def result_list(request):
    filters = ResultFilterForm(request.GET)
    results = filters.filter(CouncilResult.objects.visible_to(request.user).with_list_data())
    context = {
        "filters": filters,
        "page": paginate(request, results),
        "query": query_without_page(request),
    }
    return render(request, "evaluations/result_list.html", context)


# --------------------------------------------------------------------------------------
# Council members: their sheets
# --------------------------------------------------------------------------------------


@require_GET
def scoresheet_list(request):
    """The dossiers of the rounds whose council the user sits on, with the user's own
    declaration and sheet: nobody else's."""
    user = request.user
    seats = {seat.council_id: seat for seat in CouncilMember.objects.filter(user=user)}
    show_all = request.GET.get("show") == "all"
    entries = RoundDossier.objects.filter(round__council__members__user=user).select_related(
        "round__council", "dossier__product", "dossier__producer"
    )
    if not show_all:
        entries = entries.filter(
            Q(dossier__status=S.IN_ROUND, round__level=Round.Level.PROVINCE)
            | Q(dossier__status=S.IN_CENTRAL_ROUND, round__level=Round.Level.CENTRAL)
        )
    page = paginate(request, entries.order_by("-added_at", "-id"))
    dossier_ids = [entry.dossier_id for entry in page]
    declarations = {
        (declaration.member_id, declaration.dossier_id): declaration
        for declaration in ConflictDeclaration.objects.filter(
            member__user=user, dossier_id__in=dossier_ids
        )
    }
    sheets = {
        (sheet.member_id, sheet.dossier_id): sheet
        for sheet in ScoreSheet.objects.filter(member__user=user, dossier_id__in=dossier_ids).only(
            "id", "member_id", "dossier_id", "status", "total", "submitted_at", "return_comment"
        )
    }
    rows = []
    for entry in page:
        seat = seats.get(entry.round.council.pk)
        key = (seat.pk, entry.dossier_id) if seat else None
        rows.append(
            {
                "entry": entry,
                "dossier": entry.dossier,
                "seat": seat,
                "declaration": declarations.get(key),
                "sheet": sheets.get(key),
                "is_scoring": entry.dossier.status in SCORING_STATUSES,
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "show_all": show_all,
        "has_seats": bool(seats),
        "query": query_without_page(request),
    }
    return render(request, "evaluations/scoresheet_list.html", context)


def _seat_for(request, dossier):
    """The user's seat in the council scoring (or that last scored) the dossier, else 404."""
    council = current_council(dossier)
    seat = council_seat(request.user, council)
    if seat is None:
        raise Http404
    seat.council = council  # already loaded, with its round
    return council, seat


@require_http_methods(["GET", "POST"])
def conflict_declare(request, pk):
    """A member declares, before scoring, whether they have a conflict of interest."""
    dossier = visible_dossier(request, pk)
    _council, seat = _seat_for(request, dossier)
    if dossier.status not in SCORING_STATUSES:
        return nothing_to_do(request, dossier)
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=dossier).first()
    initial = {}
    if declaration is not None:
        initial = {
            "has_conflict": "yes" if declaration.has_conflict else "no",
            "note": declaration.note,
        }
    form = ConflictForm(form_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = declare_conflict(
                dossier,
                actor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(
                form,
                as_validation_error(error),
                {"conflict_note": "note", "tied_to_producer": "has_conflict"},
            )
        else:
            messages.success(request, _("Your declaration was recorded."))
            if declaration.has_conflict or not seat.is_scoring:
                return redirect(dossier)
            return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    context = {"form": form, "dossier": dossier, "seat": seat, "declaration": declaration}
    return render(request, "evaluations/conflict_form.html", context)


def _sheet_context(
    dossier, seat, sheet, *, answers=None, knockouts=None, stop_at=None, note=None, error=""
):
    """The member's sheet on the rubric layout, scored by the engine once."""
    version = dossier.rubric_version.slug
    engine = engine_sheet(version, dossier.sheet_number)
    if answers is None:
        answers = dict(sheet.answers) if sheet else {}
        knockouts = list(sheet.knockouts) if sheet else []
        stop_at = sheet.stop_at if sheet else ""
    try:
        result = score_sheet(engine, answers, knockouts=knockouts or (), stop_at=stop_at or None)
    except AnswerError:  # what was posted does not fit the sheet: show the saved sheet
        answers = dict(sheet.answers) if sheet else {}
        knockouts = list(sheet.knockouts) if sheet else []
        stop_at = sheet.stop_at if sheet else ""
        result = score_sheet(engine, answers, knockouts=knockouts, stop_at=stop_at or None)
    layout = sheet_layout(version, dossier.sheet_number)
    can_edit = dossier.status in SCORING_STATUSES and (sheet is None or not sheet.is_locked)
    answered = sum(1 for code in engine.criteria if code in answers)
    flags = SheetFlagsForm(
        sheet=engine,
        initial={
            "knockouts": knockouts,
            "stop_at": stop_at,
            "note": note if note is not None else (sheet.note if sheet else ""),
        },
    )
    return {
        "dossier": dossier,
        "seat": seat,
        "sheet": sheet,
        "layout": layout,
        "parts": sheet_rows(layout, answers, result),
        "result": result,
        "star_mark": "★" * result.star,
        "answered": answered,
        "unanswered": len(engine.criteria) - answered,
        "criteria_count": len(engine.criteria),
        "flags": flags,
        "flagged_knockouts": [rule.text_vi for rule in result.knockouts],
        "can_edit": can_edit,
        "error": error,
    }


def _scoring_seat(request, pk):
    """The dossier and the user's scoring seat on its council; 404 for anyone without one."""
    dossier = visible_dossier(request, pk)
    council, seat = _seat_for(request, dossier)
    sheet = ScoreSheet.objects.filter(
        dossier=dossier, member=seat, round_id=council.round_id
    ).first()
    return dossier, seat, sheet


@require_http_methods(["GET", "POST"])
def scoresheet_detail(request, pk):
    """The member's own score sheet for a dossier: radio options like the self-assessment,
    saved one by one through htmx (or all at once without JavaScript)."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    if not seat.is_scoring:
        messages.error(request, _("Members of the advisory team do not score dossiers."))
        return redirect(dossier)
    declaration = ConflictDeclaration.objects.filter(member=seat, dossier=dossier).first()
    scoring = dossier.status in SCORING_STATUSES
    if scoring and declaration is None:
        return redirect("evaluations:conflict_declare", pk=dossier.pk)
    if request.method == "POST":
        engine = engine_sheet(dossier.rubric_version.slug, dossier.sheet_number)
        answers = _posted_answers(request.POST, engine)
        flags = SheetFlagsForm(request.POST, sheet=engine)
        error = ""
        if not flags.is_valid():
            error = " ".join(message for errors in flags.errors.values() for message in errors)
        else:
            try:
                sheet = save_score_sheet(
                    dossier,
                    actor=request.user,
                    answers=answers,
                    knockouts=flags.cleaned_data["knockouts"],
                    stop_at=flags.cleaned_data["stop_at"],
                    note=flags.cleaned_data["note"],
                )
            except (ValidationError, PermissionDenied) as refusal:
                error = " ".join(messages_of(refusal))
        if not error:
            if request.POST.get("action") == "submit":
                return redirect("evaluations:scoresheet_submit", pk=dossier.pk)
            messages.success(request, _("Your sheet was saved as a draft."))
            return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
        context = _sheet_context(
            dossier,
            seat,
            sheet,
            answers={code: value for code, value in answers.items() if isinstance(value, int)},
            knockouts=request.POST.getlist("knockouts"),
            stop_at=request.POST.get("stop_at", ""),
            note=request.POST.get("note", ""),
            error=error,
        )
        context["declaration"] = declaration
        return render(request, "evaluations/scoresheet_detail.html", context)
    context = _sheet_context(dossier, seat, sheet)
    context["declaration"] = declaration
    return render(request, "evaluations/scoresheet_detail.html", context)


@require_POST
def scoresheet_answer(request, pk):
    """One radio change, sent by htmx: saved, answered with the summary and the scores."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    posted = [
        (key.removeprefix(ANSWER_PREFIX), value)
        for key, value in request.POST.items()
        if key.startswith(ANSWER_PREFIX)
    ]
    error = ""
    if len(posted) != 1:
        error = _("Choose one option of one criterion.")
    else:
        code, value = posted[0]
        try:
            sheet = save_score_answer(dossier, actor=request.user, code=code, option=_option(value))
        except (ValidationError, PermissionDenied) as refusal:
            error = " ".join(messages_of(refusal))
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    context = _sheet_context(dossier, seat, sheet, error=error)
    response = render(request, "evaluations/scoresheet_detail.html#answer_response", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def scoresheet_submit(request, pk):
    """Confirm (GET) and hand in (POST) the member's sheet: it is locked afterwards."""
    dossier, seat, sheet = _scoring_seat(request, pk)
    if sheet is None:
        messages.error(request, _("Fill in your sheet before submitting it."))
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    if request.method == "POST":
        try:
            submit_score_sheet(sheet, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your sheet was submitted and is now locked."))
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    if sheet.is_locked:
        return redirect("evaluations:scoresheet_detail", pk=dossier.pk)
    return render(
        request, "evaluations/scoresheet_submit.html", _sheet_context(dossier, seat, sheet)
    )


def _option(value: str):
    """A posted option: "" clears the answer; anything else the engine checks."""
    value = value.strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value  # refused by the engine with a clear message


def _posted_answers(post, engine) -> dict:
    """The answered criteria of the full form (an empty choice leaves a criterion out)."""
    answers = {}
    for code in engine.criteria:
        value = _option(post.get(ANSWER_PREFIX + code, ""))
        if value is not None:
            answers[code] = value
    return answers


# --------------------------------------------------------------------------------------
# The chair
# --------------------------------------------------------------------------------------


def _scoring_page(request, dossier, *, close_form=None, status=200):
    try:
        scoring = scoring_status(dossier, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(dossier)
    is_chair = any(
        item.member.user_id == request.user.pk and item.member.role == CouncilMember.Role.CHAIR
        for item in scoring.members
    )
    outliers = {member.pk for member in (*scoring.highest, *scoring.lowest)}
    context = {
        "dossier": dossier,
        "scoring": scoring,
        "is_chair": is_chair,
        "outliers": outliers,
        "close_form": close_form or CloseScoringForm(),
    }
    return render(request, "evaluations/dossier_scoring.html", context, status=status)


@require_GET
def dossier_scoring(request, pk):
    """The chair's view (and the organising office's): who has declared and submitted, the
    quorum and the spread; no member's total or answers."""
    return _scoring_page(request, visible_dossier(request, pk))


@require_POST
def dossier_close_scoring(request, pk):
    dossier = dossier_as(request, pk, Actor.CHAIR)
    form = CloseScoringForm(request.POST)
    if form.is_valid():
        try:
            result = close_scoring(
                dossier,
                actor=request.user,
                confirm_spread=form.cleaned_data["confirm_spread"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_error(form, error, {"spread_exceeded": "comment"})
        else:
            messages.success(
                request,
                _("The scoring is closed: mean %(total)s points, %(star)s stars.")
                % {"total": result.mean_total, "star": result.star},
            )
            return redirect(dossier)
    return _scoring_page(request, dossier, close_form=form)


@require_POST
def scoresheet_return(request, pk, member_pk):
    """The chair sends one submitted sheet back to its member, with a comment."""
    dossier = dossier_as(request, pk, Actor.CHAIR)
    council = current_council(dossier)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("member__user"),
        dossier=dossier,
        member_id=member_pk,
        member__council=council,
        round_id=council.round_id,
    )
    form = ReturnSheetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("evaluations:dossier_scoring", pk=dossier.pk)
    try:
        return_score_sheet(sheet, actor=request.user, comment=form.cleaned_data["comment"])
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The sheet of %(member)s was sent back for re-scoring.")
            % {"member": sheet.member.user},
        )
    return redirect("evaluations:dossier_scoring", pk=dossier.pk)
