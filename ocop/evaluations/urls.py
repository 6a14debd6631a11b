"""Evaluation pages, mounted by config/urls.py at /manage/evaluations/."""

from django.urls import path

from .views import (
    advisory,
    central,
    dossiers,
    printouts,
    results,
    review,
    rounds,
    scoring,
    transitional,
)

app_name = "evaluations"
urlpatterns = [
    # Dossiers
    path("", dossiers.dossier_list, name="dossier_list"),
    path("new/", dossiers.dossier_create, name="dossier_create"),
    path("<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path("<int:pk>/edit/", dossiers.dossier_edit, name="dossier_edit"),
    path("<int:pk>/documents/", dossiers.dossier_attachments, name="dossier_attachments"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        dossiers.dossier_document,
        name="dossier_document",
    ),
    path(
        "<int:pk>/self-assessment/",
        dossiers.dossier_self_assessment,
        name="dossier_self_assessment",
    ),
    path("<int:pk>/submit/", dossiers.dossier_submit, name="dossier_submit"),
    path("<int:pk>/withdraw/", dossiers.dossier_withdraw, name="dossier_withdraw"),
    path("<int:pk>/review/", review.dossier_review, name="dossier_review"),
    path("<int:pk>/accept/", review.dossier_accept, name="dossier_accept"),
    path("<int:pk>/return/", review.dossier_return, name="dossier_return"),
    path("<int:pk>/assign/", rounds.dossier_assign, name="dossier_assign"),
    path("<int:pk>/decide/", central.dossier_decide, name="dossier_decide"),
    path("<int:pk>/office-check/", review.dossier_office_check, name="dossier_office_check"),
    path("<int:pk>/send-to-ministry/", central.dossier_send_ministry, name="dossier_send_ministry"),
    # The advisory team
    path("<int:pk>/site-visits/new/", advisory.sitevisit_create, name="sitevisit_create"),
    path("<int:pk>/lab-tests/new/", advisory.labtest_create, name="labtest_create"),
    path("lab-tests/<int:pk>/result/", advisory.labtest_result, name="labtest_result"),
    # Council members and the chair
    path("sheets/", scoring.scoresheet_list, name="scoresheet_list"),
    path("<int:pk>/conflict/", scoring.conflict_declare, name="conflict_declare"),
    path("<int:pk>/sheet/", scoring.scoresheet_detail, name="scoresheet_detail"),
    path("<int:pk>/sheet/answer/", scoring.scoresheet_answer, name="scoresheet_answer"),
    path("<int:pk>/sheet/submit/", scoring.scoresheet_submit, name="scoresheet_submit"),
    path("<int:pk>/scoring/", results.dossier_scoring, name="dossier_scoring"),
    path("<int:pk>/scoring/close/", results.dossier_close_scoring, name="dossier_close_scoring"),
    path(
        "<int:pk>/scoring/return/<int:member_pk>/",
        scoring.scoresheet_return,
        name="scoresheet_return",
    ),
    # The paper forms as PDFs (docs/evaluations.md, "Printable forms")
    path(
        "<int:pk>/registration.pdf",
        printouts.dossier_registration_pdf,
        name="dossier_registration_pdf",
    ),
    path(
        "<int:pk>/self-assessment.pdf",
        printouts.dossier_self_assessment_pdf,
        name="dossier_self_assessment_pdf",
    ),
    path("<int:pk>/review.pdf", printouts.dossier_review_pdf, name="dossier_review_pdf"),
    path("<int:pk>/sheet.pdf", printouts.scoresheet_pdf, name="scoresheet_pdf"),
    path("sheets/<int:pk>.pdf", printouts.scoresheet_member_pdf, name="scoresheet_member_pdf"),
    path("results/<int:pk>.pdf", printouts.result_minutes_pdf, name="result_minutes_pdf"),
    # Rounds, councils, results
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/assign/", rounds.round_assign, name="round_assign"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/council/new/", rounds.council_create, name="council_create"),
    path("councils/<int:pk>/", rounds.council_edit, name="council_edit"),
    path("councils/<int:pk>/members/new/", rounds.councilmember_add, name="councilmember_add"),
    path(
        "councils/<int:pk>/members/<int:member_pk>/remove/",
        rounds.councilmember_remove,
        name="councilmember_remove",
    ),
    path("results/", results.result_list, name="result_list"),
    # Dossiers filed before 22 May 2026 (art. 12(2))
    path("transitional/", transitional.transitional_list, name="transitional_list"),
    path("transitional/new/", transitional.transitional_create, name="transitional_create"),
    path("transitional/<int:pk>/", transitional.transitional_detail, name="transitional_detail"),
]
