"""One JSON error format for every API response: ``{"error": {code, message, details}}``.

Services raise ``ApiError`` subclasses with a stable machine ``code``; the DRF
exception handler and Django's 404/500 handlers render them the same way.
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


class ApiError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details or {}


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
    if isinstance(exc, ApiError):
        headers = getattr(exc, "headers", None)
        return Response(
            error_body(exc.code, exc.message, exc.details), status=exc.status_code, headers=headers
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
