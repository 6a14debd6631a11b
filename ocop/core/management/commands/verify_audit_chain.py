from django.core.management.base import BaseCommand, CommandError

from ocop.core.audit import verify_chain
from ocop.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify that the hash-chained audit log is intact."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s).")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events.")
