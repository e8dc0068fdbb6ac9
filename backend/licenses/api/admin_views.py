"""License administration and sessions: ``/api/v1/orgs/{org}/licenses…`` and ``…/sessions…``.

Thin views: parse, call one service or selector, render. What the writes do to live
sessions (suspend, delete, lower seat counts) is documented in ``licenses.services.license_admin``.
"""

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from core.pagination import NewestFirstCursorPagination
from licenses import selectors, services
from licenses.api import admin_serializers as s
from licenses.models import License, LicenseSession
from tenants.api.tenancy import OrganizationEndpoint

TAGS = ["licenses"]
_SEAT_STORE_DOWN = {503: error_response("seat_store_unavailable: retry shortly")}


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _seats(licenses: Iterable[License]) -> dict[str, Any]:
    return {"seats_used": selectors.seats_in_use(license_.id for license_ in licenses)}


@extend_schema_view(
    get=extend_schema(
        operation_id="licenses_list",
        summary="List licenses",
        description="Newest first, paginated. `seats_used` is read from the seat store for "
        "the whole page at once.",
        tags=TAGS,
        parameters=[s.LicenseFilterSerializer],
        responses={200: s.LicenseSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    post=extend_schema(
        operation_id="licenses_create",
        summary="Create a license",
        description="The answer carries the `license_key` this once; only its digest is stored.",
        tags=TAGS,
        request=s.LicenseWriteSerializer,
        responses={201: s.LicenseKeySerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class LicenseListView(OrganizationEndpoint):
    policy = {"GET": "licenses.read", "POST": "licenses.manage"}
    serializer_class = s.LicenseSerializer

    def get(self, request: Request, org: str) -> Response:
        query = _query(s.LicenseFilterSerializer, request)
        page = self.paginate_queryset(
            selectors.license_list(
                status=query.get("status"),
                project_id=query.get("project"),
                expiring_before=query.get("expiring_before"),
                search=query.get("search", ""),
            )
        )
        body = s.LicenseSerializer(page, many=True, context=_seats(page)).data
        return self.get_paginated_response(body)

    @no_store
    def post(self, request: Request, org: str) -> Response:
        data = s.LicenseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = selectors.project_for_license(fields.pop("project", None))
        license_, key = services.license_create(
            org=self.organization, project=project, actor=self.actor, **fields
        )
        body = {"license": license_, "license_key": key}
        context = {"seats_used": {str(license_.id): 0}}
        return Response(
            s.LicenseKeySerializer(body, context=context).data, status=status.HTTP_201_CREATED
        )


class _LicenseEndpoint(OrganizationEndpoint):
    serializer_class = s.LicenseSerializer

    def get_license(self) -> License:
        return self.get_object_or_404(License, self.kwargs["license_id"])


@extend_schema_view(
    get=extend_schema(
        operation_id="licenses_get",
        summary="Get a license",
        tags=TAGS,
        responses={200: s.LicenseSerializer, **error_responses(401, 404)},
    ),
    patch=extend_schema(
        operation_id="licenses_update",
        summary="Update a license",
        description="Any of name, seats_total, expires_at, heartbeat_ttl, offline_grace, "
        "project, overage_kind, overage_value, grace_days, project_seats. Lowering "
        "`seats_total` (or the overage) below the seats in use is allowed: live sessions "
        "keep running (`seats_over` counts them) and no new seat is granted until fewer are "
        "in use. Lowering it below what the reservations (of projects and groups of "
        "people) add up to is refused (400, naming the reservations). A new `heartbeat_ttl` "
        "applies to new sessions.",
        tags=TAGS,
        request=s.LicenseWriteSerializer(partial=True),
        responses={200: s.LicenseSerializer, **error_responses(400, 401, 403, 404)},
    ),
    delete=extend_schema(
        operation_id="licenses_delete",
        summary="Delete a license",
        description="Ends every live session first (seats free at once, status revoked), "
        "then deletes the license and its sessions. Seat events stay in the organization's "
        "analytics. The old key is refused from then on.",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404), **_SEAT_STORE_DOWN},
    ),
)
class LicenseDetailView(_LicenseEndpoint):
    policy = {"GET": "licenses.read", "PATCH": "licenses.manage", "DELETE": "licenses.manage"}

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_license()
        return Response(s.LicenseSerializer(license_, context=_seats([license_])).data)

    def patch(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_license()
        data = s.LicenseWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "project" in fields:
            fields["project"] = selectors.project_for_license(fields["project"])
        license_ = services.license_update(license_=license_, data=fields, actor=self.actor)
        return Response(s.LicenseSerializer(license_, context=_seats([license_])).data)

    def delete(self, request: Request, org: str, license_id: str) -> Response:
        services.license_delete(license_=self.get_license(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        operation_id="licenses_suspend",
        summary="Suspend a license",
        description="Acquire answers 403 `license_suspended`; every live session ends at once "
        "(seat freed, status revoked), so its next heartbeat answers 410 `session_expired`.",
        tags=TAGS,
        request=None,
        responses={
            200: s.LicenseSerializer,
            **error_responses(401, 403, 404),
            **_SEAT_STORE_DOWN,
        },
    )
)
class LicenseSuspendView(_LicenseEndpoint):
    policy = {"POST": "licenses.manage"}

    def post(self, request: Request, org: str, license_id: str) -> Response:
        license_, _ = services.license_suspend(license_=self.get_license(), actor=self.actor)
        return Response(s.LicenseSerializer(license_, context=_seats([license_])).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="licenses_resume",
        summary="Resume a suspended license",
        description="Acquire is accepted again; sessions ended by the suspend stay ended.",
        tags=TAGS,
        request=None,
        responses={200: s.LicenseSerializer, **error_responses(401, 403, 404)},
    )
)
class LicenseResumeView(_LicenseEndpoint):
    policy = {"POST": "licenses.manage"}

    def post(self, request: Request, org: str, license_id: str) -> Response:
        license_ = services.license_resume(license_=self.get_license(), actor=self.actor)
        return Response(s.LicenseSerializer(license_, context=_seats([license_])).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="licenses_rotate_key",
        summary="Rotate a license's key",
        description="Returns the new key this once. The old key answers 401 "
        "`invalid_license_key` from now on; live sessions keep running.",
        tags=TAGS,
        request=None,
        responses={200: s.LicenseKeySerializer, **error_responses(401, 403, 404)},
    )
)
class LicenseRotateKeyView(_LicenseEndpoint):
    policy = {"POST": "licenses.manage"}

    @no_store
    def post(self, request: Request, org: str, license_id: str) -> Response:
        license_, key = services.license_rotate_key(license_=self.get_license(), actor=self.actor)
        body = {"license": license_, "license_key": key}
        return Response(s.LicenseKeySerializer(body, context=_seats([license_])).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="licenses_renew",
        summary="Renew a license",
        description="Moves `expires_at` later (audited as `license.renew`); a license in "
        "its grace period grants unmarked seats again.",
        tags=TAGS,
        request=s.LicenseRenewSerializer,
        responses={200: s.LicenseSerializer, **error_responses(400, 401, 403, 404)},
    )
)
class LicenseRenewView(_LicenseEndpoint):
    policy = {"POST": "licenses.manage"}

    def post(self, request: Request, org: str, license_id: str) -> Response:
        # Found first: another organization's license is a 404 whatever the body.
        license_ = self.get_license()
        data = s.LicenseRenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        license_ = services.license_renew(
            license_=license_,
            expires_at=data.validated_data["expires_at"],
            actor=self.actor,
        )
        return Response(s.LicenseSerializer(license_, context=_seats([license_])).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="license_sessions_list",
        summary="List a license's sessions",
        description="Newest first, paginated. `last_heartbeat_at` may lag the seat store by "
        "the write-behind period.",
        tags=TAGS,
        parameters=[s.SessionFilterSerializer],
        responses={200: s.SessionSerializer(many=True), **error_responses(400, 401, 404)},
    )
)
class LicenseSessionListView(_LicenseEndpoint):
    policy = {"GET": "sessions.read"}
    serializer_class = s.SessionSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_license()
        query = _query(s.SessionFilterSerializer, request)
        return _session_page(self, {**query, "license": license_.id})


def _session_page(view: OrganizationEndpoint, query: dict) -> Response:
    """One page of sessions matching the parsed filters (license, status, user, ...)."""
    page = view.paginate_queryset(
        selectors.session_list(
            license_id=query.get("license"),
            status=query.get("status"),
            user_id=query.get("user"),
            project_id=query.get("project"),
            hardware_id=query.get("hardware_id"),
        )
    )
    return view.get_paginated_response(s.SessionSerializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="sessions_list",
        summary="List the organization's sessions",
        description="Newest first, across every license, in pages linked by opaque "
        "cursors: follow `next` until it is null. There is no total count (the history "
        "has millions of rows), and sessions that start while you page never repeat "
        "an item or push one off a page.",
        tags=TAGS,
        parameters=[s.OrgSessionFilterSerializer],
        responses={200: s.SessionSerializer(many=True), **error_responses(400, 401, 404)},
    )
)
class SessionListView(OrganizationEndpoint):
    policy = {"GET": "sessions.read"}
    serializer_class = s.SessionSerializer
    pagination_class = NewestFirstCursorPagination

    def get(self, request: Request, org: str) -> Response:
        query = _query(s.OrgSessionFilterSerializer, request)
        return _session_page(self, query)


@extend_schema_view(
    post=extend_schema(
        operation_id="sessions_revoke",
        summary="Revoke a session",
        description="Frees its seat at once; the client's next heartbeat answers 410 "
        "`session_expired`. Revoking an ended session changes nothing.",
        tags=TAGS,
        request=None,
        responses={200: s.SessionSerializer, **error_responses(401, 403, 404), **_SEAT_STORE_DOWN},
    )
)
class SessionRevokeView(OrganizationEndpoint):
    policy = {"POST": "sessions.revoke"}
    serializer_class = s.SessionSerializer

    def post(self, request: Request, org: str, session_id: str) -> Response:
        session = self.get_object_or_404(LicenseSession, session_id)
        services.session_revoke(session=session, actor=self.actor)
        return Response(s.SessionSerializer(session).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="license_assignments_list",
        summary="The people assigned to a license",
        tags=TAGS,
        responses={200: s.AssignmentSerializer(many=True), **error_responses(401, 404)},
    ),
    post=extend_schema(
        operation_id="license_assignments_add",
        summary="Assign a member to a license",
        description="Only assigned people may hold seats of an `assigned` license as "
        "themselves. Assigning twice changes nothing. Audited (`license.assign`).",
        tags=TAGS,
        request=s.AssignmentWriteSerializer,
        responses={201: s.AssignmentSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class LicenseAssignmentListView(_LicenseEndpoint):
    policy = {"GET": "licenses.read", "POST": "licenses.manage"}
    serializer_class = s.AssignmentSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        page = self.paginate_queryset(selectors.assignment_list(license_=self.get_license()))
        return self.get_paginated_response(s.AssignmentSerializer(page, many=True).data)

    def post(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_license()
        data = s.AssignmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = selectors.member_user(user_id=data.validated_data["user"])
        assignment = services.assignment_add(license_=license_, user=user, actor=self.actor)
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        operation_id="license_assignments_remove",
        summary="Unassign a person from a license",
        description="Their live sessions of the license end at once (seats free, next "
        "heartbeat 410), and no acquire of theirs that the unassign did not end can get "
        "a seat after it. Audited (`license.unassign`).",
        tags=TAGS,
        responses={
            200: s.RevokedCountSerializer,
            **error_responses(401, 403, 404),
            **_SEAT_STORE_DOWN,
        },
    ),
)
class LicenseAssignmentDetailView(_LicenseEndpoint):
    policy = {"DELETE": "licenses.manage"}
    serializer_class = s.RevokedCountSerializer

    def delete(self, request: Request, org: str, license_id: str, user_id: str) -> Response:
        license_ = self.get_license()
        ended = services.assignment_remove(license_=license_, user_id=user_id, actor=self.actor)
        return Response({"sessions_ended": ended})


@extend_schema_view(
    post=extend_schema(
        operation_id="person_sessions_revoke",
        summary="End every live session of a person in the organization",
        description="Seats free at once; each client's next heartbeat gets 410. Audited "
        "per session (`session.revoke`).",
        tags=TAGS,
        request=None,
        responses={
            200: s.RevokedCountSerializer,
            **error_responses(401, 403, 404),
            **_SEAT_STORE_DOWN,
        },
    ),
)
class PersonSessionsRevokeView(OrganizationEndpoint):
    policy = {"POST": "sessions.revoke"}
    serializer_class = s.RevokedCountSerializer

    def post(self, request: Request, org: str, user_id: str) -> Response:
        user = selectors.member_user(user_id=user_id, include_former=True)
        ended = services.person_sessions_revoke(user_id=user.pk, actor=self.actor)
        return Response({"sessions_ended": ended})
