from django.core.management.base import BaseCommand

from ocop.core.audit import take_checkpoint
from ocop.core.models import AuditCheckpoint


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the audit chain's head now, publish it in the open data and "
        "e-mail it to the central office. Run it daily from the same timer as "
        "update_certificates (events also take one when the last is a day old)."
    )

    def handle(self, *args, **options):
        checkpoint = take_checkpoint(AuditCheckpoint.Reason.DAILY)
        self.stdout.write(
            f"Checkpoint {checkpoint.signature[:16]}… at event {checkpoint.event_id} "
            f"({checkpoint.event_count} events)."
        )
