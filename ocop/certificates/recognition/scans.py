"""Counting the public verifications of certificates without a write per visit.

A consumer's visit to ``/v/<code>`` used to run ``UPDATE … SET scan_count = scan_count + 1``.
On SQLite (one writer at a time) that write capped the page at about 100 visits a second, and
on PostgreSQL it made the most scanned certificate's row the hottest lock of the site. Now:

1. **Buffer.** Each process keeps a ``Counter`` of visits by certificate id, behind a lock
   (:data:`BUFFER`, :meth:`ScanBuffer.add`). Recording a visit writes nothing.
2. **Flush.** The visit that brings the buffer to ``SCAN_FLUSH_VISITS`` visits, or that comes
   ``SCAN_FLUSH_SECONDS`` or more after the last flush, drains the whole buffer *atomically*
   (swapped for an empty one under the lock, so a visit lands either in the drained counts or
   in the next buffer, never in both and never in neither) and enqueues ONE task,
   :func:`flush_scans`, carrying the counts. That is one row in the
   task queue per interval per process, whatever the traffic. A process that stops normally
   flushes what it holds (``atexit``). If the enqueue fails (the database is busy past its
   timeout, say), the counts go back into the buffer for the next flush: nothing is dropped.
3. **Apply.** The task worker (``manage.py db_worker``) runs :func:`apply_scan_counts`: one
   ``UPDATE … SET scan_count = scan_count + n`` per certificate, in one transaction, in id
   order. ``F()`` increments are atomic in the database, so two flushes applied at once (two
   worker processes, or two application servers) both count; the id order means two such
   transactions on PostgreSQL wait for each other instead of deadlocking.

Why not a shared spool (a file, or a cache key incremented per visit)? A file spool is not
shared between application servers; a cache spool is per process with the default LocMem cache
and, with the database cache, is again a write per visit. The task queue is already the
durable, shared place for "work the worker must do", and an enqueued task is never lost.

What can be lost: only what a process holds when it is killed without running ``atexit``
(``kill -9``, an out-of-memory kill, a power cut): at most ``SCAN_FLUSH_VISITS − 1`` visits
and at most ``SCAN_FLUSH_SECONDS`` seconds of visits of that process (a quiet process holds
its few visits until the next visit or its normal exit). Once enqueued, counts are in the
database and are applied when a worker runs, however late.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.tasks import task

from .models import Certificate

logger = logging.getLogger(__name__)


def flush_visits() -> int:
    """After how many buffered visits a process flushes (``SCAN_FLUSH_VISITS``)."""
    return max(1, int(getattr(settings, "SCAN_FLUSH_VISITS", 1000)))


def flush_seconds() -> float:
    """After how many seconds since its last flush a process flushes (``SCAN_FLUSH_SECONDS``)."""
    return max(0.0, float(getattr(settings, "SCAN_FLUSH_SECONDS", 10)))


class ScanBuffer:
    """A process's not-yet-flushed visits, by certificate id (thread-safe)."""

    def __init__(self, clock=time.monotonic):
        self._lock = threading.Lock()
        self._counts: Counter[int] = Counter()
        self._visits = 0
        self._clock = clock
        self._last_flush = clock()

    def add(self, certificate_id: int) -> dict[int, int] | None:
        """Count one visit. When this visit crosses a threshold, returns the drained counts
        (the caller must flush them); otherwise None."""
        with self._lock:
            self._counts[certificate_id] += 1
            self._visits += 1
            due = (
                self._visits >= flush_visits()
                or self._clock() - self._last_flush >= flush_seconds()
            )
            return self._drain_locked() if due else None

    def drain(self) -> dict[int, int]:
        """Take every buffered count at once, leaving an empty buffer."""
        with self._lock:
            return self._drain_locked()

    def put_back(self, counts: dict[int, int]) -> None:
        """Return counts that could not be flushed; the next flush carries them."""
        with self._lock:
            self._counts.update(counts)
            self._visits += sum(counts.values())

    def pending(self) -> int:
        with self._lock:
            return self._visits

    def _drain_locked(self) -> dict[int, int]:
        counts, self._counts, self._visits = dict(self._counts), Counter(), 0
        self._last_flush = self._clock()
        return counts


#: This process's buffer.
BUFFER = ScanBuffer()


def record_scan(certificate_id: int) -> None:
    """Count one consumer's visit of a certificate's public page; enqueue a flush when due."""
    counts = BUFFER.add(certificate_id)
    if counts:
        enqueue_flush(counts)


def flush_buffer() -> int:
    """Flush whatever this process holds now (at exit, or in tests); returns the visits."""
    counts = BUFFER.drain()
    if counts:
        enqueue_flush(counts)
    return sum(counts.values())


def enqueue_flush(counts: dict[int, int]) -> None:
    """Hand ``counts`` to the task worker as one task; on failure keep them for the next try."""
    try:
        flush_scans.enqueue(counts=sorted([pk, n] for pk, n in counts.items()))
    except Exception:
        visits = sum(counts.values())
        logger.exception("Could not enqueue %d scans; kept for the next flush", visits)
        BUFFER.put_back(counts)


def apply_scan_counts(counts) -> int:
    """Add ``counts`` (``[[certificate id, visits], …]`` or a dict) to ``scan_count``, in one
    transaction, in id order; ids of deleted certificates are skipped. Returns the visits
    applied."""
    pairs = counts.items() if isinstance(counts, dict) else counts
    merged: Counter[int] = Counter()
    for pk, visits in pairs:
        if int(visits) > 0:
            merged[int(pk)] += int(visits)
    applied = 0
    with transaction.atomic():
        for pk in sorted(merged):
            if Certificate.objects.filter(pk=pk).update(scan_count=F("scan_count") + merged[pk]):
                applied += merged[pk]
    return applied


@task
def flush_scans(counts: list) -> dict:
    """Add a process's buffered verifications (``[[certificate id, visits], …]``) to the
    certificates' ``scan_count``."""
    return {"applied": apply_scan_counts(counts)}


def _flush_at_exit() -> None:
    if not BUFFER.pending():
        return
    try:
        flush_buffer()
    except Exception:  # the interpreter is stopping: say what was lost, do not raise
        logger.exception("Scans not flushed at exit")


atexit.register(_flush_at_exit)
