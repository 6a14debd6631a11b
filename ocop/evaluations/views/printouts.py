"""The paper forms as PDFs, each scoped exactly as the page it prints: the registration (Mẫu 01)
and the self-assessment as filed (Mẫu 02) for whoever sees the dossier; the commune's report
(Mẫu 03) for whoever sees its review; the user's own score sheet (blank until saved) for the
scoring members of the dossier's council; any sheet ``ScoreSheet.visible_to`` allows (one's
own, everyone's once the chair has closed); and the minutes of a council result for whoever
sees the result. Anyone else gets 404. Rendered at once: each is one small document."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from ocop.core.pdf import pdf_response
from ocop.rubric.layout import sheet_rows

from ..models import CommuneReview, CouncilResult, Dossier, ScoreSheet
from ..permissions import council_seat, current_council
from ..printouts.minutes import minutes_pdf
from ..printouts.registration import registration_pdf
from ..printouts.review import review_pdf
from ..printouts.score_sheet import score_sheet_pdf
from ..printouts.self_assessment import self_assessment_pdf
from .common import DOSSIER_RELATED, frozen_self_assessment, saved_sheet

# What the forms print beside the dossier: the producer's record with its places, and the
# product's classification (Mẫu 01, item 3).
PRINTED = (
    *DOSSIER_RELATED,
    "producer__commune",
    "producer__province",
    "product__scoring_set__group__sector",
)


def _printable_dossier(request, pk) -> Dossier:
    queryset = Dossier.objects.visible_to(request.user).select_related(*PRINTED)
    return get_object_or_404(queryset, pk=pk)


@require_GET
def dossier_registration_pdf(request, pk):
    dossier = _printable_dossier(request, pk)
    return pdf_response(registration_pdf(dossier), f"ocop-mau-01-ho-so-{dossier.pk}.pdf")


@require_GET
def dossier_self_assessment_pdf(request, pk):
    dossier = _printable_dossier(request, pk)
    _engine, layout, answers, result = frozen_self_assessment(dossier)
    kinds = dossier.attachment_rows.values_list("document__kind", flat=True)
    content = self_assessment_pdf(dossier, sheet_rows(layout, answers, result), result, kinds)
    return pdf_response(content, f"ocop-mau-02-ho-so-{dossier.pk}.pdf")


@require_GET
def dossier_review_pdf(request, pk):
    """The newest review of the dossier, once it forwarded the dossier: Mẫu 03 is the report
    that goes to the province (a return is a message to the producer, not this report)."""
    review = (
        CommuneReview.objects.visible_to(request.user)
        .filter(dossier_id=pk)
        .select_related(*(f"dossier__{name}" for name in PRINTED))
        .first()
    )
    if review is None or review.decision != CommuneReview.Decision.FORWARD:
        raise Http404
    return pdf_response(review_pdf(review), f"ocop-mau-03-ho-so-{pk}.pdf")


def _sheet_pdf(dossier, sheet, member):
    layout, answers, result = saved_sheet(dossier, sheet)
    parts = sheet_rows(layout, answers, result)
    return score_sheet_pdf(dossier, layout, parts, result, sheet=sheet, member=member)


@require_GET
def scoresheet_pdf(request, pk):
    """The user's own sheet for the dossier on the council scoring it (or that last scored
    it), as the sheet page shows it; the blank sheet of the dossier's set until one is saved.
    Only for the council's scoring members."""
    dossier = _printable_dossier(request, pk)
    council = current_council(dossier)
    seat = council_seat(request.user, council)
    if seat is None or not seat.is_scoring:
        raise Http404
    seat.council, seat.user = council, request.user  # loaded already
    sheet = ScoreSheet.objects.filter(
        dossier=dossier, member=seat, round_id=council.round_id
    ).first()
    content = _sheet_pdf(dossier, sheet, seat)
    return pdf_response(content, f"ocop-phieu-danh-gia-ho-so-{dossier.pk}.pdf")


@require_GET
def scoresheet_member_pdf(request, pk):
    """One sheet as ``ScoreSheet.visible_to`` allows: a member's own, and every sheet of the
    council once its chair has closed the scoring, for its members and the officials."""
    queryset = ScoreSheet.objects.visible_to(request.user).select_related(
        *(f"dossier__{name}" for name in PRINTED),
        "member__user",
        "member__council__round__province",
    )
    sheet = get_object_or_404(queryset, pk=pk)
    content = _sheet_pdf(sheet.dossier, sheet, sheet.member)
    return pdf_response(content, f"ocop-phieu-danh-gia-{sheet.pk}.pdf")


@require_GET
def result_minutes_pdf(request, pk):
    """The minutes of a closed scoring, for whoever sees the result."""
    queryset = CouncilResult.objects.visible_to(request.user).select_related(
        "dossier__product",
        "dossier__producer",
        "council__round__province",
        "rubric_version",
        "closed_by",
    )
    result = get_object_or_404(queryset, pk=pk)
    return pdf_response(minutes_pdf(result), f"ocop-bien-ban-ket-qua-{result.pk}.pdf")
