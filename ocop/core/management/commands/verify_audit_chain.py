import json

from django.core.management.base import BaseCommand, CommandError

from ocop.core.audit import latest_checkpoint, verify_chain
from ocop.core.models import AuditEvent


def published_checkpoints(path) -> list:
    """The checkpoints in a file: one (the e-mail's JSON), a list of them, or the open data's
    ``audit-checkpoints.json`` (``{"rows": [...]}``)."""
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read the checkpoints in {path}: {error}") from None
    if isinstance(data, dict):
        data = data.get("rows", [data])
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise CommandError(f"{path} holds no checkpoint (a JSON object or a list of them).")
    return data


class Command(BaseCommand):
    help = (
        "Verify the audit log: every event's seal and link, every checkpoint's signature, and "
        "each checkpoint against the events it sealed. Give published checkpoints (the open "
        "data's audit-checkpoints.json, or the JSON of a checkpoint e-mail) with --anchor to "
        "detect a cut that also removed the newest checkpoints."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="FILE",
            help="A file of published checkpoints (repeatable).",
        )

    def handle(self, *args, anchor, **options):
        anchors = [row for path in anchor for row in published_checkpoints(path)]
        problems = verify_chain(anchors)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Audit chain broken: {len(problems)} problem(s).")
        newest = latest_checkpoint()
        sealed = (
            f"newest checkpoint {newest.taken_at:%Y-%m-%d %H:%M} UTC at event {newest.event_id}"
            if newest
            else "no checkpoint yet"
        )
        self.stdout.write(
            f"Audit chain intact: {AuditEvent.objects.count()} events; {sealed}; "
            f"{len(anchors)} published checkpoint(s) checked."
        )
