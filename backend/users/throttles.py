"""Rate limits of the public auth endpoints, counted per client IP.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]``. A refused request
is a 429 ``rate_limited`` with ``Retry-After`` (``core.errors`` renders it). The
counters are fixed windows shared by every API process (``core.ratelimit``: Redis, or
the SQL database without it), so N workers never let N times the rate through.
"""

from core.ratelimit import ClientIpThrottle


class LoginThrottle(ClientIpThrottle):
    scope = "login"


class RegisterThrottle(ClientIpThrottle):
    scope = "register"


class PasswordResetThrottle(ClientIpThrottle):
    scope = "password_reset"


class SignInProviderThrottle(ClientIpThrottle):
    scope = "sign_in_provider"
