"""Two-factor authentication: a TOTP authenticator app, and ten one-time recovery codes
(django-otp's ``TOTPDevice`` and ``StaticDevice``).

Who must use it (issue 16 §3): the central and provincial offices, council chairs and
secretaries, and staff (the administrator). For everyone else it is optional.

How it is enforced: the login page, after the password, marks the session as waiting for the
second factor (``PENDING``): "verify" when the account has an authenticator, "setup" when it has
none but needs one. ``SecondFactorMiddleware`` then lets that session reach only the second
factor's pages and the logout, until the code is given. A session that never went through the
login page (none in production) carries no mark, so the check costs no query on other pages."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PENDING = "second_factor"
NEXT = "second_factor_next"
RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery codes"


def required_for(user) -> bool:
    """Whether ``user``'s roles require a second factor."""
    from ocop.accounts.models import Membership

    if user.is_staff or user.is_superuser:
        return True
    offices = (Membership.Role.CENTRAL_OFFICE, Membership.Role.PROVINCE_OFFICE)
    if user.memberships.filter(role__in=offices).exists():
        return True
    from ocop.evaluations.models import CouncilMember

    leading = (CouncilMember.Role.CHAIR, CouncilMember.Role.SECRETARY)
    return user.council_memberships.filter(role__in=leading).exists()


def authenticator(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mark_pending(request, user, next_url) -> str | None:
    """After the password: the second factor's page to go to, or None when none is needed."""
    if is_enabled(user):
        step = "verify"
    elif required_for(user):
        step = "setup"
    else:
        return None
    request.session[PENDING] = step
    request.session[NEXT] = next_url
    return reverse(f"accounts:second_factor_{step}")


def new_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (kept across reloads of the setup page)."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=False, tolerance=1
        )
    return device


def verify(user, code: str):
    """The device that accepts ``code``: the authenticator, or a recovery code (used once).
    django-otp slows down each device after failures."""
    code = "".join(code.split()).lower()
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            device = authenticator(user)
            if device and device.verify_token(code):
                return device
        recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
        if recovery and recovery.verify_token(code):
            return recovery
    return None


def retry_after(user) -> int:
    """Seconds before the authenticator accepts another try (0 when it does now)."""
    device = authenticator(user)
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or not data.get("locked_until"):
        return 0
    from django.utils import timezone

    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


@transaction.atomic
def confirm(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being set up with its first ``code``; the recovery codes,
    shown once, or None when the code is wrong."""
    code = "".join(code.split())
    if not (code.isdigit() and device.verify_token(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def disable(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def complete(request, device) -> str:
    """The second factor is given: the session is whole. Returns where to go next."""
    otp_login(request, device)
    request.session.pop(PENDING, None)
    return request.session.pop(NEXT, "") or settings.LOGIN_REDIRECT_URL


class SecondFactorMiddleware:
    """Keeps a session that owes its second factor on the second factor's pages."""

    ALLOWED = ("accounts:second_factor_verify", "accounts:second_factor_setup", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = request.session.get(PENDING) if hasattr(request, "session") else None
        if (
            step
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and not request.path.startswith(("/i18n/", settings.STATIC_URL))
        ):
            return redirect(f"accounts:second_factor_{step}")
        return self.get_response(request)
