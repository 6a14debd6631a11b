"""Writers at the same moment, each thread on its own database connection: the row locks
(PostgreSQL) or the IMMEDIATE transactions (SQLite, on a file as in production) serialise them,
and the result is consistent whatever the order they ran in."""

import tempfile
import threading
from pathlib import Path

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import TransactionTestCase

from ocop.core.audit import verify_chain
from ocop.producers.tests.factories import ProducerFactory
from ocop.products.tests.factories import ProductFactory
from ocop.regions.tests.factories import commune, province

from ..models import CouncilResult, Dossier, ScoreSheet
from ..services.dossiers import submit_dossier
from ..services.results import close_scoring
from ..services.rounds import assign_dossier_to_round
from ..services.scoring import submit_score_sheet
from .factories import (
    NOW,
    accepted_dossier,
    answers_for_total,
    draft_dossier,
    file_database_for_threads,
    finished_self_assessment,
    load_reference_data,
    make_cast,
    make_panel,
    score,
)


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; return, per call,
    ("ok", value), ("refused", error code) or ("error", repr)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except ValidationError as error:
            outcomes[index] = ("refused", error.error_list[0].code)
        except PermissionDenied as error:
            outcomes[index] = ("denied", str(error))
        except Exception as error:  # reported by the test, never swallowed
            outcomes[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(index, call)) for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@time_machine.travel(NOW, tick=False)
class ConcurrentScoringTests(TransactionTestCase):
    def setUp(self):
        load_reference_data()
        self.cast = make_cast()
        self.panel = make_panel(organiser=self.cast.province_officer, province=province("11"))
        self.dossier = accepted_dossier(self.cast)
        assign_dossier_to_round(self.dossier, self.panel.round, actor=self.cast.province_officer)
        chair, secretary, first, second, third = self.panel.scorers
        # 3 of 5 submitted: the quorum (4) is one sheet away.
        for user in (chair, secretary, first):
            score(self.dossier, user, answers_for_total(80))
        self.late = [
            score(self.dossier, user, answers_for_total(total), submit=False)
            for user, total in ((second, 78), (third, 84))
        ]
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_two_members_submitting_while_the_chair_closes_leave_one_consistent_result(self):
        second, third = self.panel.scorers[3:]
        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                lambda: submit_score_sheet(self.late[0], actor=second).status,
                lambda: submit_score_sheet(self.late[1], actor=third).status,
                lambda: close_scoring(self.dossier, actor=self.panel.chair).pk,
            )
            self.assertFalse([o for o in outcomes if o[0] in ("error", "denied")], outcomes)
            submitted = ScoreSheet.objects.filter(
                dossier=self.dossier, status=ScoreSheet.Status.SUBMITTED
            ).count()
            results = list(CouncilResult.objects.filter(dossier=self.dossier))
            dossier = Dossier.objects.get(pk=self.dossier.pk)
            closed = outcomes[2][0] == "ok"
            self.assertEqual(len(results), 1 if closed else 0)
            if closed:
                # Every sheet submitted before the close is counted, none after it.
                self.assertEqual(results[0].members_counted, submitted)
                self.assertIn(submitted, (4, 5))
                self.assertEqual(dossier.status, Dossier.Status.PROPOSED)
                late_refusals = [o for o in outcomes[:2] if o[0] == "refused"]
                self.assertEqual(len(late_refusals), 5 - submitted)
                self.assertTrue(all(code == "not_scoring" for _, code in late_refusals))
            else:
                self.assertEqual(outcomes[2], ("refused", "no_quorum"))
                self.assertEqual(submitted, 5)
                self.assertEqual(dossier.status, Dossier.Status.IN_ROUND)
            self.assertEqual(verify_chain(), [])

    def test_concurrent_submissions_get_consecutive_receipt_numbers(self):
        dossiers = []
        for _ in range(4):
            producer = ProducerFactory(commune=commune("03256"))
            cast = make_cast(product=ProductFactory(producer=producer, scoring_set_id=11))
            finished_self_assessment(cast)
            dossiers.append((draft_dossier(cast), cast.member))
        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                *(
                    lambda dossier=dossier, member=member: (
                        submit_dossier(dossier, actor=member).receipt_number
                    )
                    for dossier, member in dossiers
                )
            )
            numbers = sorted(value for kind, value in outcomes if kind == "ok")
            # 001 went to the dossier of setUp.
            self.assertEqual(numbers, [f"{n:03d}/PĐK-11-03256-2026" for n in range(2, 6)], outcomes)
            self.assertEqual(verify_chain(), [])
