"""The offices' decision pages: the list, a new draft from council results, its page, signing
and discarding it, and the entry of a decision taken before the platform.

The cast: the Điện Biên office (``officer``), the Lai Châu office (``lai_chau``), the central
office (``central``) and a member of a Điện Biên producer (``member``)."""

import datetime
import re
import unicodedata
from unittest import mock

import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext

from ocop.accounts.tests.factories import central_officer, commune_officer, province_officer
from ocop.core.models import AuditEvent
from ocop.core.text import fold
from ocop.evaluations.models import Dossier
from ocop.producers.tests.factories import producer_member

from ..models import Certificate, DecisionItem, RecognitionDecision
from ..recognition import historical, services
from ..recognition.forms import ConfirmForm, DecisionCreateForm
from .factories import NOW, TODAY, historical_certificate, proposal, tea_product


def url(name, *args):
    return reverse(f"certificates:{name}", args=args)


def vi(message, **params):
    """The Vietnamese text of a catalogue message (the tests' language)."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def snapshot():
    """Everything the decision pages may change."""
    return (
        list(RecognitionDecision.objects.order_by("pk").values()),
        list(DecisionItem.objects.order_by("pk").values()),
        list(Certificate.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


class Cast(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.lai_chau = province_officer("12")
        cls.central = central_officer()
        cls.three = proposal(star=3)
        cls.four = proposal(star=4)
        cls.five = proposal(star=5)
        cls.member = producer_member(cls.three.dossier.product.producer)
        cls.lai_chau_result = proposal(tea_product("03388"), star=3)
        Dossier.objects.filter(pk=cls.lai_chau_result.dossier_id).update(province_id="12")

    def draft(self, results=None, *, actor=None, number="12/QĐ-UBND"):
        results = results or [self.three, self.four]
        dossier = results[0].dossier
        return services.create_decision_from_results(
            dossier.province,
            actor=actor or self.officer,
            results=results,
            number=number,
            decided_on=TODAY,
            signer_name="Lê Thành Đô",
        )

    def login(self, user):
        self.client.force_login(user)


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
# Detail, sign, discard
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class DecisionDetailTests(Cast):
    def test_office_sees_its_draft_with_its_products_and_the_buttons(self):
        decision = self.draft()
        self.login(self.officer)
        response = self.client.get(url("decision_detail", decision.pk))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["can_act"])
        self.assertContains(response, self.three.dossier.product.name)
        self.assertContains(response, "80,00")  # the council's mean score of the 4★ product
        self.assertContains(response, url("decision_sign", decision.pk))
        self.assertContains(response, url("decision_discard", decision.pk))

    def test_central_office_sees_a_provincial_draft_without_the_buttons(self):
        decision = self.draft()
        self.login(self.central)
        response = self.client.get(url("decision_detail", decision.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["can_act"])
        self.assertNotContains(response, url("decision_sign", decision.pk))

    def test_other_province_office_producer_and_unknown_ids_get_404(self):
        decision = self.draft()
        for user in (self.lai_chau, self.member):
            with self.subTest(user=user):
                self.login(user)
                self.assertEqual(
                    self.client.get(url("decision_detail", decision.pk)).status_code, 404
                )
        self.login(self.officer)
        self.assertEqual(self.client.get(url("decision_detail", 10**30)).status_code, 404)

    def test_anonymous_user_is_sent_to_login(self):
        decision = self.draft()
        response = self.client.get(url("decision_detail", decision.pk))
        self.assertEqual(response.status_code, 302)

    def test_signed_decision_lists_its_certificates_with_pdf_and_stamp_links(self):
        decision = services.sign_decision(self.draft(), actor=self.officer)
        self.login(self.officer)
        response = self.client.get(url("decision_detail", decision.pk))
        self.assertFalse(response.context["is_draft"])
        for certificate in decision.certificates.all():
            self.assertContains(response, url("certificate_detail", certificate.pk))
            self.assertContains(
                response, reverse("verify:certificate_pdf", args=[certificate.public_code])
            )
            self.assertContains(
                response,
                reverse("verify:certificate_stamps_pdf", args=[certificate.public_code]),
            )
        self.assertNotContains(response, url("decision_sign", decision.pk))

    def assert_detail_queries(self, count):
        results = [proposal(star=3) for _ in range(count)]
        decision = services.sign_decision(self.draft(results), actor=self.officer)
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the decision with its province and author,
        # 5 its lines with product, producer, dossier and council result, 6 its certificates
        # (with whether a re-rating is pending).
        with self.assertNumQueries(6):
            response = self.client.get(url("decision_detail", decision.pk))
        self.assertEqual(len(response.context["rows"]), count)

    def test_detail_with_5_products(self):
        self.assert_detail_queries(5)

    def test_detail_with_50_products(self):
        self.assert_detail_queries(50)


@time_machine.travel(NOW, tick=False)
class DecisionSignTests(Cast):
    def sign(self, user, decision, **data):
        self.login(user)
        return self.client.post(url("decision_sign", decision.pk), data)

    def test_confirmation_page_then_signing_issues_the_certificates(self):
        decision = self.draft()
        self.login(self.officer)
        response = self.client.get(url("decision_sign", decision.pk))
        self.assertContains(response, self.four.dossier.product.name)
        response = self.sign(self.officer, decision, confirm="on")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        decision.refresh_from_db()
        self.assertTrue(decision.is_signed)
        certificates = Certificate.objects.filter(decision=decision).order_by("star")
        self.assertEqual([c.star for c in certificates], [3, 4])
        self.assertEqual({c.issued_on for c in certificates}, {TODAY})
        self.assertTrue(AuditEvent.objects.filter(action="decision.signed").exists())

    def test_without_the_tick_nothing_is_signed(self):
        decision = self.draft()
        before = snapshot()
        response = self.sign(self.officer, decision)
        self.assertEqual(response.status_code, 200)
        self.assertIn("confirm", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_other_province_office_gets_404_and_nothing_changes(self):
        decision = self.draft()
        before = snapshot()
        self.assertEqual(self.sign(self.lai_chau, decision, confirm="on").status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_producer_member_gets_404_and_nothing_changes(self):
        decision = self.draft()
        before = snapshot()
        self.assertEqual(self.sign(self.member, decision, confirm="on").status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_central_office_cannot_sign_a_provincial_decision(self):
        decision = self.draft()
        before = snapshot()
        self.assertEqual(self.sign(self.central, decision, confirm="on").status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_central_office_signs_a_5_star_decision_and_the_province_cannot(self):
        decision = self.draft([self.five], actor=self.central, number="5/QĐ-BNNMT")
        before = snapshot()
        # The province office sees the Minister's decision on its product, but cannot sign.
        self.login(self.officer)
        self.assertEqual(self.client.get(url("decision_detail", decision.pk)).status_code, 200)
        self.assertEqual(self.sign(self.officer, decision, confirm="on").status_code, 404)
        self.assertEqual(snapshot(), before)
        self.sign(self.central, decision, confirm="on")
        self.assertEqual(Certificate.objects.get(decision=decision).star, 5)

    def test_signing_twice_issues_nothing_more(self):
        decision = services.sign_decision(self.draft(), actor=self.officer)
        before = snapshot()
        response = self.sign(self.officer, decision, confirm="on")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(snapshot(), before)

    def test_signing_at_the_same_moment_leads_to_the_signed_decision(self):
        """Two clicks: the second request loaded the draft before the first one signed it."""
        decision = self.draft()
        officer = self.officer

        def signed_meanwhile(form):
            services.sign_decision(decision, actor=officer)
            return True

        self.login(self.officer)
        with mock.patch.object(ConfirmForm, "is_valid", autospec=True) as is_valid:
            is_valid.side_effect = signed_meanwhile
            response = self.client.post(
                url("decision_sign", decision.pk), {"confirm": "on"}, follow=True
            )
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertContains(response, vi("This decision is already signed."))
        self.assertEqual(Certificate.objects.filter(decision=decision).count(), 2)

    def test_confirmation_page_is_404_for_whoever_may_not_sign(self):
        decision = self.draft()
        for user in (self.lai_chau, self.member, self.central):
            with self.subTest(user=user):
                self.login(user)
                self.assertEqual(
                    self.client.get(url("decision_sign", decision.pk)).status_code, 404
                )

    def assert_page_queries(self, count):
        decision = self.draft([proposal(star=3) for _ in range(count)])
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the decision with its province and author,
        # 5 its lines with their products and producers.
        with self.assertNumQueries(5):
            response = self.client.get(url("decision_sign", decision.pk))
        self.assertEqual(len(response.context["items"]), count)

    def test_confirmation_page_with_5_products(self):
        self.assert_page_queries(5)

    def test_confirmation_page_with_50_products(self):
        self.assert_page_queries(50)

    def test_get_only_and_post_methods(self):
        decision = self.draft()
        self.login(self.officer)
        self.assertEqual(self.client.put(url("decision_sign", decision.pk)).status_code, 405)


@time_machine.travel(NOW, tick=False)
class DecisionDiscardTests(Cast):
    def discard(self, user, decision, **data):
        self.login(user)
        return self.client.post(url("decision_discard", decision.pk), data)

    def test_discarding_a_draft_deletes_it_writes_an_event_and_frees_its_dossiers(self):
        decision = self.draft()
        response = self.discard(self.officer, decision, confirm="on")
        self.assertRedirects(response, url("decision_list"))
        self.assertFalse(RecognitionDecision.objects.exists())
        self.assertFalse(DecisionItem.objects.exists())
        event = AuditEvent.objects.get(action="decision.discarded")
        self.assertEqual(event.object_id, str(decision.pk))
        self.assertEqual(event.changes["number"], ["12/QĐ-UBND", None])
        self.login(self.officer)
        response = self.client.get(url("decision_create"))
        self.assertEqual(len(response.context["candidates"]), 2)

    def test_a_signed_decision_cannot_be_discarded(self):
        decision = services.sign_decision(self.draft(), actor=self.officer)
        before = snapshot()
        response = self.discard(self.officer, decision, confirm="on")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(snapshot(), before)

    def test_without_the_tick_and_for_others_nothing_is_discarded(self):
        decision = self.draft()
        before = snapshot()
        self.assertEqual(self.discard(self.officer, decision).status_code, 200)
        for user in (self.lai_chau, self.member, self.central):
            with self.subTest(user=user):
                self.assertEqual(self.discard(user, decision, confirm="on").status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_again_after_the_discard_leads_back_to_the_list(self):
        decision = self.draft()
        self.discard(self.officer, decision, confirm="on")
        before = snapshot()
        response = self.client.post(
            url("decision_discard", decision.pk), {"confirm": "on"}, follow=True
        )
        self.assertRedirects(response, url("decision_list"))
        self.assertContains(response, vi("This draft decision was already discarded."))
        self.assertEqual(snapshot(), before)
        # Only to whoever discarded it: for anyone else the number is simply unknown.
        for user in (self.lai_chau, self.central):
            with self.subTest(user=user):
                self.assertEqual(self.discard(user, decision, confirm="on").status_code, 404)

    def test_discarding_at_the_same_moment_leads_back_to_the_list(self):
        """Two clicks: the second request loaded the draft before the first one deleted it."""
        decision = self.draft()
        officer = self.officer

        def discarded_meanwhile(form):
            services.discard_decision(decision, actor=officer)
            return True

        self.login(self.officer)
        with mock.patch.object(ConfirmForm, "is_valid", autospec=True) as is_valid:
            is_valid.side_effect = discarded_meanwhile
            response = self.client.post(
                url("decision_discard", decision.pk), {"confirm": "on"}, follow=True
            )
        self.assertRedirects(response, url("decision_list"))
        self.assertContains(response, vi("This draft decision was already discarded."))
        self.assertFalse(RecognitionDecision.objects.exists())

    def test_confirmation_page_is_404_for_whoever_may_not_discard(self):
        decision = self.draft()
        for user in (self.lai_chau, self.member, self.central):
            with self.subTest(user=user):
                self.login(user)
                self.assertEqual(
                    self.client.get(url("decision_discard", decision.pk)).status_code, 404
                )

    def test_confirmation_page_costs_four_queries(self):
        decision = self.draft()
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships, 4 the decision with its province and author.
        with self.assertNumQueries(4):
            self.client.get(url("decision_discard", decision.pk))

    def test_service_refuses_a_signed_decision_and_another_office(self):
        from django.core.exceptions import PermissionDenied, ValidationError

        decision = self.draft()
        with self.assertRaises(PermissionDenied):
            services.discard_decision(decision, actor=self.lai_chau)
        services.sign_decision(decision, actor=self.officer)
        with self.assertRaises(ValidationError):
            services.discard_decision(decision, actor=self.officer)
        self.assertTrue(RecognitionDecision.objects.filter(pk=decision.pk).exists())


# --------------------------------------------------------------------------------------
# Historical decisions
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class HistoricalDecisionTests(Cast):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rice = tea_product()
        cls.coffee = tea_product("03127")
        cls.lai_chau_product = tea_product("03388")

    def post(self, user, rows, **header):
        self.login(user)
        data = {
            "province": "11",
            "authority": "province_chairman",
            "number": "88/QĐ-UBND",
            "decided_on": "2024-03-15",
            "signer_name": "Mùa A Sơn",
            "note": "Nhập lại từ hồ sơ giấy",
            "rows-TOTAL_FORMS": str(len(rows)),
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0",
            "rows-MAX_NUM_FORMS": "50",
        }
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"rows-{index}-{key}"] = value
        data.update(header)
        return self.client.post(url("decision_record_historical"), data)

    def row(self, product, number, star=3, **extra):
        """A row naming the product as an office types it: its name."""
        return {"product": product.name, "star": str(star), "number": number, **extra}

    def row_errors(self, response):
        return [dict(form.errors) for form in response.context["formset"].forms]

    def test_form_suggests_the_provinces_products_only(self):
        self.login(self.officer)
        response = self.client.get(url("decision_record_historical"), {"rows": "3"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["formset"].forms), 3)
        suggested = " | ".join(response.context["products"])
        self.assertIn(self.rice.name, suggested)
        self.assertNotIn(self.lai_chau_product.name, suggested)
        # One list of suggestions for every row, not a menu of every product in each row.
        self.assertContains(response, '<datalist id="historical-products">', count=1)
        self.assertContains(response, 'list="historical-products"', count=3)

    def test_happy_path_records_the_decision_and_its_certificates(self):
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-01/2024"),
                {"product": "", "star": "", "number": ""},  # a blank row is skipped
                self.row(
                    self.coffee,
                    "GCN-02/2024",
                    star=4,
                    issued_on="2024-03-20",
                    valid_until="2027-03-20",
                ),
            ],
        )
        decision = RecognitionDecision.objects.get(number="88/QĐ-UBND")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertTrue(decision.is_historical)
        self.assertTrue(decision.is_signed)
        self.assertEqual(decision.authority, "province_chairman")
        rice, coffee = (
            Certificate.objects.get(number="GCN-01/2024"),
            Certificate.objects.get(number="GCN-02/2024"),
        )
        self.assertEqual(rice.product, self.rice)
        self.assertEqual(
            (rice.issued_on, rice.valid_until),
            (datetime.date(2024, 3, 15), datetime.date(2027, 3, 15)),
        )
        self.assertEqual((coffee.star, coffee.issued_on), (4, datetime.date(2024, 3, 20)))
        self.assertTrue(AuditEvent.objects.filter(action="decision.historical_recorded").exists())

    def test_district_chairmans_3_star_decision_before_july_2025(self):
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-H1")], authority="district_chairman"
        )
        decision = RecognitionDecision.objects.get(number="88/QĐ-UBND")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(decision.authority, "district_chairman")

    def test_product_is_found_by_suggestion_code_or_name_tone_marks_and_case_aside(self):
        type(self.coffee).objects.filter(pk=self.coffee.pk).update(code="11-03127-001-2023")
        other = tea_product()
        label = next(text for text in self.lookup_labels() if text.startswith(other.name))
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-A") | {"product": fold(self.rice.name).upper()},
                self.row(self.coffee, "GCN-B") | {"product": " 11 – 3127 – 001 – 2023 "},
                self.row(other, "GCN-C") | {"product": unicodedata.normalize("NFD", label)},
            ],
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            dict(Certificate.objects.values_list("number", "product_id")),
            {"GCN-A": self.rice.pk, "GCN-B": self.coffee.pk, "GCN-C": other.pk},
        )

    def lookup_labels(self):
        self.login(self.officer)
        return self.client.get(url("decision_record_historical")).context["products"]

    def test_a_name_two_products_share_or_no_product_has_is_a_row_error(self):
        twin = tea_product("03127")
        type(twin).objects.filter(pk=twin.pk).update(
            name=self.rice.name, folded_name=self.rice.folded_name
        )
        before = snapshot()
        response = self.post(
            self.officer,
            [
                self.row(self.rice, "GCN-1"),  # two producers make a product of this name
                self.row(self.lai_chau_product, "GCN-2"),  # not a product of the province
                {"product": "x" * 500, "star": "3", "number": "GCN-3"},
                # An id, as the old menu sent it: not a way to name another province's product.
                {"product": str(self.lai_chau_product.pk), "star": "3", "number": "GCN-4"},
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            vi(
                "Several products are named “%(text)s”: choose one from the list, which shows "
                "their producers.",
                text=self.rice.name,
            ),
        )
        self.assertContains(
            response,
            vi(
                "No product of %(province)s matches “%(text)s”: choose one from the list.",
                province="Tỉnh Điện Biên",
                text=self.lai_chau_product.name,
            ),
        )
        self.assertIn("product", self.row_errors(response)[2])
        self.assertIn("product", self.row_errors(response)[3])
        # The suggestions tell the two apart by their producers.
        labels = [text for text in response.context["products"] if self.rice.name in text]
        self.assertEqual(len(labels), 2)
        self.assertEqual(len(set(labels)), 2)
        self.assertEqual(snapshot(), before)

    def test_bad_rows_are_shown_per_row_and_nothing_is_saved(self):
        historical_certificate(self.officer, tea_product(), issued_on=TODAY, number="GCN-USED")
        before = snapshot()
        response = self.post(
            self.officer,
            [
                self.row(self.rice, ""),  # no certificate number
                self.row(self.coffee, "GCN-USED"),  # number already recorded
                self.row(self.lai_chau_product, "GCN-03"),  # another province's product
                self.row(self.rice, "GCN-04", star=2),  # star below 3, product listed twice
                self.row(self.coffee, "GCN-05", issued_on="2024-05-01", valid_until="2024-04-01"),
            ],
        )
        self.assertEqual(response.status_code, 200)
        errors = self.row_errors(response)
        self.assertIn("number", errors[0])
        self.assertIn("number", errors[1])
        self.assertIn("product", errors[2])
        self.assertIn("star", errors[3])
        self.assertIn("valid_until", errors[4])
        self.assertContains(response, vi("Enter the certificate number."))
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_twice_records_the_decision_once(self):
        rows = [self.row(self.rice, "GCN-1"), self.row(self.coffee, "GCN-2", star=4)]
        first = self.post(self.officer, rows)
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(first, url("decision_detail", decision.pk))
        before = snapshot()
        second = self.post(self.officer, rows)
        self.assertRedirects(second, url("decision_detail", decision.pk))
        self.assertEqual(snapshot(), before)
        # Another certificate number is another form: refused, not taken for the first one.
        response = self.post(self.officer, [*rows, self.row(tea_product(), "GCN-3")])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(snapshot(), before)

    def test_the_form_sent_twice_at_the_same_moment_records_the_decision_once(self):
        real_entries = historical._historical_entries
        rows = [self.row(self.rice, "GCN-1")]
        officer, rice = self.officer, self.rice

        def checked_then_recorded_by_the_other_request(formset, lookup):
            services.record_historical_decision(
                rice.producer.province,
                actor=officer,
                number="88/QĐ-UBND",
                decided_on=datetime.date(2024, 3, 15),
                signer_name="Mùa A Sơn",
                certificates=[services.HistoricalCertificate(product=rice, star=3, number="GCN-1")],
            )
            return real_entries(formset, lookup)

        with mock.patch.object(historical, "_historical_entries") as entries:
            entries.side_effect = checked_then_recorded_by_the_other_request
            response = self.post(self.officer, rows)
        decision = RecognitionDecision.objects.get()
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertEqual(Certificate.objects.count(), 1)

    def test_a_product_listed_twice_is_refused_on_its_row(self):
        before = snapshot()
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1"), self.row(self.rice, "GCN-2")]
        )
        self.assertIn("product", response.context["formset"].forms[1].errors)
        self.assertEqual(snapshot(), before)

    def test_no_rows_and_bad_header_are_refused_and_nothing_is_saved(self):
        before = snapshot()
        response = self.post(self.officer, [{"product": "", "star": "", "number": ""}])
        self.assertContains(response, vi("Add at least one product."))
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1")],
            decided_on=(TODAY + datetime.timedelta(days=3)).isoformat(),
        )
        self.assertContains(response, vi("The date of the decision cannot be in the future."))
        # The office's own province whatever is posted; an unknown authority is refused.
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1")], province="12", authority="x"
        )
        self.assertEqual(set(response.context["form"].errors), {"authority"})
        self.assertEqual(response.context["province"].pk, "11")
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")] * 60)
        self.assertTrue(response.context["formset"].non_form_errors())
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1")], number="  ", signer_name="", decided_on=""
        )
        for message in (
            "Enter the decision number, e.g. 1234/QĐ-UBND.",
            "Enter the date of the decision.",
            "Enter the name of the person who signs the decision.",
        ):
            self.assertContains(response, vi(message))
        self.assertEqual(snapshot(), before)

    def test_tampered_row_counts_are_refused_and_nothing_is_saved(self):
        before = snapshot()
        rows = [self.row(self.rice, "GCN-1")]
        for count in ("-5", "x", "", "99999999999999999999999999", "1e3", "\x00"):
            with self.subTest(count=count):
                response = self.post(self.officer, rows, **{"rows-TOTAL_FORMS": count})
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["formset"].non_form_errors())
        self.assertEqual(snapshot(), before)

    def test_days_out_of_reason_are_refused_and_nothing_is_saved(self):
        """A year mistyped (0202, 9999) is refused: such a day made the certificate's pages
        fail (the re-rating window and the grace period lie outside the calendar)."""
        before = snapshot()
        cases = [
            ({"valid_until": "9999-12-31"}, {}, "valid_until"),
            ({"valid_until": "2029-03-16"}, {}, "valid_until"),  # more than 5 years
            ({"issued_on": "0001-01-01"}, {}, "issued_on"),
            ({"issued_on": "2024-03-14"}, {}, "issued_on"),  # before the decision
            ({"issued_on": "2026-02-30"}, {}, "issued_on"),
            ({"valid_until": "99999-01-01"}, {}, "valid_until"),
            ({}, {"decided_on": "0202-03-15"}, "decided_on"),
        ]
        for extra, header, field in cases:
            with self.subTest(extra=extra, header=header):
                response = self.post(
                    self.officer, [self.row(self.rice, "GCN-1", **extra)], **header
                )
                self.assertEqual(response.status_code, 200)
                errors = self.row_errors(response)[0] | response.context["form"].errors
                self.assertIn(field, errors)
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")], decided_on="2012-12-31")
        self.assertContains(
            response, vi("Check the year: OCOP decisions date from %(year)s on.", year=2013)
        )
        self.assertEqual(snapshot(), before)

    def test_each_authority_records_only_the_stars_it_recognises(self):
        before = snapshot()
        response = self.post(self.officer, [self.row(self.rice, "GCN-1", star=5)])
        self.assertIn("star", self.row_errors(response)[0])
        self.assertContains(
            response,
            vi(
                "The provincial chairman recognises 3- and 4-star products; the Minister "
                "recognises 5-star ones."
            ),
        )
        response = self.post(
            self.officer, [self.row(self.rice, "GCN-1", star=4)], authority="district_chairman"
        )
        self.assertIn("star", self.row_errors(response)[0])
        response = self.post(
            self.central,
            [self.row(self.rice, "GCN-1", star=3)],
            authority="minister",
            number="9/QĐ-BNNMT",
        )
        self.assertContains(response, vi("The Minister recognises 5-star products only."))
        self.assertEqual(snapshot(), before)

    def test_district_chairman_decision_after_july_2025_is_refused(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1")],
            authority="district_chairman",
            decided_on="2025-07-01",
        )
        self.assertIn("authority", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_numbers_typed_with_decomposed_tone_marks_are_the_same_numbers(self):
        historical_certificate(self.officer, tea_product(), issued_on=TODAY, number="GCN-Đ/Số 1")
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, unicodedata.normalize("NFD", "GCN-Đ/Số\u00a01"))],
        )
        self.assertContains(
            response,
            vi(
                "Certificate number %(number)s is already recorded.",
                number="GCN-Đ/Số 1",
            ),
        )
        self.assertEqual(snapshot(), before)
        self.post(
            self.officer,
            [self.row(self.rice, "GCN-2")],
            signer_name=unicodedata.normalize("NFD", "  Mùa   A Sơn "),
        )
        self.assertEqual(
            RecognitionDecision.objects.get(number="88/QĐ-UBND").signer_name, "Mùa A Sơn"
        )

    def test_more_rows_keeps_what_was_typed_and_saves_nothing(self):
        before = snapshot()
        response = self.post(
            self.officer,
            [self.row(self.rice, "GCN-1", star=4), {"product": "", "star": "", "number": ""}],
            more_rows="1",
            number="",  # not checked yet: nothing is being saved
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(snapshot(), before)
        formset = response.context["formset"]
        self.assertEqual(len(formset.forms), 7)
        self.assertFalse(response.context["form"].errors)
        self.assertNotContains(response, 'class="form-error"')
        self.assertContains(response, f'value="{self.rice.name}"')
        self.assertContains(response, '<option value="4" selected>')
        self.assertContains(response, 'value="Mùa A Sơn"')
        self.assertContains(response, 'name="rows-TOTAL_FORMS" value="7"')
        # The rows come back as typed: sent again, they are recorded.
        data = {
            "province": "11",
            "authority": "province_chairman",
            "number": "88/QĐ-UBND",
            "decided_on": "2024-03-15",
            "signer_name": "Mùa A Sơn",
            "rows-TOTAL_FORMS": "7",
            "rows-INITIAL_FORMS": "0",
        }
        for index, form in enumerate(formset.forms):
            for name, value in form.initial.items():
                data[f"rows-{index}-{name}"] = value
        response = self.client.post(url("decision_record_historical"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Certificate.objects.get(number="GCN-1").star, 4)

    def test_rows_stop_at_50(self):
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")] * 48, more_rows="1")
        self.assertEqual(len(response.context["formset"].forms), 50)
        self.assertNotContains(response, 'id="more-rows"')
        self.login(self.officer)
        response = self.client.get(url("decision_record_historical"), {"rows": "500"})
        self.assertEqual(len(response.context["formset"].forms), 50)

    def test_province_office_cannot_record_a_ministers_decision(self):
        before = snapshot()
        response = self.post(self.officer, [self.row(self.rice, "GCN-1")], authority="minister")
        self.assertIn("authority", response.context["form"].errors)
        self.assertEqual(snapshot(), before)

    def test_central_office_chooses_the_province_then_records_a_ministers_decision(self):
        self.login(self.central)
        response = self.client.get(url("decision_record_historical"))
        self.assertIsNone(response.context["province"])
        self.assertNotIn("form", response.context)
        response = self.client.get(url("decision_record_historical"), {"province": "11"})
        self.assertEqual(
            [value for value, _ in response.context["form"].fields["authority"].choices],
            ["minister"],
        )
        response = self.post(
            self.central,
            [self.row(self.rice, "GCN-5SAO", star=5)],
            authority="minister",
            number="9/QĐ-BNNMT",
        )
        decision = RecognitionDecision.objects.get(number="9/QĐ-BNNMT")
        self.assertRedirects(response, url("decision_detail", decision.pk))
        self.assertIsNone(decision.province_id)
        self.assertEqual(decision.certificates.get().star, 5)

    def test_other_province_office_and_producer_cannot_record_for_dien_bien(self):
        before = snapshot()
        response = self.post(self.lai_chau, [self.row(self.rice, "GCN-1")])
        self.assertEqual(response.context["province"].pk, "12")
        self.assertIn("product", response.context["formset"].forms[0].errors)
        self.assertEqual(self.post(self.member, [self.row(self.rice, "GCN-1")]).status_code, 404)
        self.assertEqual(snapshot(), before)

    def test_anonymous_user_is_sent_to_login(self):
        response = self.client.get(url("decision_record_historical"))
        self.assertEqual(response.status_code, 302)

    def assert_form_queries(self, count):
        while len(self.lookup_labels()) < count:
            tea_product()
        self.login(self.officer)
        # 1 session, 2 user, 3 memberships (official scope), 4 the office's provinces, 5 the
        # province's products with their producers (the suggestions).
        with self.assertNumQueries(5):
            response = self.client.get(url("decision_record_historical"), {"rows": "10"})
        self.assertEqual(len(response.context["products"]), count)

    def test_form_with_5_products(self):
        self.assert_form_queries(5)

    def test_form_with_50_products(self):
        self.assert_form_queries(50)


# --------------------------------------------------------------------------------------
# The dossier page's link
# --------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class DossierDecisionFragmentTests(Cast):
    def test_office_gets_links_to_the_decision_and_its_certificate(self):
        decision = self.draft([self.three])
        self.login(self.officer)
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        self.assertContains(response, url("decision_detail", decision.pk))
        services.sign_decision(decision, actor=self.officer)
        certificate = Certificate.objects.get(decision=decision)
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        self.assertContains(response, url("certificate_detail", certificate.pk))

    def test_office_waiting_for_a_decision_gets_a_link_that_ticks_the_dossier(self):
        self.login(self.officer)
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        link = f"{url('decision_create')}?dossier={self.three.dossier_id}"
        self.assertContains(response, link)
        response = self.client.get(link)
        self.assertContains(
            response,
            f'value="{self.three.dossier_id}" id="id_dossier_{self.three.dossier_id}" checked',
        )
        self.assertNotContains(response, f'id="id_dossier_{self.four.dossier_id}" checked')
        self.login(self.central)  # not the central office's decision to prepare
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        self.assertNotContains(response, link)

    def test_producer_sees_the_signed_decision_only_with_the_public_page(self):
        decision = self.draft([self.three])
        self.login(self.member)
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        self.assertNotContains(response, decision.number)
        services.sign_decision(decision, actor=self.officer)
        certificate = Certificate.objects.get(decision=decision)
        response = self.client.get(url("dossier_decision", self.three.dossier_id))
        self.assertContains(response, decision.number)
        self.assertContains(
            response, reverse("verify:certificate_verify", args=[certificate.public_code])
        )
        self.assertNotContains(response, url("certificate_detail", certificate.pk))

    def test_dossier_page_loads_the_fragment_and_others_get_404(self):
        self.login(self.officer)
        response = self.client.get(
            reverse("evaluations:dossier_detail", args=[self.three.dossier_id])
        )
        self.assertContains(response, url("dossier_decision", self.three.dossier_id))
        self.login(self.lai_chau)
        self.assertEqual(
            self.client.get(url("dossier_decision", self.three.dossier_id)).status_code, 404
        )


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
