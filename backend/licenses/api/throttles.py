"""Rate limits of ``POST /api/v1/licenses/acquire``: per client IP and per license key.

Rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["acquire_ip" | "acquire_key"]``
(``THROTTLE_ACQUIRE_IP`` / ``THROTTLE_ACQUIRE_KEY``). A refused request is a 429
``rate_limited`` with ``Retry-After`` (``core.errors`` renders it).

Acquire is a hot path, so these are fixed-window counters (one atomic ``incr`` on the
shared cache per scope, a few bytes each) rather than DRF's ``SimpleRateThrottle``,
which reads and rewrites a list of up to *rate* timestamps on every request and loses
updates under concurrency. The price of a fixed window: a client can fit up to twice
the rate across one window boundary, which is fine for abuse protection.

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

from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from licenses.keys import license_key_digest

logger = logging.getLogger(__name__)

KEY_DIGEST_PREFIX = 32
_MAX_KEY_LENGTH = 128


class _FixedWindowThrottle(BaseThrottle):
    scope: str
    # Tests and operators may pin a rate on the class; None reads the settings each time.
    rate: str | None = None

    def __init__(self) -> None:
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        return self.rate or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident(self, request: Request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = self.get_rate()
        ident = self.ident(request) if rate else None
        if not rate or not ident:
            return True
        limit, duration = parse_rate(rate)
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{window}:{ident}"
        try:
            count = _hit(key, duration)
        except Exception:
            logger.exception("throttle %s: cache unavailable, request let through", self.scope)
            return True
        if count <= limit:
            return True
        self._wait = (window + 1) * duration - now
        return False

    def wait(self) -> float | None:
        # Whole seconds, at least one: Retry-After is an integer.
        return None if self._wait is None else max(1, math.ceil(self._wait))


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` -> (600, 60): DRF's rate syntax (s, m, h, d by first letter)."""
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def _hit(key: str, duration: int) -> int:
    """Count one request in ``key``'s window; atomic on the shared cache."""
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
        data = request.data
        key = data.get("license_key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key or len(key) > _MAX_KEY_LENGTH:
            return None  # the serializer refuses it; the IP limit still applies
        return license_key_digest(key.strip())[:KEY_DIGEST_PREFIX]
