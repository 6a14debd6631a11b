from base64 import b32encode

import segno
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from ocop.core.audit import record_event
from ocop.core.keyset import paginate_keyset
from ocop.core.models import PersonalDataAccess
from ocop.core.ratelimit import client_ip

from . import second_factor
from .forms import CodeForm, LoginForm, record_login_event
from .models import Membership
from .scope import official_scope


class LoginView(auth_views.LoginView):
    """The one way in (the admin's login page leads here). A throttled attempt answers 429
    with ``Retry-After``; each login goes to the audit log."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        record_login_event("login.succeeded", user=user, address=client_ip(self.request))
        step = second_factor.mark_pending(self.request, user, response.url)
        return redirect(step) if step else response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.pause:
            response.status_code = 429
            response["Retry-After"] = str(form.pause.seconds)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user is not None:
            record_login_event("logout", user=user, address=client_ip(request))
        return response


def second_factor_verify(request):
    """The second step of a login: a code from the authenticator app, or a recovery code."""
    if request.session.get(second_factor.PENDING) != "verify":
        return redirect("accounts:home")
    user, form, status = request.user, CodeForm(request.POST or None), 200
    wait = second_factor.retry_after(user)
    if request.method == "POST" and form.is_valid():
        if wait:
            form.add_error("code", _wait_message(wait))
            status = 429
        elif device := second_factor.verify(user, form.cleaned_data["code"]):
            record_login_event("login.second_factor", user=user, address=client_ip(request))
            return redirect(second_factor.complete(request, device))
        else:
            record_login_event("login.second_factor_failed", user=user, address=client_ip(request))
            form.add_error("code", _("This code is wrong or already used. Try again."))
    response = render(request, "accounts/second_factor_verify.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


def second_factor_setup(request):
    """Set up the authenticator app: scan the QR code, type its first code, keep the recovery
    codes. Reached after the password by those who must (``mark_pending``), and from the
    security page by anyone."""
    user = request.user
    pending = request.session.get(second_factor.PENDING)
    # An account that has an authenticator replaces it only after logging in with it.
    if pending == "verify" or (not pending and second_factor.is_enabled(user)):
        return redirect("accounts:security")
    device = second_factor.new_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm(user, device, form.cleaned_data["code"])
        if codes is not None:
            with transaction.atomic():
                record_event(actor=user, action="second_factor.enabled", obj=user)
            next_url = second_factor.complete(request, device)
            context = {"codes": codes, "next_url": next_url}
            return render(request, "accounts/recovery_codes.html", context)
        form.add_error("code", _("This code is wrong. Check the time of your phone and try again."))
    context = {
        "form": form,
        "device": device,
        "secret": b32encode(device.bin_key).decode(),
        "qr": segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2),
        "required": second_factor.required_for(user),
    }
    return render(request, "accounts/second_factor_setup.html", context)


def security(request):
    """The account's second factor: its state, new recovery codes, or turning it off (only
    where the role does not require it). Each change asks for a current code."""
    user = request.user
    enabled, required = second_factor.is_enabled(user), second_factor.required_for(user)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and enabled and action in ("codes", "disable"):
        if action == "disable" and required:
            form.add_error(None, _("Your role requires two-factor authentication."))
        elif form.is_valid() and second_factor.verify(user, form.cleaned_data["code"]):
            if action == "codes":
                codes = second_factor.new_recovery_codes(user)
                with transaction.atomic():
                    record_event(actor=user, action="second_factor.new_codes", obj=user)
                context = {"codes": codes, "next_url": reverse("accounts:security")}
                return render(request, "accounts/recovery_codes.html", context)
            second_factor.disable(user)
            with transaction.atomic():
                record_event(actor=user, action="second_factor.disabled", obj=user)
            return redirect("accounts:security")
        elif form.is_valid():
            form.add_error("code", _("This code is wrong or already used. Try again."))
    context = {"enabled": enabled, "required": required, "form": form}
    return render(request, "accounts/security.html", context, status=400 if form.errors else 200)


def _wait_message(seconds):
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


@require_GET
def personal_data_log(request):
    """Every view of personal data in the office's territory (central office: all): who saw
    whose data, when and on which page (docs/privacy.md)."""
    scope = official_scope(request.user)
    if not (scope.is_national or scope.province_codes):
        raise PermissionDenied
    accesses = PersonalDataAccess.objects.all()
    if not scope.is_national:
        accesses = accesses.filter(province_code__in=scope.province_codes)
    kind = request.GET.get("kind", "")
    if kind in PersonalDataAccess.Kind.values:
        accesses = accesses.filter(kind=kind)
    context = {
        "page": paginate_keyset(request, accesses, ["-id"]),
        "kind": kind,
        "kinds": PersonalDataAccess.Kind.choices,
    }
    return render(request, "accounts/personal_data_log.html", context)


@login_not_required
def admin_login(request):
    """The admin's login page: staff log in through ours (throttled, audited, second factor);
    someone logged in without staff rights is refused rather than sent round in a loop."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


@require_GET
def home(request):
    """The start page after login: what this account governs and where to go next."""
    user = request.user
    scope = official_scope(user)
    context = {
        "scope": scope,
        "is_province_office": bool(scope.province_codes),
        "is_commune_officer": bool(scope.commune_codes),
        "memberships": Membership.objects.filter(user=user).select_related("province", "commune"),
        "producer_memberships": user.producer_memberships.select_related("producer"),
        # Council seats are the evaluations app's rows, reached by the reverse relation.
        "council_seats": user.council_memberships.select_related("council__round"),
    }
    return render(request, "accounts/home.html", context)
