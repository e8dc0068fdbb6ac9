import pytest

from coditect_license_client import errors as e


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (409, "no_seats_available", e.NoSeatsAvailable),
        (403, "license_suspended", e.LicenseSuspended),
        (403, "license_expired", e.LicenseExpired),
        (403, "license_inactive", e.LicenseInactive),
        (401, "invalid_license_key", e.InvalidLicenseKey),
        (400, "validation_error", e.InvalidRequest),
        (400, "malformed_json", e.InvalidRequest),
        (410, "session_expired", e.SessionExpired),
        (401, "invalid_session_secret", e.InvalidSessionSecret),
        (429, "rate_limited", e.RateLimited),
        (503, "seat_store_unavailable", e.SeatStoreUnavailable),
    ],
)
def test_each_server_code_maps_to_its_exception(status, code, cls):
    body = {"error": {"code": code, "message": "nope", "details": {"x": 1}}}
    error = e.error_from_response(status, body)
    assert type(error) is cls
    assert (error.code, error.status, error.message, error.details) == (
        code,
        status,
        "nope",
        {"x": 1},
    )


def test_unknown_codes_fall_back_on_the_status():
    assert type(e.error_from_response(403, {"error": {"code": "new_reason"}})) is e.LicenseNotUsable
    assert type(e.error_from_response(502, "<html>bad gateway</html>")) is e.ServerError
    assert type(e.error_from_response(418, None)) is e.UnexpectedResponse


def test_transient_errors_are_the_retryable_ones():
    for cls in (e.ServerUnreachable, e.ServerError, e.SeatStoreUnavailable, e.RateLimited):
        assert issubclass(cls, e.TransientError)
    for cls in (
        e.NoSeatsAvailable,
        e.LicenseSuspended,
        e.InvalidLicenseKey,
        e.SessionExpired,
        e.InvalidSessionSecret,
    ):
        assert not issubclass(cls, e.TransientError)


def test_rate_limited_carries_retry_after():
    error = e.error_from_response(429, {"error": {"code": "rate_limited"}}, retry_after=3.0)
    assert isinstance(error, e.RateLimited) and error.retry_after == 3.0
