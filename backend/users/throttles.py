"""Rate limits of the public auth endpoints, counted per client IP in the shared cache.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]``. A refused request
is a 429 ``rate_limited`` with ``Retry-After`` (``core.errors`` renders it).

The client IP is ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how many
trusted proxies append to ``X-Forwarded-For``: DRF's default would otherwise believe a
header any client can forge and let it dodge the limit.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ClientIpThrottle(SimpleRateThrottle):
    """Counts requests per client IP under the subclass's ``scope``."""

    def get_ident(self, request: Request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginThrottle(ClientIpThrottle):
    scope = "login"


class RegisterThrottle(ClientIpThrottle):
    scope = "register"


class PasswordResetThrottle(ClientIpThrottle):
    scope = "password_reset"
