import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ocop.certificates.expiry import notices
from ocop.certificates.tasks import daily_certificate_pass


def iso_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date written YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = (
        "The daily certificate pass: send the notices due today (re-rating window opens, "
        "30 days before it closes, 30 days before expiry), each once per certificate. "
        "Run it once a day from cron or a systemd timer; running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=iso_date,
            help="The day of the pass (YYYY-MM-DD); today in Asia/Ho_Chi_Minh by default.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the pass to the task queue (manage.py db_worker) instead of running it.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        day = date or timezone.localdate()
        if enqueue:
            result = daily_certificate_pass.enqueue(day.isoformat())
            self.stdout.write(f"Certificate pass for {day} queued (task {result.id}).")
            return
        report = notices.run_daily_pass(day)
        for line in report.lines():
            self.stdout.write(line)
