"""Rate limits of ``POST /api/v1/licenses/acquire``: per client IP and per license key.

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["acquire_ip" | "acquire_key"]``
(``THROTTLE_ACQUIRE_IP`` / ``THROTTLE_ACQUIRE_KEY``). A refused request is a 429
``rate_limited`` with ``Retry-After`` (``core.errors`` renders it).

Acquire is a hot path: both scopes are fixed-window counters of ``core.ratelimit``
(shared by every API process: Redis, or the SQL database without it), counted in one
round trip, which on Redis also reads the license's cache entry.

The key throttle counts by a prefix of the license key's keyed digest (HMAC with the
pepper), never by the key itself: counter keys may end up in logs and dumps. Unknown
keys are counted the same way, so guessing keys is bounded by the IP limit and this one.

If the counter store itself fails, the throttle lets the request through and logs it:
the seat store decides the seat path's failure mode (it fails closed), not the rate
limiter.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.ratelimit import NOT_FETCHED, ClientIpThrottle, FixedWindowThrottle, allow
from licenses import license_cache
from licenses.keys import license_key_digest

KEY_DIGEST_PREFIX = 32
_MAX_KEY_LENGTH = 128


class AcquireIpThrottle(ClientIpThrottle):
    scope = "acquire_ip"


class AcquireKeyThrottle(FixedWindowThrottle):
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

    On Redis the same round trip reads the license's entry in ``license_cache``, which
    acquire reads next anyway: the view's ``license_prefetch`` (``license_cache.Prefetched``)
    is handed to ``services.session_acquire``, one Redis round trip fewer per acquire."""

    def __init__(self) -> None:
        self.scopes: list[FixedWindowThrottle] = [AcquireIpThrottle(), AcquireKeyThrottle()]

    def allow_request(self, request: Request, view: Any) -> bool:
        digest = request_key_digest(request)
        fetch = license_cache.cache_key(digest) if digest else None
        allowed, fetched = allow(self.scopes, request, fetch)
        if fetch and fetched is not NOT_FETCHED:
            view.license_prefetch = license_cache.Prefetched(digest, fetched)
        return allowed

    def wait(self) -> float | None:
        waits = [w for scope in self.scopes if (w := scope.wait()) is not None]
        return max(waits) if waits else None
