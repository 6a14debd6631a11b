"""Counting public verifications without a write per visit (``recognition/scans.py``) and the
cache of the certificate part of ``/v/<code>`` (``recognition/public_views.py``).

The cast: a valid certificate (tea) and another (honey), consumers who are not logged in, and
the province officer whose visits are not counted.
"""

import datetime
import sys
import tempfile
import threading
from pathlib import Path
from unittest import mock

import time_machine
from django.core.cache import cache
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.utils import translation

from ocop.accounts.tests.factories import province_officer
from ocop.evaluations.tests.factories import file_database_for_threads, load_reference_data
from ocop.evaluations.tests.test_concurrency import run_together
from ocop.products.models import Product

from ..control.revocation import revoke_certificate
from ..models import Certificate, RevocationGround
from ..recognition import public_views, scans
from ..tasks import flush_scans
from .factories import NOW, TODAY
from .test_public import EnglishClient, days, historical_certificate, product, verify_url

BUFFERED = override_settings(SCAN_FLUSH_VISITS=1_000_000, SCAN_FLUSH_SECONDS=3600)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class ScanBufferTests(SimpleTestCase):
    """The buffer alone: thresholds, atomic draining, nothing lost when the queue fails."""

    @override_settings(SCAN_FLUSH_VISITS=3, SCAN_FLUSH_SECONDS=3600)
    def test_the_visit_that_reaches_the_threshold_drains_everything_at_once(self):
        buffer = scans.ScanBuffer()
        self.assertIsNone(buffer.add(1))
        self.assertIsNone(buffer.add(2))
        self.assertEqual(buffer.add(1), {1: 2, 2: 1})
        self.assertEqual(buffer.pending(), 0)
        self.assertEqual(buffer.drain(), {})

    @override_settings(SCAN_FLUSH_VISITS=1000, SCAN_FLUSH_SECONDS=10)
    def test_a_visit_ten_seconds_after_the_last_flush_drains_the_buffer(self):
        clock = FakeClock()
        buffer = scans.ScanBuffer(clock=clock)
        clock.now = 9.9
        self.assertIsNone(buffer.add(7))
        clock.now = 10.0
        self.assertEqual(buffer.add(7), {7: 2})
        clock.now = 15.0
        self.assertIsNone(buffer.add(7))  # the interval starts again at the flush

    @override_settings(SCAN_FLUSH_VISITS=97, SCAN_FLUSH_SECONDS=3600)
    def test_visits_from_many_threads_are_each_drained_exactly_once(self):
        buffer = scans.ScanBuffer()
        drained = []
        drained_lock = threading.Lock()
        start = threading.Barrier(8)

        def visit(certificate_id):
            start.wait(timeout=30)
            for _ in range(5000):
                counts = buffer.add(certificate_id % 3)
                if counts:
                    with drained_lock:
                        drained.append(counts)

        threads = [threading.Thread(target=visit, args=(n,)) for n in range(8)]
        # Switch threads as often as possible, so that an unlocked buffer would lose visits.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            sys.setswitchinterval(interval)
        drained.append(buffer.drain())
        totals = {0: 0, 1: 0, 2: 0}
        for counts in drained:
            for pk, visits in counts.items():
                totals[pk] += visits
        # Threads 0, 3, 6 visit certificate 0; 1, 4, 7 certificate 1; 2, 5 certificate 2.
        self.assertEqual(totals, {0: 15000, 1: 15000, 2: 10000})
        self.assertEqual(len(drained), 40000 // 97 + 1)

    @BUFFERED
    def test_counts_that_cannot_be_queued_stay_for_the_next_flush(self):
        buffer = scans.ScanBuffer()
        with (
            mock.patch.object(scans, "BUFFER", buffer),
            mock.patch.object(scans, "flush_scans") as task,
            self.assertLogs(scans.logger, "ERROR"),
        ):
            task.enqueue.side_effect = RuntimeError("queue down")
            buffer.add(5)
            buffer.add(5)
            self.assertEqual(scans.flush_buffer(), 2)
        self.assertEqual(buffer.drain(), {5: 2})


@time_machine.travel(NOW, tick=False)
class ScanCountingTests(TestCase):
    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.tea = historical_certificate(
            cls.officer, product("Trà Shan tuyết Tủa Chùa"), issued_on=TODAY - days(100)
        )
        cls.honey = historical_certificate(
            cls.officer, product("Mật ong bạc hà"), issued_on=TODAY - days(200)
        )

    def setUp(self):
        cache.clear()
        scans.BUFFER.drain()
        self.addCleanup(scans.BUFFER.drain)

    def visit(self, certificate, times=1):
        for _ in range(times):
            self.assertEqual(self.client.get(verify_url(certificate)).status_code, 200)

    def scan_counts(self):
        return dict(Certificate.objects.values_list("pk", "scan_count"))

    @BUFFERED
    def test_a_visit_writes_nothing_until_the_flush(self):
        # Warm the cache: a cached visit reads the certificate and writes nothing.
        self.visit(self.tea)
        with self.assertNumQueries(1):
            self.visit(self.tea)
        self.assertEqual(self.scan_counts(), {self.tea.pk: 0, self.honey.pk: 0})
        self.assertEqual(scans.BUFFER.pending(), 2)

    @override_settings(SCAN_FLUSH_VISITS=7, SCAN_FLUSH_SECONDS=3600)
    def test_flushed_scan_count_equals_the_number_of_anonymous_visits(self):
        self.visit(self.tea, 10)
        self.visit(self.honey, 3)
        self.client.force_login(self.officer)
        self.visit(self.tea, 4)  # officials are not counted
        self.client.logout()
        # 13 visits: one flush of 7 went to the worker, 6 are still buffered.
        self.assertEqual(sum(self.scan_counts().values()), 7)
        self.assertEqual(scans.BUFFER.pending(), 6)
        self.assertEqual(scans.flush_buffer(), 6)
        self.assertEqual(self.scan_counts(), {self.tea.pk: 10, self.honey.pk: 3})

    @BUFFERED
    def test_unknown_codes_are_not_counted(self):
        self.assertEqual(self.client.get(verify_url("KhongCoMaNay")).status_code, 404)
        self.assertEqual(scans.BUFFER.pending(), 0)

    @BUFFERED
    def test_two_workers_flushes_interleaved_both_count(self):
        # Two processes each drained their own buffer; their tasks run one inside the other's
        # interval (SQLite has one writer: the second waits for the first).
        first, second = scans.ScanBuffer(), scans.ScanBuffer()
        for _ in range(5):
            first.add(self.tea.pk)
            second.add(self.tea.pk)
        second.add(self.honey.pk)
        first_counts, second_counts = first.drain(), second.drain()
        flush_scans.enqueue(counts=[[pk, n] for pk, n in first_counts.items()])
        flush_scans.enqueue(counts=[[pk, n] for pk, n in second_counts.items()])
        self.assertEqual(self.scan_counts(), {self.tea.pk: 10, self.honey.pk: 1})

    def test_counts_of_a_deleted_certificate_or_nonsense_are_skipped(self):
        applied = scans.apply_scan_counts([[self.tea.pk, 2], [999_999, 5], [self.honey.pk, -3]])
        self.assertEqual(applied, 2)
        self.assertEqual(self.scan_counts(), {self.tea.pk: 2, self.honey.pk: 0})


@time_machine.travel(NOW, tick=False)
class ConcurrentFlushTests(TransactionTestCase):
    """Two workers flushing at the same moment, each thread on its own connection (PostgreSQL
    row locks, or a file copy of the SQLite database with the production settings)."""

    def setUp(self):
        load_reference_data()
        officer = province_officer("11")
        self.tea = historical_certificate(
            officer, product("Trà Shan tuyết Tủa Chùa"), issued_on=TODAY - days(100)
        )
        self.honey = historical_certificate(
            officer, product("Mật ong bạc hà"), issued_on=TODAY - days(200)
        )
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_two_flushes_at_once_both_count(self):
        ids = [self.tea.pk, self.honey.pk]
        # The same certificates in both batches, in opposite orders.
        first = [[ids[0], 40], [ids[1], 2]]
        second = [[ids[1], 5], [ids[0], 17]]
        with file_database_for_threads(Path(self.tmp.name)):
            outcomes = run_together(
                lambda: flush_scans.enqueue(counts=first).return_value,
                lambda: flush_scans.enqueue(counts=second).return_value,
            )
            self.assertEqual(outcomes, [("ok", {"applied": 42}), ("ok", {"applied": 22})])
            self.assertEqual(
                dict(Certificate.objects.values_list("pk", "scan_count")),
                {self.tea.pk: 57, self.honey.pk: 7},
            )


@time_machine.travel(NOW, tick=False)
@BUFFERED
class CachedPageTests(TestCase):
    """The certificate part of the page is cached for every visitor and never stale."""

    client_class = EnglishClient

    @classmethod
    def setUpTestData(cls):
        cls.officer = province_officer("11")
        cls.tea = historical_certificate(
            cls.officer, product("Trà Shan tuyết Tủa Chùa"), issued_on=TODAY - days(100)
        )

    def setUp(self):
        cache.clear()
        scans.BUFFER.drain()
        self.addCleanup(scans.BUFFER.drain)

    def page(self, client=None):
        response = (client or self.client).get(verify_url(self.tea))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assert_cached(self):
        # 1. the certificate's id, product name and cache key (its updated_at and those of its
        #    decision, product and producer, commune and province names, pending re-rating,
        #    latest change and number of the product's certificates).
        with self.assertNumQueries(1):
            return self.page()

    def test_second_visit_is_served_from_the_cache_in_one_query(self):
        # 1. the certificate's id, product name and cache key; 2. the product's certificates
        # with their decisions, product, producer, commune and province.
        with self.assertNumQueries(2):
            first = self.page()
        self.assertIn("Valid: this certificate is valid until", first)
        self.assertIn("Valid: this certificate is valid until", self.assert_cached())

    def test_cached_page_of_a_revoked_certificate_says_revoked_at_once(self):
        self.page()
        self.assert_cached()
        revoke_certificate(
            self.tea,
            actor=self.officer,
            ground=RevocationGround.MARK_MISUSE,
            decision_number="55/QĐ-UBND",
            decided_on=TODAY,
            finding_on=TODAY - days(2),
        )
        html = self.page()
        self.assertIn("This stamp is no longer valid.", html)
        self.assertIn("55/QĐ-UBND", html)
        self.assertNotIn("Valid: this certificate is valid until", html)
        self.assertIn("This stamp is no longer valid.", self.assert_cached())

    def test_a_product_renamed_without_save_shows_its_new_name_at_once(self):
        self.page()
        Product.objects.filter(pk=self.tea.product_id).update(name="Trà Shan tuyết cổ thụ")
        self.assertInHTML("<h1>Trà Shan tuyết cổ thụ</h1>", self.page())

    def test_a_producer_renamed_shows_its_new_name_at_once(self):
        self.page()
        producer = self.tea.product.producer
        producer.name = "Hợp tác xã chè Tủa Chùa"
        producer.save()
        self.assertIn("Hợp tác xã chè Tủa Chùa", self.page())

    def test_a_newer_certificate_of_the_product_shows_in_the_history_at_once(self):
        self.page()
        newer = historical_certificate(
            self.officer, self.tea.product, star=4, issued_on=TODAY - days(1)
        )
        html = self.page()
        self.assertIn("Replaced by a newer certificate", html)
        self.assertIn(newer.number, html)

    def test_the_status_follows_the_day_without_clearing_the_cache(self):
        self.page()
        with time_machine.travel(self.tea.valid_until + datetime.timedelta(days=200)):
            self.assertIn("Expired on", self.page())

    def test_each_language_has_its_own_copy(self):
        english = self.page()
        vietnamese = EnglishClient()
        vietnamese.cookies["django_language"] = "vi"
        self.assertNotEqual(self.page(vietnamese), english)
        self.assertIn("Valid: this certificate is valid until", self.assert_cached())

    def test_the_report_form_speaks_each_visitors_language(self):
        vietnamese = EnglishClient()
        vietnamese.cookies["django_language"] = "vi"
        for _ in range(2):
            self.assertIn("What is wrong?", self.page())
            self.assertNotIn("What is wrong?", self.page(vietnamese))
            self.assertIn('name="message"', self.page(vietnamese))

    def test_each_visitor_gets_a_fresh_csrf_token_and_nothing_of_the_request_is_cached(self):
        self.page()
        with translation.override("en"):
            version = public_views._public_version(self.tea.public_code)
            section = cache.get(public_views.section_cache_key(version, TODAY))
        self.assertIsNotNone(section)
        self.assertNotIn("csrfmiddlewaretoken", section)
        self.assertNotIn("nonce", section)
        self.assertIn("csrfmiddlewaretoken", self.page())
