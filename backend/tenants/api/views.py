from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.actor import Actor
from core.api.errors import error_responses
from tenants import selectors, services
from tenants.api.permissions import IsPerson, NotAnApiToken
from tenants.api.serializers import (
    InvitationAcceptedSerializer,
    InvitationAcceptSerializer,
    InvitationSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    OrganizationCreateSerializer,
    OrganizationSerializer,
    OrganizationUpdateSerializer,
)
from tenants.api.tenancy import OrganizationEndpoint
from tenants.models import Invitation, Membership

TAGS = ["organizations"]
# Paths without an organization take a person's JWT, never an API token.
PERSON_ONLY = [{"jwtAuth": []}]


# Organizations ----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="orgs_list",
        summary="List my organizations",
        description="The organizations the signed-in person belongs to, with their role. "
        "API tokens are refused (403).",
        tags=TAGS,
        auth=PERSON_ONLY,
        responses={200: OrganizationSerializer(many=True), **error_responses(401, 403)},
    ),
    post=extend_schema(
        operation_id="orgs_create",
        summary="Create an organization",
        description="The signed-in person becomes its owner. The slug defaults to the name's. "
        "API tokens are refused (403).",
        tags=TAGS,
        auth=PERSON_ONLY,
        request=OrganizationCreateSerializer,
        responses={201: OrganizationSerializer, **error_responses(400, 401, 403, 409)},
    ),
)
class OrganizationListView(generics.GenericAPIView):
    permission_classes = [IsPerson]
    serializer_class = OrganizationSerializer
    filter_backends: list = []

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.organization_list_for(user=request.user))
        return self.get_paginated_response(OrganizationSerializer(page, many=True).data)

    def post(self, request: Request) -> Response:
        data = OrganizationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = services.organization_create(owner=request.user, **data.validated_data)
        body = OrganizationSerializer(org, context={"role": Membership.Role.OWNER}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="orgs_get",
        summary="Get an organization",
        tags=TAGS,
        responses={200: OrganizationSerializer, **error_responses(401, 404)},
    ),
    patch=extend_schema(
        operation_id="orgs_update",
        summary="Rename an organization or change its slug",
        tags=TAGS,
        request=OrganizationUpdateSerializer,
        responses={200: OrganizationSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        operation_id="orgs_delete",
        summary="Delete an organization and everything in it",
        description="Owners only. Members, invitations, API tokens, projects, licenses, "
        "sessions and the audit trail go with it; the deletion is written to the server log.",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class OrganizationDetailView(OrganizationEndpoint):
    policy = {"GET": "org.read", "PATCH": "org.update", "DELETE": "org.delete"}
    serializer_class = OrganizationSerializer

    def render(self, org) -> Response:
        return Response(OrganizationSerializer(org, context={"role": self.role.name.lower()}).data)

    def get(self, request: Request, org: str) -> Response:
        return self.render(self.organization)

    def patch(self, request: Request, org: str) -> Response:
        data = OrganizationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.organization_update(
            org=self.organization, data=data.validated_data, actor=self.actor
        )
        return self.render(updated)

    def delete(self, request: Request, org: str) -> Response:
        services.organization_delete(org=self.organization, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Members ---------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="members_list",
        summary="List members",
        tags=TAGS,
        responses={200: MemberSerializer(many=True), **error_responses(401, 404)},
    ),
)
class MemberListView(OrganizationEndpoint):
    policy = {"GET": "members.read"}
    serializer_class = MemberSerializer

    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(selectors.member_list())
        return self.get_paginated_response(MemberSerializer(page, many=True).data)


@extend_schema_view(
    patch=extend_schema(
        operation_id="members_update",
        summary="Change a member's role",
        description="Needs the admin role; granting or taking the owner role, or changing an "
        "owner, needs the owner role. The last owner cannot be demoted (409 last_owner).",
        tags=TAGS,
        request=MemberUpdateSerializer,
        responses={200: MemberSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        operation_id="members_remove",
        summary="Remove a member",
        description="Needs the admin role; removing an owner needs the owner role. The last "
        "owner cannot be removed (409 last_owner). To leave, use `DELETE members/me`.",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class MemberDetailView(OrganizationEndpoint):
    policy = {"PATCH": "members.manage", "DELETE": "members.manage"}
    serializer_class = MemberSerializer

    def get_object(self) -> Membership:
        membership = selectors.member_get(user_id=self.kwargs["user_id"])
        if membership is None:
            raise exceptions.NotFound("No such member in this organization.")
        return membership

    def patch(self, request: Request, org: str, user_id: str) -> Response:
        membership = self.get_object()
        data = MemberUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_update_role(
            membership=membership,
            role=data.validated_data["role"],
            acting_role=self.role,
            actor=self.actor,
        )
        return Response(MemberSerializer(membership).data)

    def delete(self, request: Request, org: str, user_id: str) -> Response:
        services.membership_remove(
            membership=self.get_object(),
            acting_user=self.acting_user,
            acting_role=self.role,
            actor=self.actor,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    delete=extend_schema(
        operation_id="members_leave",
        summary="Leave the organization",
        description="Every member may leave; the last owner may not (409 last_owner: make "
        "someone else owner first). API tokens cannot leave (403).",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class MemberLeaveView(OrganizationEndpoint):
    policy = {"DELETE": "members.leave"}
    serializer_class = MemberSerializer

    def delete(self, request: Request, org: str) -> Response:
        services.membership_leave(
            acting_user=self.acting_user, acting_role=self.role, actor=self.actor
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# Invitations -----------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="invitations_list",
        summary="List pending invitations",
        tags=TAGS,
        responses={200: InvitationSerializer(many=True), **error_responses(401, 403, 404)},
    ),
    post=extend_schema(
        operation_id="invitations_create",
        summary="Invite someone by email",
        description="Emails a one-time link that expires in 7 days. Only an owner may invite "
        "an owner. Inviting an address again replaces its pending invitation. 409 "
        "already_member if the address is a member; 503 email_unavailable if the email "
        "could not be sent (nothing is saved then).",
        tags=TAGS,
        request=InvitationSerializer,
        responses={
            201: InvitationSerializer,
            **error_responses(400, 401, 403, 404, 409, 503),
        },
    ),
)
class InvitationListView(OrganizationEndpoint):
    policy = {"GET": "invitations.read", "POST": "invitations.manage"}
    serializer_class = InvitationSerializer

    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(selectors.invitation_list_pending())
        return self.get_paginated_response(InvitationSerializer(page, many=True).data)

    def post(self, request: Request, org: str) -> Response:
        data = InvitationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            org=self.organization, acting_role=self.role, actor=self.actor, **data.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    delete=extend_schema(
        operation_id="invitations_revoke",
        summary="Revoke a pending invitation",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class InvitationDetailView(OrganizationEndpoint):
    policy = {"DELETE": "invitations.manage"}
    serializer_class = InvitationSerializer

    def delete(self, request: Request, org: str, invitation_id: int) -> Response:
        invitation: Invitation | None = selectors.invitation_get_pending(
            invitation_id=invitation_id
        )
        if invitation is None:
            raise exceptions.NotFound("No such pending invitation.")
        services.invitation_revoke(invitation=invitation, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        operation_id="invitations_accept",
        summary="Accept an invitation",
        description="Public. If an account with the invited email exists, sign in as it first "
        "(401 sign_in_required; 403 invitation_for_another_user when signed in as someone "
        "else). Otherwise the account is created with `password` (and `name`). 400 "
        "invalid_invitation for an unknown, expired or used token; 409 already_member.",
        tags=TAGS,
        auth=[*PERSON_ONLY, {}],
        request=InvitationAcceptSerializer,
        responses={
            200: InvitationAcceptedSerializer,
            **error_responses(400, 401, 403, 409),
        },
    ),
)
class InvitationAcceptView(generics.GenericAPIView):
    permission_classes = [permissions.AllowAny, NotAnApiToken]
    serializer_class = InvitationAcceptSerializer
    filter_backends: list = []

    def post(self, request: Request) -> Response:
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership, created = services.invitation_accept(
            caller=request.user, actor=Actor.from_request(request), **data.validated_data
        )
        body = {
            "org": membership.org,
            "role": membership.role,
            "user": membership.user,
            "user_created": created,
        }
        return Response(InvitationAcceptedSerializer(body).data)
