"""In a real browser (Debian chromium via Playwright): a council member declares, scores a sheet
on a phone (each answer saved by htmx, the total updating), submits it; the chair sees the
quorum reached and closes the scoring; the council's result shows on the dossier page.

The browser runs on the real clock (a session cookie set in a travelled time would be expired
for Chromium), so the dossier goes into an extra round deciding two months from today."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import login
from ocop.accounts.tests.factories import PASSWORD
from ocop.regions.tests.factories import province

from ..models import CouncilResult, Dossier, Round, ScoreSheet
from ..services.rounds import assign_dossier_to_round
from .factories import accepted_dossier, answers_for_total, make_cast, make_panel, score

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_a_council_member_scores_a_sheet_and_the_chair_closes_the_scoring(page):
    cast = make_cast()
    panel = make_panel(
        organiser=cast.province_officer,
        province=province("11"),
        members=1,  # chair, secretary, one member: the quorum (75%) needs all three sheets
        kind=Round.Kind.EXTRA,
        decide_before=timezone.localdate() + datetime.timedelta(days=60),
    )
    dossier = accepted_dossier(cast)
    assign_dossier_to_round(dossier, panel.round, actor=cast.province_officer)
    chair, secretary, member = panel.scorers
    score(dossier, chair, answers_for_total(80))
    score(dossier, secretary, answers_for_total(82))

    # The member, on a phone: my sheets → declaration → the sheet.
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, member.username, PASSWORD)
    page.goto("/manage/evaluations/sheets/")
    page.click(f"main a[href='/manage/evaluations/{dossier.pk}/sheet/']")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/conflict/")
    page.check("input[name=has_conflict][value=no]")
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/sheet/")
    total = page.locator("#sa-total")
    expect(total).to_have_text("0")

    page.evaluate("window.notReloaded = true")
    answers = answers_for_total(78)
    for code, option in answers.items():
        page.check(f"input[name='answer-{code}'][value='{option}']")
    expect(total).to_have_text("78")
    assert page.evaluate("window.notReloaded") is True
    assert ScoreSheet.objects.get(member__user=member).answers == answers

    page.click("button[name=action][value=submit]")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/sheet/submit/")
    page.click("main form button[type=submit] >> nth=0")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/sheet/")
    expect(page.locator("input[name='answer-1.1']")).to_have_count(0)  # locked: read-only
    assert ScoreSheet.objects.get(member__user=member).status == ScoreSheet.Status.SUBMITTED

    # The chair sees the quorum reached and closes the scoring.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, chair.username, PASSWORD)
    page.goto("/manage/evaluations/sheets/")
    page.click(f"main a[href='/manage/evaluations/{dossier.pk}/scoring/#close']")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/scoring/#close")
    expect(page.locator("#quorum .sa-total")).to_have_text("3 / 3")
    expect(page.locator("#quorum .valid")).to_have_count(1)
    page.click("#close button[type=submit]")
    page.wait_for_url(f"**/manage/evaluations/{dossier.pk}/")

    result = CouncilResult.objects.get(dossier=dossier)
    assert str(result.mean_total) == "80.00"
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.PROPOSED
    # Vietnamese by default, one format for every score: a whole mean reads 80.
    expect(page.locator("#results .sa-total strong")).to_have_text("80")
    expect(page.locator("#results .sa-star").first).to_have_text("★★★★")
    assert page.console_errors == []
