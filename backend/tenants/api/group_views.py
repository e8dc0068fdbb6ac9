"""Groups of people of an organization and their members. A license's seat rules may
reserve seats for a group or cap it (docs/people.md)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import error_responses
from tenants import selectors, services
from tenants.api.group_serializers import (
    GroupMemberAddSerializer,
    GroupMemberSerializer,
    GroupSerializer,
)
from tenants.api.tenancy import OrganizationEndpoint
from tenants.models import PersonGroup

TAGS = ["groups"]
SEARCH = OpenApiParameter("search", str, description="Match in name or slug.")
POLICY = {"GET": "groups.read", "POST": "groups.manage"}


class _GroupEndpoint(OrganizationEndpoint):
    def get_group(self) -> PersonGroup:
        group = selectors.group_get(group_id=self.kwargs["group_id"])
        if group is None:
            raise exceptions.NotFound("No such group in this organization.")
        return group


@extend_schema_view(
    get=extend_schema(
        operation_id="groups_list",
        summary="List groups of people",
        tags=TAGS,
        parameters=[SEARCH],
        responses={200: GroupSerializer(many=True), **error_responses(401, 404)},
    ),
    post=extend_schema(
        operation_id="groups_create",
        summary="Create a group of people",
        description="The slug defaults to the name's. Audited (`group.create`).",
        tags=TAGS,
        request=GroupSerializer,
        responses={201: GroupSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
)
class GroupListView(_GroupEndpoint):
    policy = POLICY
    serializer_class = GroupSerializer

    def get(self, request: Request, org: str) -> Response:
        groups = selectors.group_list(search=request.query_params.get("search", ""))
        page = self.paginate_queryset(groups)
        return self.get_paginated_response(GroupSerializer(page, many=True).data)

    def post(self, request: Request, org: str) -> Response:
        data = GroupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.group_create(
            org=self.organization, actor=self.actor, **data.validated_data
        )
        return Response(GroupSerializer(group).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="groups_get",
        summary="Get a group of people",
        tags=TAGS,
        responses={200: GroupSerializer, **error_responses(401, 404)},
    ),
    patch=extend_schema(
        operation_id="groups_update",
        summary="Rename a group or change its slug",
        description="License seat rules naming the group follow it. Audited (`group.update`).",
        tags=TAGS,
        request=GroupSerializer,
        responses={200: GroupSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        operation_id="groups_delete",
        summary="Delete a group of people",
        description="Its people stay members of the organization; license seat rules naming "
        "the group go with it. Audited (`group.delete`).",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class GroupDetailView(_GroupEndpoint):
    policy = {"GET": "groups.read", "PATCH": "groups.manage", "DELETE": "groups.manage"}
    serializer_class = GroupSerializer

    def get(self, request: Request, org: str, group_id: str) -> Response:
        return Response(GroupSerializer(self.get_group()).data)

    def patch(self, request: Request, org: str, group_id: str) -> Response:
        group = self.get_group()
        data = GroupSerializer(group, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        group = services.group_update(group=group, data=data.validated_data, actor=self.actor)
        return Response(GroupSerializer(group).data)

    def delete(self, request: Request, org: str, group_id: str) -> Response:
        services.group_delete(group=self.get_group(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        operation_id="group_members_list",
        summary="The people in a group",
        tags=TAGS,
        responses={200: GroupMemberSerializer(many=True), **error_responses(401, 404)},
    ),
    post=extend_schema(
        operation_id="group_members_add",
        summary="Add a member of the organization to a group",
        description="Adding twice changes nothing. Someone who is not a member of the "
        "organization is refused (400). Audited (`group.member_add`).",
        tags=TAGS,
        request=GroupMemberAddSerializer,
        responses={201: GroupMemberSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class GroupMemberListView(_GroupEndpoint):
    policy = POLICY
    serializer_class = GroupMemberSerializer

    def get(self, request: Request, org: str, group_id: str) -> Response:
        page = self.paginate_queryset(selectors.group_member_list(group=self.get_group()))
        return self.get_paginated_response(GroupMemberSerializer(page, many=True).data)

    def post(self, request: Request, org: str, group_id: str) -> Response:
        group = self.get_group()
        data = GroupMemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.group_member_add(
            group=group, user_id=data.validated_data["user"], actor=self.actor
        )
        return Response(GroupMemberSerializer(member).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        operation_id="group_members_remove",
        summary="Take a person out of a group",
        description="Seats they hold keep counting against the group until they end. "
        "Audited (`group.member_remove`).",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class GroupMemberDetailView(_GroupEndpoint):
    policy = {"DELETE": "groups.manage"}
    serializer_class = GroupMemberSerializer

    def delete(self, request: Request, org: str, group_id: str, user_id: str) -> Response:
        if not services.group_member_remove(
            group=self.get_group(), user_id=user_id, actor=self.actor
        ):
            raise exceptions.NotFound("This person is not in the group.")
        return Response(status=status.HTTP_204_NO_CONTENT)
