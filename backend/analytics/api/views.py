"""Seat utilization endpoints (``analytics.read``); the arithmetic is in ``selectors``."""

from typing import Any

from django.http import StreamingHttpResponse
from django_scopes import scope
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from analytics import exports, selectors
from analytics.api import serializers as s
from core.api.errors import error_responses
from core.pagination import NewestFirstCursorPagination
from core.roles import POLICY
from licenses.models import License
from tenants.api.tenancy import OrganizationEndpoint

TAGS = ["analytics"]
WINDOW = (
    "Buckets are aligned to UTC; `since` is rounded down to a bucket boundary and the "
    "window ends at `until` or now, whichever is earlier (the last bucket may be partial). "
    "At most 1,500 buckets, else 400. A seat counts as in use from its acquire until it "
    "is released, revoked or reclaimed after its TTL."
)


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


@extend_schema_view(
    get=extend_schema(
        operation_id="license_utilization",
        summary="A license's seat utilization over time",
        description=WINDOW,
        tags=TAGS,
        parameters=[s.UtilizationQuerySerializer],
        responses={200: s.UtilizationSerializer, **error_responses(400, 401, 404)},
    )
)
class LicenseUtilizationView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.UtilizationSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_object_or_404(License, license_id)
        query = _query(s.UtilizationQuerySerializer, request)
        return Response(
            s.UtilizationSerializer(selectors.license_utilization(license_=license_, **query)).data
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="org_utilization",
        summary="The organization's seat utilization over time",
        description=WINDOW + " With `project`, only sessions of that project's licenses.",
        tags=TAGS,
        parameters=[s.OrgUtilizationQuerySerializer],
        responses={200: s.UtilizationSerializer, **error_responses(400, 401, 404)},
    )
)
class OrgUtilizationView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.UtilizationSerializer

    def get(self, request: Request, org: str) -> Response:
        query = _query(s.OrgUtilizationQuerySerializer, request)
        return Response(
            s.UtilizationSerializer(
                selectors.org_utilization(
                    bucket=query["bucket"],
                    since=query.get("since"),
                    until=query.get("until"),
                    project_id=query.get("project"),
                )
            ).data
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="org_usage_breakdown",
        summary="Seat usage per project or per user",
        description="Seat-seconds, sessions and peak concurrency per group in the window "
        "(at most 366 days), most used first.",
        tags=TAGS,
        parameters=[s.BreakdownQuerySerializer],
        responses={200: s.BreakdownSerializer, **error_responses(400, 401, 404)},
    )
)
class UsageBreakdownView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.BreakdownSerializer

    def get(self, request: Request, org: str) -> Response:
        query = _query(s.BreakdownQuerySerializer, request)
        return Response(
            s.BreakdownSerializer(
                selectors.usage_breakdown(
                    by=query["by"], since=query.get("since"), until=query.get("until")
                )
            ).data
        )


class _DenialPages(NewestFirstCursorPagination):
    ordering = ("-at", "-id")


@extend_schema_view(
    get=extend_schema(
        operation_id="denials_list",
        summary="Refused acquires, newest first",
        description="Who was refused (a person, or null for a license-key machine), when, "
        "on which license. Cursor pages (follow `next`).",
        tags=TAGS,
        parameters=[s.DenialQuerySerializer],
        responses={200: s.DenialSerializer(many=True), **error_responses(400, 401, 404)},
    )
)
class DenialListView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.DenialSerializer
    pagination_class = _DenialPages

    def get(self, request: Request, org: str) -> Response:
        query = _query(s.DenialQuerySerializer, request)
        page = self.paginate_queryset(
            exports.denial_list(
                since=query.get("since"), until=query.get("until"), license_id=query.get("license")
            )
        )
        names = exports.denial_names(page)
        rows = [
            {
                "at": event.at,
                "license_id": event.license_id,
                "license_name": names["licenses"].get(event.license_id),
                "person": names["people"].get(event.user_id),
                "seats_used": event.seats_used,
            }
            for event in page
        ]
        return self.get_paginated_response(s.DenialSerializer(rows, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="export_csv",
        summary="Export sessions, usage or audit events as CSV",
        description="A streaming `text/csv` download of the window (`since` inclusive, "
        "`until` exclusive; both optional): `sessions` started in it, closed `usage` "
        "hours of the rollup, or `audit` events (admins only). Memory stays flat at "
        "millions of rows.",
        tags=TAGS,
        parameters=[s.WindowQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(description="CSV with a header line."),
            **error_responses(400, 401, 403, 404),
        },
    )
)
class ExportView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}

    def get(self, request: Request, org: str, kind: str) -> StreamingHttpResponse:
        if kind not in exports.EXPORTS:
            raise NotFound()
        if kind == "audit" and self.role < POLICY["audit.read"]:
            raise PermissionDenied()
        query = _query(s.WindowQuerySerializer, request)
        lines = exports.EXPORTS[kind](since=query.get("since"), until=query.get("until"))
        response = StreamingHttpResponse(
            _in_scope(self.organization, lines), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{org}-{kind}.csv"'
        response["Cache-Control"] = "no-store"
        return response


def _in_scope(org: Any, lines: Any) -> Any:
    """The rows are read while the response streams, after the view has returned: the
    generator enters the organization's scope itself."""
    with scope(org=org):
        yield from lines


@extend_schema_view(
    get=extend_schema(
        operation_id="license_policy_use",
        summary="A license's overage and reservation use, by day",
        description="Seat-hours and peak past `seats_total` (overage) per day with the "
        "period's total, and the seats in use of each project with a reservation or cap. "
        "Measured against today's seats_total and rules.",
        tags=TAGS,
        parameters=[s.PolicyUseQuerySerializer],
        responses={200: s.PolicyUseSerializer, **error_responses(400, 401, 404)},
    )
)
class LicensePolicyUseView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.PolicyUseSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_object_or_404(License, license_id)
        query = _query(s.PolicyUseQuerySerializer, request)
        return Response(
            s.PolicyUseSerializer(selectors.license_policy_use(license_=license_, **query)).data
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="license_waits",
        summary="Time spent waiting in a license's line, per day",
        description="Waits for a seat in the license's line (issue 21) per UTC day: how many "
        "ended with a seat and their p50/p95/longest in seconds, how many were cancelled, "
        "and the day's denials. Tickets that lapsed are not counted.",
        tags=TAGS,
        parameters=[s.WaitsQuerySerializer],
        responses={200: s.WaitsSerializer, **error_responses(400, 401, 404)},
    )
)
class LicenseWaitsView(OrganizationEndpoint):
    policy = {"GET": "analytics.read"}
    serializer_class = s.WaitsSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_object_or_404(License, license_id)
        query = _query(s.WaitsQuerySerializer, request)
        return Response(s.WaitsSerializer(selectors.license_waits(license_=license_, **query)).data)
