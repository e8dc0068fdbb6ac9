from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import preflight
from core.errors import error_body

_status = inline_serializer("HealthStatus", {"status": serializers.CharField()})


class HealthView(APIView):
    """Liveness: the process answers."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        tags=["health"], operation_id="healthz", summary="Liveness probe", responses={200: _status}
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyView(APIView):
    """Readiness of this process: database reachable, migrations applied, a token signer
    that can sign (503 naming the signer when its root is unreachable and its online
    key's certificate has run out). Redis is not checked here (a Redis outage only
    stops the seat calls, which answer 503)."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        tags=["health"],
        operation_id="readyz",
        summary="Readiness probe",
        responses={200: _status, 503: _status},
    )
    def get(self, request: Request) -> Response:
        try:
            preflight.check_pod()
        except preflight.ServiceUnavailable as exc:
            return Response(error_body("not_ready", str(exc)), status=503)
        return Response({"status": "ready"})
