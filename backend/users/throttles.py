"""Rate limits of the public auth endpoints, counted per client IP.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]``. A refused request
is a 429 ``rate_limited`` with ``Retry-After`` (``core.errors`` renders it). The
counters are fixed windows shared by every API process (``core.ratelimit``: Redis, or
the SQL database without it), so N workers never let N times the rate through.
"""

from rest_framework.request import Request

from core.ratelimit import ClientIpThrottle, FixedWindowThrottle


class LoginThrottle(ClientIpThrottle):
    scope = "login"


class RegisterThrottle(ClientIpThrottle):
    scope = "register"


class PasswordResetThrottle(ClientIpThrottle):
    scope = "password_reset"


class SignInProviderThrottle(ClientIpThrottle):
    scope = "sign_in_provider"


class DeviceCodeThrottle(ClientIpThrottle):
    """CLI sign-in requests asked for, per client IP."""

    scope = "device_code"


class DeviceVerifyIpThrottle(ClientIpThrottle):
    """User codes looked up or decided, per client IP: guessing is bounded."""

    scope = "device_verify"


class DeviceVerifyPersonThrottle(FixedWindowThrottle):
    """The same, per signed-in person (who may come from many addresses)."""

    scope = "device_verify"

    def ident(self, request: Request) -> str | None:
        user = getattr(request, "user", None)
        return f"user:{user.pk}" if user is not None and user.is_authenticated else None
