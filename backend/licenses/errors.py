"""Seat-path errors, each with the stable code and status of DESIGN §6."""

from core.errors import DomainError


class InvalidLicenseKey(DomainError):
    code = "invalid_license_key"
    message = "The license key is not valid."


class LicenseRefused(DomainError):
    _messages = {
        "license_inactive": "The license is not active.",
        "license_suspended": "The license is suspended.",
        "license_expired": "The license has expired.",
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(self._messages[code])


class NoSeatsAvailable(DomainError):
    code = "no_seats_available"
    message = "Every seat of this license is in use."


class SessionExpired(DomainError):
    code = "session_expired"
    message = "The session has ended; acquire a seat again."


class SeatStoreDown(DomainError):
    code = "seat_store_unavailable"
    message = "Seats cannot be counted right now; retry shortly."


class InvalidSessionSecret(DomainError):
    """The session secret is not this session's, or no session has this id: one answer
    for both, so a guess confirms nothing."""

    code = "invalid_session_secret"
    message = "The session id and session secret do not match a session."


class SigningUnavailable(DomainError):
    code = "signing_unavailable"
    message = "License tokens cannot be signed right now; retry shortly."


class QueueFull(DomainError):
    code = "queue_full"
    message = "Every seat is in use and the line for one is full."


class BorrowNotAllowed(DomainError):
    code = "borrow_not_allowed"
    message = "This license does not lend seats for offline use."


class BorrowTooLong(DomainError):
    code = "borrow_too_long"
    message = "A seat of this license may be borrowed for fewer hours."


class BorrowLimitReached(DomainError):
    code = "borrow_limit_reached"
    message = "As many seats of this license as it lends at once are borrowed."


class InvalidPersonToken(DomainError):
    code = "invalid_person_token"
    message = "The bearer token is not a valid, unexpired sign-in of an active person."


class LicenseNotFound(DomainError):
    """A person named a license of an organization they are not a member of, or none
    exists: one answer for both (nothing confirmed)."""

    code = "license_not_found"
    message = "No license with this id is available to you."


class LicenseNotAssigned(DomainError):
    code = "license_not_assigned"
    message = "This license is assigned to named people, and you are not one of them."


class PersonSeatLimit(DomainError):
    code = "person_seat_limit"
    message = "You hold seats of this license on as many machines as it allows."


class NoLicenseAssigned(DomainError):
    code = "no_license_assigned"
    message = "No license is assigned to you: name one (license_id) or ask an admin."


class SeveralLicensesAssigned(DomainError):
    code = "several_licenses_assigned"
    message = "Several licenses are assigned to you: name one (license_id)."


class PersonNotFound(DomainError):
    code = "not_found"
    message = "No such person in this organization."


class SigningRootNotReady(DomainError):
    """The next root has not been published long enough for every client to hold it."""

    code = "signing_root_not_ready"
    message = "The next signing root is not published long enough to certify yet."


class SigningRootRetired(DomainError):
    code = "signing_root_retired"
    message = "A retired signing root cannot certify again; publish a new one."


class UnknownProject(DomainError):
    code = "unknown_project"
    message = "The organization has no project with this slug."
