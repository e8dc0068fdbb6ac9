"""One JSON error format for every API response: ``{"error": {code, message, details}}``.

Services raise ``DomainError`` subclasses: a stable machine ``code``, a sentence for
people and details, nothing of HTTP. ``STATUS`` is the one table from a code to its
HTTP status (and headers); the DRF exception handler and Django's 404/500 handlers
render every error the same way.
"""

import logging
from typing import Any

from django import db
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler
from rest_framework_simplejwt.exceptions import InvalidToken

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal of the domain: its ``code`` is in ``STATUS``."""

    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}


_RETRY = {"Retry-After": "5"}

# The one table from a domain error's code to its HTTP status and headers.
STATUS: dict[str, tuple[int, dict[str, str]]] = {
    "bad_request": (status.HTTP_400_BAD_REQUEST, {}),
    "validation_error": (status.HTTP_400_BAD_REQUEST, {}),
    "unsafe_webhook_url": (status.HTTP_400_BAD_REQUEST, {}),
    "unknown_event_type": (status.HTTP_400_BAD_REQUEST, {}),
    "invalid_reset_token": (status.HTTP_400_BAD_REQUEST, {}),
    "invalid_invitation": (status.HTTP_400_BAD_REQUEST, {}),
    "unknown_project": (status.HTTP_400_BAD_REQUEST, {}),
    "invalid_credentials": (status.HTTP_401_UNAUTHORIZED, {}),
    "invalid_refresh_token": (status.HTTP_401_UNAUTHORIZED, {}),
    "invalid_license_key": (status.HTTP_401_UNAUTHORIZED, {}),
    "invalid_session_secret": (status.HTTP_401_UNAUTHORIZED, {}),
    "sign_in_required": (status.HTTP_401_UNAUTHORIZED, {"WWW-Authenticate": "Bearer"}),
    "permission_denied": (status.HTTP_403_FORBIDDEN, {}),
    "role_above_your_own": (status.HTTP_403_FORBIDDEN, {}),
    "invitation_for_another_user": (status.HTTP_403_FORBIDDEN, {}),
    "license_inactive": (status.HTTP_403_FORBIDDEN, {}),
    "license_suspended": (status.HTTP_403_FORBIDDEN, {}),
    "license_expired": (status.HTTP_403_FORBIDDEN, {}),
    "not_found": (status.HTTP_404_NOT_FOUND, {}),
    "no_seats_available": (status.HTTP_409_CONFLICT, {}),
    "project_slug_taken": (status.HTTP_409_CONFLICT, {}),
    "group_slug_taken": (status.HTTP_409_CONFLICT, {}),
    "org_slug_taken": (status.HTTP_409_CONFLICT, {}),
    "last_owner": (status.HTTP_409_CONFLICT, {}),
    "webhook_endpoint_disabled": (status.HTTP_409_CONFLICT, {}),
    "already_member": (status.HTTP_409_CONFLICT, {}),
    "email_taken": (status.HTTP_409_CONFLICT, {}),
    "session_expired": (status.HTTP_410_GONE, {}),
    "seat_store_unavailable": (status.HTTP_503_SERVICE_UNAVAILABLE, _RETRY),
    "signing_unavailable": (status.HTTP_503_SERVICE_UNAVAILABLE, _RETRY),
    # Rotating the signing root (licenses.services.signing_roots, platform operators).
    "signing_root_not_ready": (status.HTTP_409_CONFLICT, {}),
    "signing_root_retired": (status.HTTP_409_CONFLICT, {}),
    "email_unavailable": (status.HTTP_503_SERVICE_UNAVAILABLE, {}),
    # People holding seats (licenses.services.seats, .assignments; users.device_flow).
    "invalid_person_token": (status.HTTP_401_UNAUTHORIZED, {"WWW-Authenticate": "Bearer"}),
    "license_not_assigned": (status.HTTP_403_FORBIDDEN, {}),
    "license_not_found": (status.HTTP_404_NOT_FOUND, {}),
    "person_seat_limit": (status.HTTP_409_CONFLICT, {}),
    "several_licenses_assigned": (status.HTTP_409_CONFLICT, {}),
    "no_license_assigned": (status.HTTP_422_UNPROCESSABLE_ENTITY, {}),
    "invalid_user_code": (status.HTTP_404_NOT_FOUND, {}),
    "device_code_decided": (status.HTTP_409_CONFLICT, {}),
    # Sign-in with providers and two-factor (users.providers, .identities, .two_factor,
    # .policies) and the organization's two-factor rule (tenants.api.tenancy).
    "invalid_state": (status.HTTP_400_BAD_REQUEST, {}),
    "provider_refused": (status.HTTP_400_BAD_REQUEST, {}),
    "provider_gave_no_email": (status.HTTP_400_BAD_REQUEST, {}),
    "invalid_id_token": (status.HTTP_401_UNAUTHORIZED, {}),
    "two_factor_required": (status.HTTP_401_UNAUTHORIZED, {}),
    "invalid_two_factor_code": (status.HTTP_401_UNAUTHORIZED, {}),
    "invalid_mfa_token": (status.HTTP_401_UNAUTHORIZED, {}),
    "sso_required": (status.HTTP_403_FORBIDDEN, {}),
    "email_not_verified": (status.HTTP_403_FORBIDDEN, {}),
    "account_disabled": (status.HTTP_403_FORBIDDEN, {}),
    "two_factor_required_by_organization": (status.HTTP_403_FORBIDDEN, {}),
    "unknown_provider": (status.HTTP_404_NOT_FOUND, {}),
    "account_exists": (status.HTTP_409_CONFLICT, {}),
    "identity_linked_elsewhere": (status.HTTP_409_CONFLICT, {}),
    "last_sign_in_method": (status.HTTP_409_CONFLICT, {}),
    "two_factor_already_enabled": (status.HTTP_409_CONFLICT, {}),
    "two_factor_not_enabled": (status.HTTP_409_CONFLICT, {}),
    "two_factor_setup_not_started": (status.HTTP_409_CONFLICT, {}),
    "two_factor_throttled": (status.HTTP_429_TOO_MANY_REQUESTS, {}),
    "provider_unavailable": (status.HTTP_502_BAD_GATEWAY, {}),
    # The line and borrowed seats (licenses: issue 21).
    "borrow_too_long": (status.HTTP_400_BAD_REQUEST, {}),
    "borrow_not_allowed": (status.HTTP_403_FORBIDDEN, {}),
    "queue_full": (status.HTTP_409_CONFLICT, {}),
    "borrow_limit_reached": (status.HTTP_409_CONFLICT, {}),
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


# The one table from exception to stable code, first match wins (subclasses first).
# A message here replaces the library's own where that is no sentence for people:
# simplejwt's detail is a dict naming every token class it tried.
_DRF_CODES: list[tuple[type[exceptions.APIException], str, str | None]] = [
    (exceptions.ParseError, "malformed_json", None),
    (exceptions.UnsupportedMediaType, "unsupported_media_type", None),
    (exceptions.MethodNotAllowed, "method_not_allowed", None),
    (exceptions.NotAuthenticated, "not_authenticated", None),
    (InvalidToken, "invalid_token", "The bearer token is invalid, expired or revoked."),
    (exceptions.AuthenticationFailed, "authentication_failed", None),
    (exceptions.PermissionDenied, "permission_denied", None),
    (exceptions.NotFound, "not_found", None),
    (exceptions.NotAcceptable, "not_acceptable", None),
    (exceptions.Throttled, "rate_limited", None),
]


def _code_and_message(exc: exceptions.APIException) -> tuple[str, str]:
    code, message = next(
        ((c, m) for cls, c, m in _DRF_CODES if isinstance(exc, cls)), ("error", None)
    )
    if message is None:
        detail = exc.detail
        # simplejwt's details are {"detail": "...", "code": "..."}.
        if isinstance(detail, dict):
            detail = detail.get("detail", "")
        message = str(detail) if isinstance(detail, str) and detail else str(exc.default_detail)
    return code, message


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, (db.OperationalError, db.InterfaceError)):
        # The database went away mid-request: the transaction rolled back, so
        # nothing is half-written; the client may retry.
        logger.error("database unavailable: %s", exc)
        return Response(
            error_body("database_unavailable", "The database is unavailable; retry shortly."),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DomainError):
        code, headers = STATUS[exc.code]
        return Response(
            error_body(exc.code, exc.message, exc.details), status=code, headers=headers or None
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "validation_error", "The request has invalid fields.", {"fields": response.data}
        )
        return response
    code, message = _code_and_message(exc)
    response.data = error_body(code, message)
    return response


def not_found_view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "No such resource."), status=404)


def server_error_view(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body("internal_error", "An unexpected error occurred; it has been logged."),
        status=500,
    )
