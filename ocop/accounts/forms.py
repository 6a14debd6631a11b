from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ocop.core.audit import record_event
from ocop.core.ratelimit import client_ip

from . import throttle


class LoginForm(AuthenticationForm):
    """Django's login form with Vietnamese-first messages, throttled by address and by account
    name from that address (``throttle``); failures and pauses go to the audit log."""

    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; check and try again."
        ),
        "inactive": _("This account is disabled. Ask your OCOP office to re-open it."),
    }

    #: The pause that refused this attempt, if any (the view answers 429 with it).
    pause = None

    def clean(self):
        username, address = self.data.get("username", ""), client_ip(self.request)
        self.pause = throttle.pause_for(username, address)
        if self.pause:
            raise self._paused()
        try:
            cleaned = super().clean()
        except ValidationError:
            started = throttle.count_failure(username, address)
            record_login_event("login.failed", username=username, address=address)
            if started:
                self.pause = started
                record_login_event(
                    "login.paused", username=username, address=address, comment=started.scope
                )
                raise self._paused() from None
            raise
        throttle.count_success(username, address)
        return cleaned

    def _paused(self) -> ValidationError:
        if self.pause.scope == "address":
            message = ngettext(
                "Too many failed logins from your address. Try again in %(minutes)d minute.",
                "Too many failed logins from your address. Try again in %(minutes)d minutes.",
                self.pause.minutes,
            )
        else:
            message = ngettext(
                "Too many failed logins for this account from your address. Try again in "
                "%(minutes)d minute, or log in from another connection.",
                "Too many failed logins for this account from your address. Try again in "
                "%(minutes)d minutes, or log in from another connection.",
                self.pause.minutes,
            )
        return ValidationError(message % {"minutes": self.pause.minutes}, code="throttled")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def record_login_event(action, *, user=None, username="", address="", comment=""):
    """Write a login, failure, pause or logout to the audit log. The account is named only
    when it exists (people type passwords into the name field); the address only as the day's
    tag (``throttle.address_tag``)."""
    if user is None and username:
        user = get_user_model().objects.filter(username=username).first()
    tag = f"address {throttle.address_tag(address)}" if address else ""
    with transaction.atomic():
        record_event(
            actor=user if action in ("login.succeeded", "logout") else None,
            action=action,
            obj=user,
            comment=" · ".join(part for part in (tag, comment) if part),
        )
