"""The offices' decision pages: the list and a new draft from council results; the pages' Content
Security Policy. (A decision's own page: test_decision_detail_views.py; decisions taken before
the platform: test_historical_views.py.)

The cast (``decision_pages.Cast``): the Điện Biên office (``officer``), the Lai Châu office
(``lai_chau``), the central office (``central``) and a member of a Điện Biên producer
(``member``)."""

import datetime
import re
import unicodedata
from unittest import mock

import time_machine
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from ocop.accounts.tests.factories import commune_officer
from ocop.core.models import AuditEvent

from ..models import Certificate, DecisionItem, RecognitionDecision
from ..recognition import services
from ..recognition.forms import DecisionCreateForm
from .decision_pages import Cast, snapshot, url, vi
from .factories import NOW, TODAY, historical_certificate, proposal, tea_product

# --------------------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class DecisionListTests(Cast):
    def shown(self, user, **params):
        self.login(user)
        response = self.client.get(url("decision_list"), params)
        self.assertEqual(response.status_code, 200)
        return [decision.pk for decision in response.context["page"].object_list]

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(url("decision_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_producer_member_and_commune_officer_get_404(self):
        for user in (self.member, commune_officer("03256")):
            with self.subTest(user=user):
                self.login(user)
                self.assertEqual(self.client.get(url("decision_list")).status_code, 404)

    def test_each_office_sees_its_territory_and_the_central_office_everything(self):
        draft = self.draft()
        minister = self.draft([self.five], actor=self.central, number="5/QĐ-BNNMT")
        lai_chau = self.draft([self.lai_chau_result], actor=self.lai_chau, number="9/QĐ-UBND")
        self.assertEqual(sorted(self.shown(self.officer)), sorted([draft.pk, minister.pk]))
        self.assertEqual(self.shown(self.lai_chau), [lai_chau.pk])
        self.assertEqual(
            sorted(self.shown(self.central)), sorted([draft.pk, minister.pk, lai_chau.pk])
        )

    def test_filters_by_status_and_year_and_ignores_bad_values(self):
        draft = self.draft()
        old = historical_certificate(
            self.officer, tea_product(), issued_on=datetime.date(2022, 7, 15)
        ).decision
        self.assertEqual(self.shown(self.officer, status="draft"), [draft.pk])
        self.assertEqual(self.shown(self.officer, status="signed"), [old.pk])
        self.assertEqual(self.shown(self.officer, year="2022"), [old.pk])
        self.assertEqual(
            self.shown(self.officer, status="nonsense", year="99999999999999999999", page="x"),
            [draft.pk, old.pk],
        )

    def test_statuses_are_named_as_decisions_are(self):
        """A decision not yet signed is a "dự thảo", not the "bản nháp" of a dossier."""
        self.draft()
        self.login(self.officer)
        response = self.client.get(url("decision_list"))
        with translation.override("vi"):
            draft = capfirst(pgettext("recognition decision", "draft"))
            generic = capfirst(gettext("draft"))
        self.assertContains(response, f"<td>{draft}")
        self.assertNotContains(response, f"<td>{generic}")
        self.assertIn(
            ("draft", pgettext("recognition decision", "draft")),
            [
                (value, str(label))
                for value, label in response.context["filters"].fields["status"].choices
            ],
        )

    def test_htmx_request_gets_the_results_only(self):
        self.draft()
        self.login(self.officer)
        response = self.client.get(url("decision_list"), headers={"HX-Request": "true"})
        self.assertContains(response, "12/QĐ-UBND")
        self.assertNotContains(response, "<html")

    def assert_list_queries(self, count):
        product = tea_product()
        for index in range(count):
            historical_certificate(
                self.officer,
                product,
                issued_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=index),
            )
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships (official scope), 4 the count of the page's
        # decisions, 5 the page of decisions with their province and number of products.
        with self.assertNumQueries(5):
            response = self.client.get(url("decision_list"))
        self.assertEqual(len(response.context["page"].object_list), min(count, 25))

    def test_list_with_5_decisions(self):
        self.assert_list_queries(5)

    def test_list_with_50_decisions(self):
        self.assert_list_queries(50)


# --------------------------------------------------------------------------------------
# New decision from council results
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class DecisionCreateTests(Cast):
    def post(self, user, results, **fields):
        self.login(user)
        data = {
            "dossiers": [result.dossier_id for result in results],
            "number": "15/QĐ-UBND",
            "decided_on": TODAY.isoformat(),
            "signer_name": "Lê Thành Đô",
            "note": "",
        }
        data.update(fields)
        return self.client.post(url("decision_create"), data)

    def candidates(self, user):
        self.login(user)
        response = self.client.get(url("decision_create"))
        self.assertEqual(response.status_code, 200)
        return {dossier.pk for dossier in response.context["candidates"]}

    def test_province_office_is_offered_its_proposed_dossiers_and_central_the_5_star_ones(self):
        self.assertEqual(
            self.candidates(self.officer), {self.three.dossier_id, self.four.dossier_id}
        )
        self.assertEqual(self.candidates(self.lai_chau), {self.lai_chau_result.dossier_id})
        self.assertEqual(self.candidates(self.central), {self.five.dossier_id})

    def test_dossiers_already_in_a_decision_are_not_offered(self):
        self.draft([self.three])
        self.assertEqual(self.candidates(self.officer), {self.four.dossier_id})

    def test_office_creates_a_draft_and_is_sent_to_it(self):
        response = self.post(self.officer, [self.four, self.three], note="Đợt 1")
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(decision.status, RecognitionDecision.Status.DRAFT)
        self.assertEqual(decision.number, "15/QĐ-UBND")
        self.assertEqual(decision.province_id, "11")
        self.assertEqual(decision.note, "Đợt 1")
        self.assertEqual(
            list(decision.items.values_list("dossier_id", "star")),
            [(self.three.dossier_id, 3), (self.four.dossier_id, 4)],
        )
        self.assertFalse(Certificate.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="decision.created").exists())

    def test_central_office_creates_a_ministers_decision(self):
        self.post(self.central, [self.five], number="5/QĐ-BNNMT")
        decision = RecognitionDecision.objects.get()
        self.assertEqual(decision.authority, "minister")
        self.assertIsNone(decision.province_id)

    def test_future_date_is_refused_in_vietnamese_and_nothing_is_saved(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.three],
            decided_on=(TODAY + datetime.timedelta(days=1)).isoformat(),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, vi("The date of the decision cannot be in the future."))
        self.assertEqual(snapshot(), before)

    def test_a_number_already_used_that_year_is_refused_and_nothing_is_saved(self):
        self.draft([self.three], number="15/QĐ-UBND")
        before = snapshot()
        response = self.post(self.officer, [self.four])
        self.assertContains(
            response,
            vi(
                "Decision number %(number)s is already recorded for %(year)s.",
                number="15/QĐ-UBND",
                year=2026,
            ),
        )
        self.assertEqual(snapshot(), before)

    def test_missing_fields_and_bad_values_are_form_errors(self):
        before = snapshot()
        response = self.post(self.officer, [], number="  ", decided_on="31/02/2026", signer_name="")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            set(response.context["form"].errors),
            {"dossiers", "number", "decided_on", "signer_name"},
        )
        self.assertContains(response, vi("Choose at least one proposed product."))
        response = self.post(self.officer, [], dossiers=["abc", "9" * 30])
        self.assertIn("dossiers", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_other_province_dossier_cannot_be_chosen_and_nothing_is_saved(self):
        before = snapshot()
        response = self.post(self.lai_chau, [self.three])
        self.assertEqual(response.status_code, 200)
        self.assertIn("dossiers", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_central_office_cannot_choose_a_provincial_proposal(self):
        before = snapshot()
        response = self.post(self.central, [self.three])
        self.assertIn("dossiers", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_producer_member_gets_404_and_nothing_is_saved(self):
        before = snapshot()
        self.login(self.member)
        self.assertEqual(self.client.get(url("decision_create")).status_code, 404)
        self.assertEqual(self.post(self.member, [self.three]).status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_anonymous_post_is_sent_to_login_and_nothing_is_saved(self):
        before = snapshot()
        response = self.client.post(url("decision_create"), {"dossiers": [self.three.dossier_id]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(snapshot(), before)

    def test_a_decision_dated_before_the_councils_result_is_refused(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.three],
            decided_on=(TODAY - datetime.timedelta(days=1)).isoformat(),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            vi(
                "The decision cannot be dated before the council's result of %(date)s.",
                date=date_format(TODAY, "SHORT_DATE_FORMAT"),
            ).replace("'", "&#x27;"),
        )
        response = self.post(self.officer, [self.three], decided_on="0001-01-01")
        self.assertIn("decided_on", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_twice_makes_one_decision_and_leads_to_it(self):
        first = self.post(self.officer, [self.three, self.four])
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(first, url("decision_detail", decision.pk))
        before = snapshot()
        data = {
            "dossiers": [self.four.dossier_id, self.three.dossier_id],
            "number": " 15/QĐ-UBND ",
            "decided_on": TODAY.isoformat(),
            "signer_name": "Lê Thành Đô",
        }
        second = self.client.post(url("decision_create"), data, follow=True)
        self.assertRedirects(second, url("decision_detail", decision.pk))
        self.assertEqual(snapshot(), before)
        self.assertContains(
            second,
            vi(
                "Decision %(number)s with these products was already created.",
                number="15/QĐ-UBND",
            ),
        )

    def test_the_form_sent_twice_at_the_same_moment_makes_one_decision(self):
        """Both requests passed the form's checks; the service made the second one wait and
        refused it: it leads to the decision the first one made."""
        real_is_valid = DecisionCreateForm.is_valid
        officer, results = self.officer, [self.three, self.four]

        def valid_then_made_by_the_other_request(form):
            valid = real_is_valid(form)
            if not RecognitionDecision.objects.exists():
                self.draft(results, actor=officer, number="15/QĐ-UBND")
            return valid

        with mock.patch.object(DecisionCreateForm, "is_valid", autospec=True) as is_valid:
            is_valid.side_effect = valid_then_made_by_the_other_request
            response = self.post(self.officer, results)
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(DecisionItem.objects.count(), 2)

    def test_a_dossier_already_in_another_decision_is_still_refused(self):
        self.draft([self.three], number="14/QĐ-UBND")
        before = snapshot()
        for dossiers, number in (([self.three, self.four], "15/QĐ-UBND"), ([self.three], "x")):
            with self.subTest(number=number):
                response = self.post(self.officer, dossiers, number=number)
                self.assertEqual(response.status_code, 200)
                self.assertContains(
                    response, vi("A chosen product is no longer waiting for a decision.")
                )
        # Another province's decision with the same number and dossier is not revealed.
        response = self.post(self.lai_chau, [self.three], number="14/QĐ-UBND")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(snapshot(), before)

    def test_a_number_typed_with_decomposed_tone_marks_is_the_same_number(self):
        self.draft([self.three], number="Số 15/QĐ-UBND")
        before = snapshot()
        response = self.post(
            self.officer, [self.four], number=unicodedata.normalize("NFD", "Số\u00a015/QĐ-UBND")
        )
        self.assertContains(
            response,
            vi(
                "Decision number %(number)s is already recorded for %(year)s.",
                number="Số 15/QĐ-UBND",
                year=2026,
            ),
        )
        self.assertEqual(snapshot(), before)

    def test_very_long_and_null_inputs_are_form_errors(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.three],
            number="9" * 51,
            signer_name="Lê\x00Thành",
            note="x" * 2001,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.context["form"].errors), {"number", "signer_name", "note"})
        self.assertEqual(snapshot(), before)

    def test_page_costs_the_same_with_5_and_50_proposals(self):
        counts = []
        for total in (5, 50):
            while len(self.candidates(self.officer)) < total:
                proposal(star=3)
            self.login(self.officer)
            # 1 session, 2 user, 3 memberships, 4 the proposed dossiers with their product,
            # producer, province, council result and round.
            with self.assertNumQueries(4):
                response = self.client.get(url("decision_create"))
            counts.append(len(response.context["candidates"]))
        self.assertEqual(counts, [5, 50])


# --------------------------------------------------------------------------------------
# Content Security Policy
# --------------------------------------------------------------------------------------

INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


@time_machine.travel(NOW, tick=False)
class ContentSecurityPolicyTests(Cast):
    def test_pages_have_no_inline_styles_handlers_or_scripts_without_the_nonce(self):
        draft = self.draft([self.four])
        signed = services.sign_decision(
            self.draft([self.three], number="13/QĐ-UBND"), actor=self.officer
        )
        certificate = signed.certificates.get()
        pages = [
            url("decision_list"),
            url("decision_create"),
            url("decision_detail", draft.pk),
            url("decision_detail", signed.pk),
            url("decision_sign", draft.pk),
            url("decision_discard", draft.pk),
            url("decision_record_historical"),
            url("certificate_list"),
            url("certificate_detail", certificate.pk),
            url("product_certificates", certificate.product_id),
            url("dossier_decision", self.three.dossier_id),
        ]
        self.login(self.officer)
        for address in pages:
            with self.subTest(address=address):
                response = self.client.get(address)
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertIsNone(INLINE_STYLE.search(html))
                self.assertIsNone(INLINE_HANDLER.search(html))
                self.assertNotIn("javascript:", html)
                self.assertNotIn("hx-on", html)
                for tag in SCRIPT_TAG.findall(html):
                    self.assertIn("nonce=", tag)
