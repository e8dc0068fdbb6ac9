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

import uuid
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from core.ratelimit import NOT_FETCHED, ClientIpThrottle, FixedWindowThrottle, allow
from licenses import license_cache, person_cache
from licenses.keys import license_key_digest
from users.tokens import person_of_access_token

KEY_DIGEST_PREFIX = 32
_MAX_KEY_LENGTH = 128


class AcquireIpThrottle(ClientIpThrottle):
    scope = "acquire_ip"


class AcquireKeyThrottle(FixedWindowThrottle):
    scope = "acquire_key"

    def ident(self, request: Request) -> str | None:
        digest = request_key_digest(request)
        return digest[:KEY_DIGEST_PREFIX] if digest else None


def bearer_token(request: Request) -> str | None:
    """The bearer token of a person's acquire, or None (a license-key acquire)."""
    scheme, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


def request_person(request: Request) -> tuple[str, Any] | None:
    """(user id, sign-in family) of the request's bearer access token, checked once per
    request; None without a valid one (the view answers 401)."""
    if not hasattr(request, "_person"):
        token = bearer_token(request)
        request._person = person_of_access_token(token) if token else None
    return request._person


def _license_id(data: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(data["license_id"]))
    except (KeyError, TypeError, ValueError):
        return None


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
        if digest:
            fetch = license_cache.cache_key(digest)
            allowed, fetched = allow(self.scopes, request, (fetch,) if fetch else ())
            if fetch and fetched is not NOT_FETCHED:
                view.license_prefetch = license_cache.Prefetched(digest, fetched[0])
            return allowed
        person = request_person(request)
        license_id = _license_id(request.data) if person else None
        names = person_cache.keys(person[1], license_id, person[0]) if license_id else None
        allowed, fetched = allow(self.scopes, request, names or ())
        if names and fetched is not NOT_FETCHED:
            view.person_prefetch = person_cache.Prefetched(
                str(person[1]), str(license_id), *fetched
            )
        return allowed

    def wait(self) -> float | None:
        waits = [w for scope in self.scopes if (w := scope.wait()) is not None]
        return max(waits) if waits else None
