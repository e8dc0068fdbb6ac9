"""An organization's sign-in policy (users.policies)."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import error_responses
from tenants.api.tenancy import OrganizationEndpoint
from users import policies, providers
from users.api.serializers import SignInPolicySerializer


class SignInPolicyView(OrganizationEndpoint):
    policy = {"GET": "sign_in_policy.read", "PATCH": "sign_in_policy.manage"}
    serializer_class = SignInPolicySerializer

    @extend_schema(
        operation_id="sign_in_policy_get",
        summary="The organization's sign-in policy",
        tags=["organizations"],
        responses={200: SignInPolicySerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, org: str) -> Response:
        return Response(SignInPolicySerializer(self.organization).data)

    @extend_schema(
        operation_id="sign_in_policy_set",
        summary="Change the organization's sign-in policy",
        description=(
            "Owners only. `sso_only` refuses members' passwords (they sign in through "
            "`sign_in_provider`); `require_two_factor` asks owners and admins for two-factor "
            "before admin work; `auto_join` adds new people of `sign_in_domains` who sign in "
            "through `sign_in_provider` as members (off by default)."
        ),
        tags=["organizations"],
        request=SignInPolicySerializer,
        responses={200: SignInPolicySerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request: Request, org: str) -> Response:
        data = SignInPolicySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = policies.sign_in_policy_update(
            org=self.organization,
            data=data.validated_data,
            offered=[p.id for p in providers.offered()],
            actor=self.actor,
        )
        return Response(SignInPolicySerializer(updated).data)
