"""Hourly caps per visitor for public forms (problem reports, buyer inquiries), without storing
the visitor's address: the count lives in Django's cache under a hash of the address salted
with the secret key and the day, so the key cannot be traced back to an address and changes
every day. The cache must be shared by the application servers (``CACHE_URL``)."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

HOUR = 3600


def client_ip(request) -> str:
    """The visitor's address. Behind our reverse proxy (``TRUST_X_FORWARDED_FOR``) it is the
    last entry of ``X-Forwarded-For``, the one the proxy itself added (earlier entries come
    from the client and may be forged); otherwise the connection's address."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _key(purpose: str, ip_address: str) -> str:
    now = timezone.now()
    salt = hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}-salt:{now.date()}".encode(), hashlib.sha256
    ).digest()
    digest = hashlib.sha256(salt + (ip_address or "").encode()).hexdigest()
    return f"ocop:{purpose}:{digest}:{now:%Y%m%d%H}"


def count_in_window(key: str, *, timeout: int) -> int:
    """Add one to the cache counter ``key``, which starts at its first use and lasts
    ``timeout`` seconds; returns the count."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        return 1


def take_hourly_slot(purpose: str, ip_address: str, *, limit: int) -> bool:
    """Count one use of ``purpose`` from ``ip_address`` this hour; False once ``limit`` is
    passed."""
    return count_in_window(_key(purpose, ip_address), timeout=HOUR) <= limit
