from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Both are case-sensitive; check and try again."
        ),
        "inactive": _("This account is disabled. Ask your OCOP office to re-open it."),
    }
