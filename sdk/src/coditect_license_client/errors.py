"""Typed exceptions, one per stable error code of the license server.

The server answers every error as
``{"error": {"code": "<stable_code>", "message": "...", "details": {...}}}``;
:func:`error_from_response` turns such an answer into the matching exception.
Codes the SDK does not know yet still map to a sensible class by HTTP status.
"""

from __future__ import annotations

from typing import Any


class LicenseError(Exception):
    """Base class of every error raised by this package."""

    code: str = "license_error"
    status: int | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.__class__.__doc__ or self.code
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details: dict[str, Any] = details or {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


# --- the server refused: retrying the same request will not help -------------


class InvalidLicenseKey(LicenseError):
    """The license key is not known to the server."""

    code = "invalid_license_key"
    status = 401


class LicenseNotUsable(LicenseError):
    """The license exists but cannot be used now (suspended, expired or inactive)."""

    code = "license_not_usable"
    status = 403


class LicenseSuspended(LicenseNotUsable):
    """The license is suspended by an administrator."""

    code = "license_suspended"


class LicenseExpired(LicenseNotUsable):
    """The license has expired."""

    code = "license_expired"


class LicenseInactive(LicenseNotUsable):
    """The license is not active."""

    code = "license_inactive"


class NoSeatsAvailable(LicenseError):
    """Every seat of the license is in use."""

    code = "no_seats_available"
    status = 409


class QueueFull(NoSeatsAvailable):
    """Every seat is in use and the license's line of waiters is full."""

    code = "queue_full"


class WaitTimedOut(NoSeatsAvailable):
    """No seat came free within the time the caller was willing to wait (the place in
    the line was given up)."""

    code = "wait_timed_out"
    status = None


class WaitCancelled(LicenseError):
    """The wait for a seat was stopped by the caller (Ctrl-C); the ticket was cancelled."""

    code = "wait_cancelled"
    status = None


class BorrowLimitReached(NoSeatsAvailable):
    """As many seats of the license as it lends at once are borrowed."""

    code = "borrow_limit_reached"


class BorrowNotAllowed(LicenseNotUsable):
    """The license does not lend seats for offline use."""

    code = "borrow_not_allowed"


class SessionExpired(LicenseError):
    """The session is gone on the server (no heartbeat within the TTL, or revoked)."""

    code = "session_expired"
    status = 410


class InvalidSessionSecret(LicenseError):
    """The server did not accept the session secret (or does not know the session).

    Each acquire gives the session a new secret and voids the previous one, so
    this is what a client sees once another acquire with the same license key,
    hardware id and instance took the session over. Like a 410, the seat is no
    longer this client's: acquire again.
    """

    code = "invalid_session_secret"
    status = 401


class InvalidRequest(LicenseError):
    """The server rejected the request as malformed (a bug or a bad argument)."""

    code = "validation_error"
    status = 400


class BorrowTooLong(InvalidRequest):
    """The license lends seats for fewer hours (``details["max_borrow_hours"]``)."""

    code = "borrow_too_long"


class UnexpectedResponse(LicenseError):
    """The server answered something this client does not understand."""

    code = "unexpected_response"


# --- transient: the server cannot answer now; retry later ---------------------


class TransientError(LicenseError):
    """The server could not be reached or could not serve the request now."""

    code = "transient_error"


class ServerUnreachable(TransientError):
    """No answer from the license server (connection refused, timeout, DNS...)."""

    code = "server_unreachable"


class ServerError(TransientError):
    """The license server failed (HTTP 5xx)."""

    code = "server_error"
    status = 500


class SeatStoreUnavailable(ServerError):
    """The server's seat store is unavailable."""

    code = "seat_store_unavailable"
    status = 503


class RateLimited(TransientError):
    """Too many requests; the server asked to retry later."""

    code = "rate_limited"
    status = 429

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


# --- people: a person's sign-in and the license rules for people --------------------


class NotSignedIn(LicenseError):
    """No sign-in, or it was revoked or has lapsed: run ``coditect-license login``."""

    code = "invalid_person_token"


class LicenseNotAssigned(LicenseNotUsable):
    """The license is assigned to named people, and the signed-in person is not one."""

    code = "license_not_assigned"


class PersonSeatLimit(NoSeatsAvailable):
    """The person holds seats on as many machines as the license allows
    (``details["machines"]`` lists them)."""

    code = "person_seat_limit"


class LicenseChoiceError(LicenseError):
    """Which license to use is unclear: name one (``license_id``)."""

    code = "license_choice"


class LicenseNotFound(LicenseChoiceError):
    """No license with this id is available to the signed-in person."""

    code = "license_not_found"


class NoLicenseAssigned(LicenseChoiceError):
    """No license is assigned to the signed-in person: name one."""

    code = "no_license_assigned"


class SeveralLicensesAssigned(LicenseChoiceError):
    """Several licenses are assigned to the signed-in person: name one
    (``details["licenses"]``)."""

    code = "several_licenses_assigned"


class SignInFailed(LicenseError):
    """The device sign-in did not complete (denied, expired, or refused)."""

    code = "sign_in_failed"


# --- local: token checks and seat life cycle -----------------------------------


class TokenError(LicenseError):
    """The license token cannot be trusted."""

    code = "token_invalid"


class TokenInvalid(TokenError):
    """The license token is malformed, badly signed, or not for this machine."""

    code = "token_invalid"


class TokenExpired(TokenError):
    """The license token is past its expiry (the license's offline grace is used up)."""

    code = "token_expired"


class NotAcquired(LicenseError):
    """No seat is held: acquire first."""

    code = "not_acquired"


class SeatLost(LicenseError):
    """The seat could not be kept; the program must stop using the licensed feature.

    ``cause`` holds the error that made the seat go (server refusal, or the
    server unreachable until the token expired).
    """

    code = "seat_lost"

    def __init__(self, message: str | None = None, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


_BY_CODE: dict[str, type[LicenseError]] = {
    cls.code: cls
    for cls in (
        InvalidLicenseKey,
        LicenseSuspended,
        LicenseExpired,
        LicenseInactive,
        NoSeatsAvailable,
        QueueFull,
        BorrowLimitReached,
        BorrowNotAllowed,
        BorrowTooLong,
        SessionExpired,
        InvalidSessionSecret,
        ServerError,
        SeatStoreUnavailable,
        RateLimited,
        NotSignedIn,
        LicenseNotAssigned,
        PersonSeatLimit,
        LicenseNotFound,
        NoLicenseAssigned,
        SeveralLicensesAssigned,
    )
}
# The answers of the platform's own sign-in endpoints (refresh, me).
_BY_CODE["invalid_refresh_token"] = NotSignedIn
_BY_CODE["invalid_token"] = NotSignedIn
_BY_CODE["not_authenticated"] = NotSignedIn
_BY_CODE["malformed_json"] = InvalidRequest
_BY_CODE["validation_error"] = InvalidRequest

_BY_STATUS: dict[int, type[LicenseError]] = {
    400: InvalidRequest,
    401: InvalidLicenseKey,
    403: LicenseNotUsable,
    409: NoSeatsAvailable,
    410: SessionExpired,
    429: RateLimited,
}


def error_from_response(
    status: int, body: Any, *, retry_after: float | None = None
) -> LicenseError:
    """Build the exception for an error answer (``status`` >= 400) and its JSON body."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), str) else None
    message = error.get("message") if isinstance(error.get("message"), str) else None
    details = error.get("details") if isinstance(error.get("details"), dict) else None

    cls = _BY_CODE.get(code or "") or _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else UnexpectedResponse
    message = message or f"HTTP {status} from the license server"
    if cls is RateLimited:
        return RateLimited(
            message, code=code, status=status, details=details, retry_after=retry_after
        )
    return cls(message, code=code, status=status, details=details)
