from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase

from ocop.core.audit import history_for, record_event, record_events, verify_chain
from ocop.core.models import AuditEvent


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
