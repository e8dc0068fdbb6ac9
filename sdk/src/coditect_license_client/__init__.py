"""Client SDK for the CODITECT License Platform.

from coditect_license_client import LicenseClient

client = LicenseClient("https://license.example.com", license_key)
with client.seat() as seat:
    run_the_app()
"""

from ._version import __version__
from .client import LicenseClient
from .errors import (
    BorrowLimitReached,
    BorrowNotAllowed,
    BorrowTooLong,
    InvalidLicenseKey,
    InvalidRequest,
    InvalidSessionSecret,
    LicenseError,
    LicenseExpired,
    LicenseInactive,
    LicenseNotUsable,
    LicenseSuspended,
    NoSeatsAvailable,
    NotAcquired,
    QueueFull,
    RateLimited,
    SeatLost,
    SeatStoreUnavailable,
    ServerError,
    ServerUnreachable,
    SessionExpired,
    TokenError,
    TokenExpired,
    TokenInvalid,
    TransientError,
    UnexpectedResponse,
    WaitCancelled,
    WaitTimedOut,
)
from .fingerprint import hardware_fingerprint
from .jwks import JWKSCache, StaticJWKS
from .lease import ClientStatus, HeartbeatResult, Lease, WaitStatus
from .retry import RetryPolicy
from .seat import Seat
from .verify import TokenClaims, verify_token

__all__ = [
    "BorrowLimitReached",
    "BorrowNotAllowed",
    "BorrowTooLong",
    "ClientStatus",
    "HeartbeatResult",
    "InvalidLicenseKey",
    "InvalidRequest",
    "InvalidSessionSecret",
    "JWKSCache",
    "Lease",
    "LicenseClient",
    "LicenseError",
    "LicenseExpired",
    "LicenseInactive",
    "LicenseNotUsable",
    "LicenseSuspended",
    "NoSeatsAvailable",
    "NotAcquired",
    "QueueFull",
    "RateLimited",
    "RetryPolicy",
    "Seat",
    "SeatLost",
    "SeatStoreUnavailable",
    "ServerError",
    "ServerUnreachable",
    "SessionExpired",
    "StaticJWKS",
    "TokenClaims",
    "TokenError",
    "TokenExpired",
    "TokenInvalid",
    "TransientError",
    "UnexpectedResponse",
    "WaitCancelled",
    "WaitStatus",
    "WaitTimedOut",
    "__version__",
    "hardware_fingerprint",
    "verify_token",
]
