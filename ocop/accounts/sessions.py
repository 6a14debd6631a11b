"""Every session a user opened is known (``LoginSession``), so that disabling the user ends all
of them at once, whatever the session engine (issue 16 §3). Django already refuses an inactive
user's session at its next request; this removes the sessions themselves."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginSession, User


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    key = request.session.session_key
    if not key:
        return
    LoginSession.objects.update_or_create(session_key=key, defaults={"user": user})
    # Sessions older than their cookie have expired: forget them as they go.
    old = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    LoginSession.objects.filter(user=user, created_at__lt=old).delete()


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()


@receiver(pre_save, sender=User)
def end_sessions_of_disabled_user(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    if User.objects.filter(pk=instance.pk, is_active=True).exists():
        end_sessions(instance)


def end_sessions(user) -> int:
    """Delete every session ``user`` opened; returns how many were known."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)
