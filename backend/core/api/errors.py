"""OpenAPI descriptions of the one error format, for ``extend_schema(responses=…)``."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_MEANING = {
    400: "validation_error: the fields at fault are in details.fields",
    401: "not_authenticated, invalid_token (a bad bearer token) or authentication_failed",
    403: "permission_denied: your role may not do this",
    404: "not_found: no such object in this organization",
    409: "conflict with the current state",
    410: "gone",
    413: "payload_too_large",
    429: "rate_limited: see Retry-After",
    503: "a backing service is unavailable",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=_MEANING[code]) for code in codes}


def error_response(description: str) -> OpenApiResponse:
    """The one error format, described for one status: which codes it carries."""
    return OpenApiResponse(ErrorSerializer, description=description)
