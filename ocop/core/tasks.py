"""Background tasks shared by every app (run by `manage.py db_worker`)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task


@task
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text e-mail; returns how many messages went out."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def queue_email(*, subject, body, recipients):
    """Queue an e-mail for the worker. Call it from `transaction.on_commit` in services, so that
    nothing is sent for a change that rolled back."""
    return send_email.enqueue(subject=str(subject), body=str(body), recipients=list(recipients))
