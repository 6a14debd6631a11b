import datetime
import hmac
import importlib
import json
import tempfile
from io import StringIO
from pathlib import Path

import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from ocop.accounts.tests.factories import central_officer, province_officer
from ocop.core.audit import history_for, record_event, record_events, verify_chain
from ocop.core.models import AuditChain, AuditCheckpoint, AuditEvent


class AuditChainTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("officer", password="x-secret-1")

    def _record(self, action):
        with transaction.atomic():
            return record_event(actor=self.user, action=action, obj=self.user, comment=action)

    def test_events_link_to_the_previous_hash_and_verify(self):
        first = self._record("a")
        second = self._record("b")
        assert second.previous_hash == first.hash
        assert verify_chain() == []
        call_command("verify_audit_chain")
        assert list(history_for(self.user)) == [second, first]

    def test_changed_event_breaks_the_chain(self):
        self._record("a")
        event = self._record("b")
        AuditEvent.objects.filter(pk=event.pk).update(comment="rewritten")
        assert any("changed" in problem for problem in verify_chain())
        with self.assertRaises(CommandError):
            call_command("verify_audit_chain")

    def test_deleted_newest_event_is_detected(self):
        self._record("a")
        event = self._record("b")
        AuditEvent.objects.filter(pk=event.pk).delete()
        assert verify_chain() != []

    def test_events_written_in_bulk_continue_the_chain_in_order(self):
        first = self._record("before")
        with transaction.atomic():
            written = record_events(
                {
                    "actor": self.user,
                    "action": f"bulk.{n}",
                    "obj": self.user,
                    "changes": {"n": [None, n]},
                }
                for n in range(5)
            )
        after = self._record("after")
        assert written == 5
        bulk = list(AuditEvent.objects.filter(action__startswith="bulk.").order_by("id"))
        assert [event.action for event in bulk] == [f"bulk.{n}" for n in range(5)]
        assert bulk[0].previous_hash == first.hash
        assert after.previous_hash == bulk[-1].hash
        assert verify_chain() == []


class AuditAttackTests(TestCase):
    """Issue 16 §1: attacks on the audit log that verify_audit_chain must report, naming the
    events concerned. Each one passed the chain of plain SHA-256 hashes without checkpoints."""

    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("officer", password="x-secret-1")

    def _record(self, action, **kwargs):
        with transaction.atomic():
            return record_event(actor=self.user, action=action, obj=self.user, **kwargs)

    def _events(self, n, prefix="edit"):
        return [self._record(f"{prefix}.{i}") for i in range(n)]

    def _cut_after(self, event):
        """Delete every event after ``event`` and move the head back onto it, as an attacker
        with write access to the database would."""
        removed = AuditEvent.objects.filter(pk__gt=event.pk)
        count = AuditEvent.objects.filter(pk__lte=event.pk).count()
        removed.delete()
        AuditChain.objects.filter(pk=1).update(
            last_hash=event.hash, last_event_id=event.pk, event_count=count
        )

    def test_every_event_written_is_sealed_and_the_first_takes_a_checkpoint(self):
        first, second = self._events(2)
        assert first.scheme == second.scheme == AuditEvent.SCHEME
        checkpoint = AuditCheckpoint.objects.get()
        assert checkpoint.reason == AuditCheckpoint.Reason.DAILY
        assert (checkpoint.event_id, checkpoint.event_count) == (first.pk, 1)
        assert checkpoint.is_signed()
        assert verify_chain() == []

    def test_a_decision_takes_a_checkpoint(self):
        self._events(2)
        decision = self._record("decision.signed")
        newest = AuditCheckpoint.objects.order_by("-id").first()
        assert newest.reason == AuditCheckpoint.Reason.DECISION
        assert (newest.event_id, newest.head_hash) == (decision.pk, decision.hash)
        assert newest.event_count == 3

    def test_a_checkpoint_is_taken_with_the_first_event_a_day_after_the_last(self):
        self._record("a")
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=23)):
            self._record("b")
        assert AuditCheckpoint.objects.count() == 1
        with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
            later = self._record("c")
        assert AuditCheckpoint.objects.order_by("-id").first().event_id == later.pk

    def test_cutting_the_newest_events_with_the_head_is_reported(self):
        """Deleting the newest events and moving the chain's head back passed before."""
        kept = self._events(3)[-1]
        decision = self._record("decision.signed")
        self._record("after")
        self._cut_after(kept)
        problems = verify_chain()
        assert any("cut" in p and f"{kept.pk + 1}–{decision.pk}" in p for p in problems), problems

    def test_a_cut_that_also_removes_the_newest_checkpoints_is_reported_by_a_published_one(self):
        kept = self._events(3)[-1]
        self._record("decision.signed")
        published = self.client.get("/open-data/audit-checkpoints.json").json()["rows"]
        self._cut_after(kept)
        AuditCheckpoint.objects.filter(event_id__gt=kept.pk).delete()
        AuditChain.objects.filter(pk=1).update(
            last_signature=AuditCheckpoint.objects.order_by("-id").first().signature
        )
        assert verify_chain() == []  # the database alone cannot tell
        problems = verify_chain(published)
        assert any("missing from the database" in p for p in problems), problems
        assert any("cut" in p for p in problems), problems

    def test_rehashing_the_chain_without_the_key_is_reported_naming_the_events(self):
        """An attacker rewrites an event and recomputes every hash after it, as the chain of
        plain SHA-256 hashes allowed."""
        events = self._events(5)
        target = events[1]
        previous = events[0].hash
        for event in AuditEvent.objects.filter(pk__gte=target.pk).order_by("id"):
            if event.pk == target.pk:
                event.comment = "nothing happened"
            event.previous_hash = previous
            event.hash = hmac.new(b"a guessed key", event.payload().encode(), "sha256").hexdigest()
            AuditEvent.objects.filter(pk=event.pk).update(
                comment=event.comment, previous_hash=event.previous_hash, hash=event.hash
            )
            previous = event.hash
        AuditChain.objects.filter(pk=1).update(last_hash=previous)
        problems = verify_chain()
        assert any(
            f"events {target.pk}–{events[-1].pk}: the seal does not match" in p for p in problems
        )

    def test_rehashing_with_the_retired_unkeyed_scheme_is_reported(self):
        events = self._events(3)
        previous = events[0].hash
        for event in AuditEvent.objects.filter(pk__gt=events[0].pk).order_by("id"):
            event.scheme, event.previous_hash = AuditEvent.LEGACY_SCHEME, previous
            event.hash = event.compute_hash()
            AuditEvent.objects.filter(pk=event.pk).update(
                scheme=event.scheme, previous_hash=previous, hash=event.hash
            )
            previous = event.hash
        AuditChain.objects.filter(pk=1).update(last_hash=previous)
        problems = verify_chain()
        assert any(f"events {events[1].pk}–{events[2].pk}: sealed without" in p for p in problems)

    def test_changing_object_repr_is_reported(self):
        """object_repr was left out of the hash."""
        event = self._events(3)[1]
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="someone else")
        problems = verify_chain()
        assert any(f"event {event.pk}: the seal does not match" in p for p in problems), problems

    def test_an_event_changed_and_resealed_with_the_key_is_reported_by_its_checkpoint(self):
        """Whoever holds the key can reseal an event; the checkpoint signed before the change
        still names it."""
        first = self._record("a")
        AuditEvent.objects.filter(pk=first.pk).update(comment="rewritten")
        event = AuditEvent.objects.get(pk=first.pk)
        AuditEvent.objects.filter(pk=first.pk).update(hash=event.compute_hash())
        problems = verify_chain()
        assert any(f"event {first.pk}: changed after checkpoint" in p for p in problems)

    def test_a_forged_or_removed_checkpoint_is_reported(self):
        self._record("a")
        self._record("decision.signed")
        self._record("decision.signed")
        middle = AuditCheckpoint.objects.order_by("id")[1]
        AuditCheckpoint.objects.filter(pk=middle.pk).update(head_hash="0" * 64)
        assert any("signature does not match" in p for p in verify_chain())
        AuditCheckpoint.objects.filter(pk=middle.pk).delete()
        assert any("signed before it is missing" in p for p in verify_chain())

    def test_events_sealed_with_an_older_key_verify_after_a_rotation(self):
        self._events(2)
        old_key = settings.AUDIT_KEY
        with self.settings(AUDIT_KEY="a-new-audit-key-" + "z" * 40):
            assert verify_chain() != []
            with self.settings(AUDIT_OLD_KEYS=[old_key]):
                self._record("after the rotation")
                assert verify_chain() == []

    def test_the_legacy_chain_is_accepted_up_to_its_upgrade_checkpoint(self):
        """Events written before seals (scheme 1) keep their hashes; the migration signs a
        checkpoint at their head and later ones continue the chain."""
        previous = "0" * 64
        for n in range(3):
            event = AuditEvent(
                created_at=timezone.now(), actor_name="system", action=f"old.{n}",
                object_type="accounts.user", object_id="1", object_repr="old",
                previous_hash=previous, scheme=AuditEvent.LEGACY_SCHEME,
            )  # fmt: skip
            event.hash = event.compute_hash()
            event.save()
            previous = event.hash
        AuditChain.objects.create(pk=1, last_hash=previous)
        migration = importlib.import_module("ocop.core.migrations.0005_audit_seals_and_checkpoints")
        migration.seal_the_legacy_chain(django_apps, None)
        self._record("new")
        assert verify_chain() == []
        AuditEvent.objects.filter(action="old.1").update(object_id="2")
        assert any("the seal does not match" in p for p in verify_chain())

    def test_the_command_reads_published_checkpoints(self):
        kept = self._events(2)[-1]
        self._record("decision.signed")
        response = self.client.get("/open-data/audit-checkpoints.json")
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "anchor.json"
        path.write_bytes(response.content)
        out = StringIO()
        call_command("verify_audit_chain", "--anchor", str(path), stdout=out)
        assert "2 published checkpoint(s) checked" in out.getvalue()
        self._cut_after(kept)
        AuditCheckpoint.objects.filter(event_id__gt=kept.pk).delete()
        with self.assertRaises(CommandError):
            call_command("verify_audit_chain", "--anchor", str(path), stderr=StringIO())
        path.write_text("not json")
        with self.assertRaisesMessage(CommandError, "Cannot read the checkpoints"):
            call_command("verify_audit_chain", "--anchor", str(path))

    def test_the_daily_checkpoint_is_mailed_to_the_central_office(self):
        central = central_officer()
        province_officer()
        self._record("a")
        mail.outbox.clear()
        with (
            self.settings(AUDIT_CHECKPOINT_EMAILS=["archive@example.vn"]),
            self.captureOnCommitCallbacks(execute=True),
        ):
            call_command("checkpoint_audit_chain", stdout=StringIO())
        [message] = mail.outbox
        assert sorted(message.to) == sorted([central.email, "archive@example.vn"])
        newest = AuditCheckpoint.objects.order_by("-id").first()
        assert newest.reason == AuditCheckpoint.Reason.DAILY
        assert json.loads(message.body[message.body.index("{") :]) == newest.published()
        assert verify_chain([newest.published()]) == []
