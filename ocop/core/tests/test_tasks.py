"""The real queue: a task enqueued in the database is run by `manage.py db_worker`."""

from django.core import mail
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django_tasks_db.models import DBTaskResult

from ocop.core.tasks import queue_email

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_QUEUE)
class DatabaseWorkerTests(TransactionTestCase):
    """A real transaction: the worker commits and closes its database connection."""

    def test_queued_email_waits_for_the_worker_and_is_sent_by_it(self):
        result = queue_email(
            subject="Hồ sơ OCOP", body="Hồ sơ đã được tiếp nhận.", recipients=["htx@example.vn"]
        )
        self.assertEqual(len(mail.outbox), 0)
        self.assertEqual(DBTaskResult.objects.get(id=result.id).status, "READY")

        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

        self.assertEqual(DBTaskResult.objects.get(id=result.id).status, "SUCCESSFUL")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].subject, "Hồ sơ OCOP")
        self.assertEqual(mail.outbox[0].to, ["htx@example.vn"])

    def test_email_without_recipients_is_not_sent(self):
        queue_email(subject="x", body="y", recipients=["", None])
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        self.assertEqual(len(mail.outbox), 0)
