"""Login throttling by address, and by account name from that address.

- **A pair** (one account name from one address) pauses after ``PAIR_LIMIT`` failures within
  ``WINDOW``: someone guessing one official's password stops there, while the official, from
  the office or from home, logs in as usual. Nobody can lock an account for everyone.
- **An address** pauses after ``ADDRESS_LIMIT`` failures within ``WINDOW``, whatever the names:
  one address cannot spray passwords over forty accounts. The limit is higher than the pair's,
  because a provincial office may reach us from behind one address.

A pause lasts ``PAUSE``; the page answers 429 with the wait (``Retry-After``). Counters and
pauses live in Django's cache, shared by the application servers (``CACHE_URL``), under keyed
hashes: neither an address nor a name is stored. Why not django-axes: it counts every parameter
against a single limit (so either the address limit locks an office behind a shared address or
the pair limit is lax), and it stores names and addresses in clear (docs/accounts.md)."""

import hmac
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ocop.core.ratelimit import count_in_window

WINDOW = 15 * 60
PAUSE = 15 * 60
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20


@dataclass(frozen=True)
class Pause:
    scope: str  # "pair" or "address"
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def _digest(*parts: str) -> str:
    text = "\0".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"login-throttle:" + text, "sha256").hexdigest()


def _scopes(username: str, address: str):
    name = (username or "").strip().lower()
    return (
        ("pair", _digest("pair", name, address), PAIR_LIMIT),
        ("address", _digest("address", address), ADDRESS_LIMIT),
    )


def pause_for(username: str, address: str) -> Pause | None:
    """The pause that applies to logging in as ``username`` from ``address`` (the longer of
    the two), or None."""
    scopes = _scopes(username, address)
    until = cache.get_many([f"login:pause:{key}" for _, key, _ in scopes])
    now = time.time()
    pauses = [
        Pause(scope, math.ceil(until[f"login:pause:{key}"] - now))
        for scope, key, _ in scopes
        if until.get(f"login:pause:{key}", 0) > now
    ]
    return max(pauses, key=lambda pause: pause.seconds, default=None)


def count_failure(username: str, address: str) -> Pause | None:
    """Count a failed login; the pause it starts, if it reaches a limit."""
    started = None
    for scope, key, limit in _scopes(username, address):
        counter = f"login:failures:{key}"
        if count_in_window(counter, timeout=WINDOW) >= limit:
            cache.set(f"login:pause:{key}", time.time() + PAUSE, timeout=PAUSE)
            cache.delete(counter)
            started = started or Pause(scope, PAUSE)
    return started


def count_success(username: str, address: str) -> None:
    """A successful login forgets the pair's failures (not the address's)."""
    _, key, _ = _scopes(username, address)[0]
    cache.delete(f"login:failures:{key}")


def address_tag(address: str) -> str:
    """A short tag of ``address`` for the audit log, the same all day and unlinkable to the
    address without ``SECRET_KEY``: enough to see that one address tried many names."""
    return _digest("tag", timezone.localdate().isoformat(), address)[:12]
