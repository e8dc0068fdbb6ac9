"""Rate limits of ``POST /api/v1/licenses/acquire``: per client IP and per license key.

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["acquire_ip" | "acquire_key"]``
(``THROTTLE_ACQUIRE_IP`` / ``THROTTLE_ACQUIRE_KEY``). A refused request is a 429
``rate_limited`` with ``Retry-After`` (``core.errors`` renders it).

Acquire is a hot path, so these are fixed-window counters (one atomic ``INCR`` on the
shared cache per scope, a few bytes each, both scopes in one round trip) rather than
DRF's ``SimpleRateThrottle``, which reads and rewrites a list of up to *rate* timestamps
on every request and loses updates under concurrency. The price of a fixed window: a
client can fit up to twice the rate across one window boundary, which is fine for abuse
protection.

The key throttle counts by a prefix of the license key's keyed digest (HMAC with the
pepper), never by the key itself: cache keys may end up in logs and dumps. Unknown keys
are counted the same way, so guessing keys is bounded by the IP limit and this one.

The client IP is ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how many
trusted proxies append to ``X-Forwarded-For`` (DRF's default believes a forgeable
header). Behind a load balancer set ``NUM_PROXIES``, or every client shares one bucket.

If the cache itself fails, the throttle lets the request through and logs it: the seat
store decides the seat path's failure mode (it fails closed), not the rate limiter.
"""

import logging
import math
import time
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from licenses import license_cache
from licenses.keys import license_key_digest
from licenses.seatstore.redis_store import redis_client

logger = logging.getLogger(__name__)

KEY_DIGEST_PREFIX = 32
NOT_FETCHED = license_cache.MISS
_MAX_KEY_LENGTH = 128


class _FixedWindowThrottle(BaseThrottle):
    """One scope of the acquire limits: its rate and whom it counts. ``AcquireThrottle``
    counts every scope in one round trip (a scope is not a throttle class on its own;
    it borrows ``BaseThrottle.get_ident`` for the client address)."""

    scope: str
    # Tests and operators may pin a rate on the class; None reads the settings each time.
    rate: str | None = None

    def __init__(self) -> None:
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        return self.rate or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def window(self, request: Request, now: float) -> tuple[str, int, int, float] | None:
        """(counter key, limit, window seconds, seconds left in the window), or None
        when this scope does not count the request."""
        rate = self.get_rate()
        ident = self.ident(request) if rate else None
        if not rate or not ident:
            return None
        limit, duration = parse_rate(rate)
        window = int(now // duration)
        return (
            f"throttle:{self.scope}:{window}:{ident}",
            limit,
            duration,
            (window + 1) * duration - now,
        )

    def wait(self) -> float | None:
        # Whole seconds, at least one: Retry-After is an integer.
        return None if self._wait is None else max(1, math.ceil(self._wait))


def _allow(
    scopes: "list[_FixedWindowThrottle]", request: Request, fetch: str | None = None
) -> tuple[bool, str | object | None]:
    """Count the request in every scope's window (one round trip for all of them, which
    also reads the Redis key ``fetch`` if given); a scope over its limit keeps how long
    until its window ends. Returns whether the request may pass, and what ``fetch``
    read (``NOT_FETCHED`` when nothing was read)."""
    now = time.time()
    counted = [(scope, w) for scope in scopes if (w := scope.window(request, now))]
    if not counted:
        return True, NOT_FETCHED
    try:
        counts, fetched = _hit_many(
            [(key, duration) for _, (key, _, duration, _) in counted], fetch=fetch
        )
    except Exception:
        logger.exception("acquire throttle: cache unavailable, request let through")
        return True, NOT_FETCHED
    allowed = True
    for (scope, (_, limit, _, left)), count in zip(counted, counts, strict=True):
        if count > limit:
            scope._wait, allowed = left, False
    return allowed, fetched


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` -> (600, 60): DRF's rate syntax (s, m, h, d by first letter)."""
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def _hit_many(
    windows: list[tuple[str, int]], *, fetch: str | None = None
) -> tuple[list[int], str | object | None]:
    """Count one request in each (key, window seconds); atomic per key on the shared
    cache. On Redis all of them go in one pipelined round trip: INCR, then EXPIRE
    (each key names its window, so pushing its expiry on every hit only keeps it a
    second past its window's end), and a GET of ``fetch`` if given."""
    backend = caches["default"]  # ``cache`` is a proxy to it
    if isinstance(backend, RedisCache):
        # The same server and database as the cache (both are REDIS_URL), through the
        # process's one client: Django's cache builds a client object per call and
        # its incr() costs two round trips a key.
        pipe = redis_client().pipeline(transaction=False)
        for key, duration in windows:
            full = backend.make_and_validate_key(key)
            pipe.incr(full)
            pipe.expire(full, duration + 1)
        if fetch:
            pipe.get(fetch)
        replies = pipe.execute()
        counts = [int(count) for count in replies[: 2 * len(windows) : 2]]
        return counts, (replies[-1] if fetch else NOT_FETCHED)
    return [_hit(key, duration) for key, duration in windows], NOT_FETCHED


def _hit(key: str, duration: int) -> int:
    """Count one request in ``key``'s window on a cache without pipelines."""
    try:
        return cache.incr(key)
    except ValueError:
        pass
    # First request of the window (or the key was evicted): create it, unless a
    # concurrent request just did.
    if cache.add(key, 1, timeout=duration + 1):
        return 1
    return cache.incr(key)


class AcquireIpThrottle(_FixedWindowThrottle):
    scope = "acquire_ip"

    def ident(self, request: Request) -> str | None:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or None
        return self.get_ident(request) or None


class AcquireKeyThrottle(_FixedWindowThrottle):
    scope = "acquire_key"

    def ident(self, request: Request) -> str | None:
        digest = request_key_digest(request)
        return digest[:KEY_DIGEST_PREFIX] if digest else None


def request_key_digest(request: Request) -> str | None:
    """The keyed digest of the request's license key, computed once per request; None
    when there is no plausible key (the serializer refuses it; the IP limit applies)."""
    if not hasattr(request, "_license_key_digest"):
        data = request.data
        key = data.get("license_key") if isinstance(data, dict) else None
        valid = isinstance(key, str) and key and len(key) <= _MAX_KEY_LENGTH
        request._license_key_digest = license_key_digest(key.strip()) if valid else None
    return request._license_key_digest


class AcquireThrottle(BaseThrottle):
    """Both acquire limits, per client IP first, then per license key, counted in one
    round trip. Retry-After is the longest wait of the scopes that refused.

    The same round trip reads the license's entry in ``license_cache``, which acquire
    reads next anyway: ``request.license_prefetch`` = (key digest, cached value) is
    handed to ``services.session_acquire``, one Redis round trip fewer per acquire."""

    def __init__(self) -> None:
        self.scopes: list[_FixedWindowThrottle] = [AcquireIpThrottle(), AcquireKeyThrottle()]

    def allow_request(self, request: Request, view: Any) -> bool:
        digest = request_key_digest(request)
        fetch = license_cache.cache_key(digest) if digest else None
        allowed, fetched = _allow(self.scopes, request, fetch)
        if fetch and fetched is not NOT_FETCHED:
            request.license_prefetch = (digest, fetched)
        return allowed

    def wait(self) -> float | None:
        waits = [w for scope in self.scopes if (w := scope.wait()) is not None]
        return max(waits) if waits else None
