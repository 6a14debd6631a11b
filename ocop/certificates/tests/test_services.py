"""Decisions from council results, signing (certificates issued, the previous one superseded),
historical decisions and revocation: who may do each, and the audit chain."""

import datetime

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from ocop.accounts.tests.factories import UserFactory, central_officer, province_officer
from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent
from ocop.evaluations.models import Dossier, TransitionalDossier
from ocop.evaluations.services.transitional import record_transitional_dossier
from ocop.producers.tests.factories import producer_member
from ocop.regions.tests.factories import province

from ..control.revocation import revoke_certificate
from ..models import Authority, Certificate, DecisionItem, RecognitionDecision, RevocationGround
from ..recognition import services
from .factories import NOW, TODAY, historical_certificate, proposal, signed_decision, tea_product


def state():
    return (
        RecognitionDecision.objects.count(),
        DecisionItem.objects.count(),
        list(Certificate.objects.order_by("pk").values_list("pk", "is_current", "revoked_on")),
        AuditEvent.objects.count(),
    )


@time_machine.travel(NOW, tick=False)
class DecisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other_officer = province_officer("12")
        cls.central = central_officer()
        cls.three = proposal(star=3)
        cls.four = proposal(star=4)
        cls.five = proposal(star=5)
        cls.member = producer_member(cls.three.dossier.producer, email="member@example.vn")

    def draft(self, results, actor=None, **kwargs):
        values = {"number": "1234/QĐ-UBND", "decided_on": TODAY, "signer_name": "Lò Văn Mừng"}
        values.update(kwargs)
        return services.create_decision_from_results(
            province("11"), actor=actor or self.officer, results=results, **values
        )

    def test_province_office_drafts_and_signs_a_decision_for_3_and_4_star_products(self):
        decision = self.draft([self.three, self.four])
        self.assertEqual(decision.authority, Authority.PROVINCE_CHAIRMAN)
        self.assertEqual(
            list(decision.items.values_list("star", flat=True).order_by("position")), [3, 4]
        )
        self.assertFalse(Certificate.objects.exists())
        with self.captureOnCommitCallbacks(execute=True):
            services.sign_decision(decision, actor=self.officer)
        decision.refresh_from_db()
        self.assertTrue(decision.is_signed)
        certificates = list(decision.certificates.order_by("item__position"))
        self.assertEqual([c.star for c in certificates], [3, 4])
        self.assertEqual(certificates[0].issued_on, TODAY)
        self.assertEqual(certificates[0].valid_until, datetime.date(2029, 6, 1))
        self.assertEqual(certificates[0].number, f"11-2026-{decision.pk:05d}-001")
        self.assertEqual(len(certificates[0].public_code), 12)
        self.assertNotEqual(certificates[0].public_code, certificates[1].public_code)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["member@example.vn"])
        self.assertEqual(verify_chain(), [])
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        self.assertLessEqual({"decision.created", "decision.signed", "certificate.issued"}, actions)

    def test_the_ministers_decision_recognises_5_star_products_of_several_provinces(self):
        lai_chau = proposal(tea_product("03388"), star=5)
        decision = self.draft([self.five, lai_chau], actor=self.central)
        self.assertEqual(decision.authority, Authority.MINISTER)
        self.assertIsNone(decision.province_id)
        self.assertEqual(
            {item.product.producer.province_id for item in decision.items.all()}, {"11", "12"}
        )
        with self.assertRaises(ValidationError) as raised:
            self.draft([self.three, proposal(tea_product("03388"), star=3)], number="9/QĐ-UBND")
        self.assertEqual(raised.exception.error_list[0].code, "other_province")

    def test_signing_twice_is_refused_and_issues_nothing_more(self):
        decision = self.draft([self.three])
        services.sign_decision(decision, actor=self.officer)
        before = state()
        with self.assertRaises(ValidationError) as caught:
            services.sign_decision(decision, actor=self.officer)
        self.assertEqual(caught.exception.error_list[0].code, "already_signed")
        self.assertEqual(state(), before)

    def test_a_result_already_in_a_decision_is_refused(self):
        self.draft([self.three])
        before = state()
        with self.assertRaises(ValidationError) as caught:
            self.draft([self.three], number="999/QĐ-UBND")
        self.assertEqual(caught.exception.error_list[0].code, "already_in_decision")
        self.assertEqual(state(), before)

    def test_a_decision_number_is_used_once_a_year_by_the_same_body(self):
        self.draft([self.three])
        with self.assertRaises(ValidationError) as caught:
            self.draft([self.four])
        self.assertEqual(caught.exception.error_dict["number"][0].code, "duplicate_number")

    def test_other_province_officer_cannot_draft_and_nothing_changes(self):
        before = state()
        with self.assertRaises(PermissionDenied):
            self.draft([self.three], actor=self.other_officer)
        self.assertEqual(state(), before)

    def test_other_province_officer_cannot_sign_and_nothing_changes(self):
        decision = self.draft([self.three])
        before = state()
        for actor in (self.other_officer, UserFactory(), self.member):
            with self.assertRaises(PermissionDenied):
                services.sign_decision(decision, actor=actor)
        self.assertEqual(state(), before)

    def test_five_star_is_the_ministers_decision_prepared_by_the_central_office(self):
        before = state()
        with self.assertRaises(PermissionDenied):
            self.draft([self.five])
        self.assertEqual(state(), before)
        decision = self.draft([self.five], actor=self.central)
        self.assertEqual(decision.authority, Authority.MINISTER)
        self.assertIsNone(decision.province_id)
        services.sign_decision(decision, actor=self.central)
        self.assertEqual(decision.certificates.get().star, 5)

    def test_mixing_five_star_with_provincial_proposals_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.draft([self.three, self.five], actor=self.central)
        self.assertEqual(caught.exception.error_list[0].code, "mixed_authorities")

    def test_a_new_certificate_supersedes_the_products_current_one(self):
        product = tea_product()
        old = historical_certificate(self.officer, product, issued_on=datetime.date(2023, 7, 1))
        upgrade = proposal(product, star=4, kind=Dossier.Kind.UPGRADE)
        signed_decision(self.officer, [upgrade])
        old.refresh_from_db()
        new = Certificate.objects.get(product=product, is_current=True)
        self.assertEqual(old.superseded_by, new)
        self.assertEqual(old.superseded_on, TODAY)
        self.assertFalse(old.is_current)
        self.assertEqual(verify_chain(), [])

    def test_a_historical_decision_closes_the_products_dossier_from_before_22_may(self):
        """Art. 12(2): a dossier filed before 22 May 2026 is rated under the old rules; the
        province's decision recognising it, recorded as historical, closes it here."""
        product = tea_product()
        pending = record_transitional_dossier(
            product,
            actor=self.officer,
            kind=Dossier.Kind.FIRST_RATING,
            filed_on=datetime.date(2026, 4, 3),
        )
        other = record_transitional_dossier(
            tea_product(),
            actor=self.officer,
            kind=Dossier.Kind.RE_RATING,
            filed_on=datetime.date(2026, 4, 3),
        )
        certificate = historical_certificate(
            self.officer, product, issued_on=datetime.date(2026, 5, 29)
        )
        pending.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual(pending.status, TransitionalDossier.Status.RECOGNISED)
        self.assertEqual(pending.decision_number, certificate.decision.number)
        self.assertEqual(pending.closed_on, datetime.date(2026, 5, 29))
        self.assertEqual(other.status, TransitionalDossier.Status.PENDING)

    def test_an_older_historical_certificate_recorded_later_is_superseded_at_once(self):
        product = tea_product()
        newer = historical_certificate(self.officer, product, issued_on=datetime.date(2025, 1, 2))
        older = historical_certificate(self.officer, product, issued_on=datetime.date(2021, 1, 2))
        self.assertFalse(older.is_current)
        self.assertEqual(older.superseded_by, newer)
        newer.refresh_from_db()
        self.assertTrue(newer.is_current)

    def test_historical_decision_for_another_provinces_product_is_refused(self):
        before = state()
        with self.assertRaises(ValidationError) as caught:
            historical_certificate(
                self.officer, tea_product("03388"), issued_on=datetime.date(2024, 1, 2)
            )
        self.assertEqual(caught.exception.error_list[0].code, "other_province")
        self.assertEqual(state(), before)


@time_machine.travel(NOW, tick=False)
class RevocationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.other_officer = province_officer("12")
        cls.central = central_officer()
        cls.certificate = historical_certificate(
            cls.officer, tea_product(), issued_on=datetime.date(2025, 4, 1)
        )
        cls.five = historical_certificate(
            cls.central, tea_product(), issued_on=datetime.date(2025, 4, 1), star=5
        )

    def revoke(self, certificate, actor, **kwargs):
        values = {
            "ground": RevocationGround.PRODUCTION_STOPPED,
            "decision_number": "88/QĐ-UBND",
            "decided_on": TODAY,
            "finding_on": TODAY,
        }
        values.update(kwargs)
        return revoke_certificate(certificate, actor=actor, **values)

    def test_province_office_revokes_a_3_star_certificate_on_a_legal_ground(self):
        revoked = self.revoke(self.certificate, self.officer)
        self.assertEqual(revoked.revoked_on, TODAY)
        self.assertFalse(revoked.is_current)
        self.assertFalse(Certificate.objects.valid_on(TODAY).filter(pk=revoked.pk).exists())
        event = AuditEvent.objects.get(action="certificate.revoked")
        self.assertEqual(event.object_id, str(revoked.pk))
        self.assertEqual(verify_chain(), [])

    def test_other_province_officer_cannot_revoke_and_nothing_changes(self):
        before = state()
        for actor in (self.other_officer, UserFactory()):
            with self.assertRaises(PermissionDenied):
                self.revoke(self.certificate, actor)
        self.assertEqual(state(), before)

    def test_only_the_central_office_revokes_a_5_star_certificate(self):
        before = state()
        with self.assertRaises(PermissionDenied):
            self.revoke(self.five, self.officer)
        self.assertEqual(state(), before)
        self.assertEqual(self.revoke(self.five, self.central).revoked_on, TODAY)

    def test_an_unknown_ground_or_missing_number_is_refused_and_nothing_changes(self):
        before = state()
        with self.assertRaises(ValidationError) as caught:
            self.revoke(self.certificate, self.officer, ground="dislike", decision_number=" ")
        self.assertEqual(set(caught.exception.error_dict), {"ground", "decision_number"})
        self.assertEqual(state(), before)

    def test_revoking_twice_is_refused(self):
        self.revoke(self.certificate, self.officer)
        with self.assertRaises(ValidationError) as caught:
            self.revoke(self.certificate, self.officer)
        self.assertEqual(caught.exception.error_list[0].code, "already_revoked")


@time_machine.travel(NOW, tick=False)
class HistoricalAuthorityTests(TestCase):
    """Each authority records only the stars it grants; district chairmen until July 2025."""

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.central = central_officer()
        cls.product = tea_product()

    def record(self, actor, *, authority, star, decided_on=datetime.date(2025, 4, 1)):
        return services.record_historical_decision(
            province("11"),
            actor=actor,
            number="77/QĐ-UBND",
            decided_on=decided_on,
            signer_name="Lê Thành Đô",
            authority=authority,
            certificates=[
                services.HistoricalCertificate(product=self.product, star=star, number="GCN-77")
            ],
        )

    def test_stars_outside_the_authoritys_power_are_refused_and_nothing_changes(self):
        for actor, authority, star in (
            (self.officer, Authority.PROVINCE_CHAIRMAN, 5),
            (self.officer, Authority.DISTRICT_CHAIRMAN, 4),
            (self.central, Authority.MINISTER, 4),
        ):
            with self.subTest(authority=authority, star=star):
                before = state()
                with self.assertRaises(ValidationError) as raised:
                    self.record(actor, authority=authority, star=star)
                self.assertEqual(raised.exception.error_list[0].code, "star_authority")
                self.assertEqual(state(), before)

    def test_a_district_chairmans_decision_after_july_2025_is_refused(self):
        before = state()
        with self.assertRaises(ValidationError) as raised:
            self.record(
                self.officer,
                authority=Authority.DISTRICT_CHAIRMAN,
                star=3,
                decided_on=datetime.date(2025, 7, 1),
            )
        self.assertIn("authority", raised.exception.error_dict)
        self.assertEqual(state(), before)
        decision = self.record(self.officer, authority=Authority.DISTRICT_CHAIRMAN, star=3)
        self.assertEqual(decision.certificates.get().star, 3)
