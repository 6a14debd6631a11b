"""A decision's page, signing and discarding it, and the decision shown on a dossier's page.

The cast (``decision_pages.Cast``): the Điện Biên office (``officer``), the Lai Châu office
(``lai_chau``), the central office (``central``) and a member of a Điện Biên producer
(``member``)."""

from unittest import mock

import time_machine
from django.urls import reverse

from ocop.core.models import AuditEvent

from ..models import Certificate, DecisionItem, RecognitionDecision
from ..recognition import services
from ..recognition.forms import ConfirmForm
from .decision_pages import Cast, snapshot, url, vi
from .factories import NOW, TODAY, proposal

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
        # The council's mean score of the 4★ product, as points() writes it.
        self.assertContains(response, ">80<")
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
