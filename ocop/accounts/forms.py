import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Failed logins allowed per account name within the window, before logins for it pause.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = 15 * 60


def _failures_key(username: str) -> str:
    """A cache key per account name; the name itself is not stored, only a keyed hash."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), (username or "").strip().lower().encode(), hashlib.sha256
    ).hexdigest()
    return f"login-failures:{digest}"


class LoginForm(AuthenticationForm):
    """Django's login form with Vietnamese-first messages and a pause after repeated failures,
    so that a public demo password or a guessed one cannot be tried without end."""

    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; check and try again."
        ),
        "inactive": _("This account is disabled. Ask your OCOP office to re-open it."),
        "too_many_attempts": _(
            "Too many failed attempts for this account. Wait 15 minutes and try again."
        ),
    }

    def clean(self):
        key = _failures_key(self.data.get("username", ""))
        if cache.get(key, 0) >= MAX_FAILED_LOGINS:
            raise ValidationError(
                self.error_messages["too_many_attempts"], code="too_many_attempts"
            )
        try:
            return super().clean()
        except ValidationError:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, FAILED_LOGIN_WINDOW)
            raise
