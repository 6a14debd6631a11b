"""Two issuers at the same moment, each thread on its own database connection (a file copy of
the SQLite test database, as in ocop/evaluations/tests/test_concurrency.py): exactly one
certificate is issued and the product has one current certificate."""

import datetime
import tempfile
from pathlib import Path

import time_machine
from django.test import TransactionTestCase

from ocop.accounts.tests.factories import province_officer
from ocop.core.audit import verify_chain
from ocop.evaluations.tests.factories import file_database_for_threads, load_reference_data
from ocop.evaluations.tests.test_concurrency import run_together
from ocop.regions.tests.factories import province

from ..models import Certificate, RecognitionDecision
from ..recognition import services
from .factories import NOW, TODAY, proposal


@time_machine.travel(NOW, tick=False)
class RacingIssuersTests(TransactionTestCase):
    def setUp(self):
        load_reference_data()
        self.first = province_officer("11")
        self.second = province_officer("11")
        self.result = proposal(star=4)
        self.product = self.result.dossier.product
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def issue(self, actor, number):
        decision = services.create_decision_from_results(
            province("11"),
            actor=actor,
            results=[self.result],
            number=number,
            decided_on=TODAY,
            signer_name="Lò Văn Mừng",
        )
        return services.sign_decision(decision, actor=actor).pk

    def test_two_issuers_of_the_same_result_get_exactly_one_certificate(self):
        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                lambda: self.issue(self.first, "101/QĐ-UBND"),
                lambda: self.issue(self.second, "102/QĐ-UBND"),
            )
            self.assertEqual(sorted(kind for kind, _ in outcomes), ["ok", "refused"], outcomes)
            self.assertIn(("refused", "already_in_decision"), outcomes)
            self.assertEqual(Certificate.objects.filter(product=self.product).count(), 1)
            self.assertEqual(RecognitionDecision.objects.count(), 1)
            self.assertEqual(verify_chain(), [])

    def test_two_officers_signing_the_same_draft_issue_it_once(self):
        decision = services.create_decision_from_results(
            province("11"),
            actor=self.first,
            results=[self.result],
            number="103/QĐ-UBND",
            decided_on=TODAY,
            signer_name="Lò Văn Mừng",
        )
        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                lambda: services.sign_decision(decision, actor=self.first).pk,
                lambda: services.sign_decision(decision, actor=self.second).pk,
            )
            self.assertEqual(
                sorted(outcomes), [("ok", decision.pk), ("refused", "already_signed")], outcomes
            )
            self.assertEqual(Certificate.objects.filter(product=self.product).count(), 1)
            self.assertEqual(verify_chain(), [])

    def test_a_historical_record_racing_a_signature_leaves_one_current_certificate(self):
        decision = services.create_decision_from_results(
            province("11"),
            actor=self.first,
            results=[self.result],
            number="104/QĐ-UBND",
            decided_on=TODAY,
            signer_name="Lò Văn Mừng",
        )

        def record_historical():
            return services.record_historical_decision(
                province("11"),
                actor=self.second,
                number="12/QĐ-UBND",
                decided_on=datetime.date(2023, 2, 1),
                signer_name="Lê Thành Đô",
                certificates=[
                    services.HistoricalCertificate(product=self.product, star=3, number="GCN-12")
                ],
            ).pk

        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                lambda: services.sign_decision(decision, actor=self.first).pk,
                record_historical,
            )
            self.assertEqual([kind for kind, _ in outcomes], ["ok", "ok"], outcomes)
            current = Certificate.objects.get(product=self.product, is_current=True)
            # Whatever the order, the newer certificate is current, the older superseded by it.
            self.assertEqual(current.issued_on, TODAY)
            old = Certificate.objects.get(number="GCN-12")
            self.assertEqual(old.superseded_by, current)
            self.assertEqual(verify_chain(), [])
