"""Seat utilization endpoints (``analytics.read``); the arithmetic is in ``selectors``."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics import selectors
from analytics.api import serializers as s
from core.api.errors import error_responses
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
