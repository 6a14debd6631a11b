"""Absolute addresses: the one place the platform turns a path into a URL it prints (the QR
code and the certificate PDF, e-mails, the sitemap, JSON-LD, iCalendar, share links).

They are all on ``settings.SITE_URL``, never on the request's Host header (a forged header must
not end up in a QR code or an e-mail). ``make run`` sets ``SITE_URL`` from ``HOST`` and
``PORT`` unless it is set; in production it is the public address."""

from django.conf import settings
from django.urls import reverse


def site_url(path: str = "") -> str:
    """``path`` (starting with ``/``) on the public site."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_reverse(name: str, *args, **kwargs) -> str:
    """:func:`django.urls.reverse` of ``name`` on the public site."""
    return site_url(reverse(name, args=args or None, kwargs=kwargs or None))


def site_host() -> str:
    """The public site's host name (iCalendar uids are made unique with it)."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "ocop"
