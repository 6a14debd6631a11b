"""Self-assessment pages (/manage/self-assessments/): Mẫu 02, part III, filled in online.

Members of a producer fill in their products' sheets; every radio change is saved through
htmx and answered with the live summary (total, parts, provisional star, unmet minimums and
the gap report). The same form works without JavaScript: its submit button saves every
answer at once. Officials read the self-assessments of their territory and print them; they
do not fill them in. Every self-assessment is fetched through ``visible_to`` (reading) or
``editable_by`` (changing): anyone else gets a 404. Writes go through ``services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ocop.core.ids import parse_id
from ocop.core.pagination import paginate, query_without_page

from . import services
from .engine import STAR_LEVELS, score_sheet
from .gaps import gap_to_next_star
from .layout import sheet_layout, sheet_rows
from .models import SelfAssessment, member_products

ANSWER_PREFIX = "answer-"
# The printed form's own titles (Annex III of Decision 26/2026/QĐ-TTg), quoted as the law
# prints them, like the sheets' texts.
FORM_TITLE_VI = "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM"
FORM_PART_VI = "Phần III. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN THEO BỘ TIÊU CHÍ SẢN PHẨM OCOP"


@require_GET
def selfassessment_list(request):
    assessments = SelfAssessment.objects.visible_to(request.user).with_list_data()
    product_id = parse_id(request.GET.get("product", ""))
    if product_id:
        assessments = assessments.filter(product_id=product_id)
    context = {
        "page": paginate(request, assessments),
        "query": query_without_page(request),
        "startable": member_products(request.user).select_related("producer"),
    }
    return render(request, "rubric/selfassessment_list.html", context)


def selfassessment_start(request):
    """Open the product's draft self-assessment (POST), after a confirmation page (GET)."""
    data = request.POST if request.method == "POST" else request.GET
    product_id = parse_id(data.get("product", ""))
    if product_id is None:
        raise Http404
    product = get_object_or_404(
        member_products(request.user).select_related("producer", "scoring_set"),
        pk=product_id,
    )
    if request.method == "POST":
        try:
            assessment = services.start_self_assessment(product, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(_messages_of(error)))
            return redirect("rubric:selfassessment_list")
        return redirect(assessment)
    draft = SelfAssessment.objects.drafts().filter(product=product).first()
    if draft is not None:
        return redirect(draft)
    number = product.scoring_set_id
    version = services.version_in_force(number, timezone.localdate())
    context = {"product": product, "version": version, "layout": None, "previous": None}
    if version is not None:
        context["layout"] = sheet_layout(version.slug, number)
        context["previous"] = (
            SelfAssessment.objects.filter(product=product, version=version, sheet_number=number)
            .order_by("-created_at", "-pk")
            .first()
        )
    return render(request, "rubric/selfassessment_start.html", context)


def selfassessment_detail(request, pk):
    """The whole sheet; a POST (the form without JavaScript) saves every answer at once."""
    if request.method == "POST":
        assessment = _editable(request, pk)
        try:
            assessment = services.save_answers(
                assessment,
                actor=request.user,
                answers=_posted_answers(request.POST, assessment),
            )
        except ValidationError as error:
            context = _sheet_context(request, assessment, error=" ".join(_messages_of(error)))
            return render(request, "rubric/selfassessment_detail.html", context)
        if request.POST.get("action") == "finish":
            return redirect("rubric:selfassessment_finish", pk=assessment.pk)
        messages.success(request, _("Your answers were saved."))
        return redirect(assessment)
    assessment = _visible(request, pk)
    return render(request, "rubric/selfassessment_detail.html", _sheet_context(request, assessment))


@require_POST
def selfassessment_answer(request, pk):
    """One radio change, sent by htmx: save it, answer with the summary and the scores."""
    assessment = _editable(request, pk)
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
            assessment = services.save_answer(
                assessment, actor=request.user, code=code, option=_option(value)
            )
        except ValidationError as error_:
            error = " ".join(_messages_of(error_))
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(assessment)
    context = _sheet_context(request, assessment, error=error)
    response = render(request, "rubric/selfassessment_detail.html#answer_response", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def selfassessment_finish(request, pk):
    """Confirm (GET) and mark (POST) a draft as finished."""
    assessment = _editable(request, pk)
    if request.method == "POST":
        try:
            services.finish_self_assessment(assessment, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(_messages_of(error)))
        else:
            messages.success(
                request,
                _("The self-assessment is finished. You can print it for your dossier."),
            )
        return redirect(assessment)
    if not assessment.is_draft:
        return redirect(assessment)
    return render(request, "rubric/selfassessment_finish.html", _sheet_context(request, assessment))


@require_GET
def selfassessment_print(request, pk):
    assessment = _visible(request, pk)
    context = _sheet_context(request, assessment)
    context["printed_on"] = timezone.localdate()
    context["form_title_vi"] = FORM_TITLE_VI
    context["form_part_vi"] = FORM_PART_VI
    return render(request, "rubric/selfassessment_print.html", context)


# --------------------------------------------------------------------------------------


_RELATED = ("product__producer__province", "product__producer__commune", "version", "created_by")


def _visible(request, pk) -> SelfAssessment:
    queryset = SelfAssessment.objects.visible_to(request.user).select_related(*_RELATED)
    return get_object_or_404(queryset, pk=pk)


def _editable(request, pk) -> SelfAssessment:
    queryset = SelfAssessment.objects.editable_by(request.user).select_related(*_RELATED)
    return get_object_or_404(queryset, pk=pk)


def _option(value: str):
    """A posted option: "" clears the answer; anything else the engine checks."""
    value = value.strip()
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value  # refused by the engine with a clear message


def _posted_answers(post, assessment) -> dict:
    """The answers of the full form, one radio group per criterion of the sheet."""
    answers = {}
    for row in assessment.layout().criteria:
        key = ANSWER_PREFIX + row.code
        if key in post:
            answers[row.code] = _option(post[key])
    return answers


def _messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)]


def _sheet_context(request, assessment, *, error: str = "") -> dict:
    """Everything the sheet, the summary and the printout show, from one engine run."""
    sheet = assessment.engine_sheet()
    result = score_sheet(sheet, assessment.answers)
    layout = assessment.layout()
    parts = sheet_rows(layout, assessment.answers, result)
    answered = sum(1 for code in sheet.criteria if code in assessment.answers)
    unmet = [
        {
            "star": star,
            "criteria": [
                (code, code.replace(".", "-"), sheet.criteria[code].title_vi) for code in codes
            ],
        }
        for star in STAR_LEVELS
        if (codes := result.unmet_minimums[star])
    ]
    is_member = member_products(request.user).filter(pk=assessment.product_id).exists()
    return {
        "assessment": assessment,
        "product": assessment.product,
        "producer": assessment.product.producer,
        "layout": layout,
        "parts": parts,
        "result": result,
        "star_mark": "★" * result.star,
        "unmet": unmet,
        "gap": gap_to_next_star(sheet, assessment.answers),
        "answered": answered,
        "unanswered": len(sheet.criteria) - answered,
        "criteria_count": len(sheet.criteria),
        "is_member": is_member,
        "can_edit": is_member and assessment.is_draft,
        "error": error,
    }
