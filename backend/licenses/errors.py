"""Seat-path errors, each with the stable code and status of DESIGN §6."""

from rest_framework import status

from core.errors import ApiError


class InvalidLicenseKey(ApiError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "invalid_license_key"
    message = "The license key is not valid."


class LicenseRefused(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    _messages = {
        "license_inactive": "The license is not active.",
        "license_suspended": "The license is suspended.",
        "license_expired": "The license has expired.",
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(self._messages[code])


class NoSeatsAvailable(ApiError):
    status_code = status.HTTP_409_CONFLICT
    code = "no_seats_available"
    message = "Every seat of this license is in use."


class SessionExpired(ApiError):
    status_code = status.HTTP_410_GONE
    code = "session_expired"
    message = "The session has ended; acquire a seat again."


class SeatStoreDown(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "seat_store_unavailable"
    message = "Seats cannot be counted right now; retry shortly."
    headers = {"Retry-After": "5"}


class InvalidSessionSecret(ApiError):
    """The session secret is not this session's, or no session has this id: one answer
    for both, so a guess confirms nothing."""

    status_code = status.HTTP_401_UNAUTHORIZED
    code = "invalid_session_secret"
    message = "The session id and session secret do not match a session."
