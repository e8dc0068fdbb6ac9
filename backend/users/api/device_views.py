"""The CLI's device sign-in (RFC 8628): the two protocol endpoints the CLI calls
(answered by Authlib, form-encoded in, JSON out, not part of the JSON API's schema),
the dashboard's approval endpoints, and the person's signed-in devices."""

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from core.ratelimit import allow
from tenants.api.tenancy import OrganizationEndpoint
from tenants.models import Membership
from users import device_flow, selectors, services
from users.api.views import PersonView
from users.throttles import DeviceCodeThrottle, DeviceVerifyIpThrottle, DeviceVerifyPersonThrottle


@method_decorator(csrf_exempt, name="dispatch")
class DeviceAuthorizationView(View):
    """``POST /api/v1/auth/device/code``: RFC 8628 §3.1 (``client_id=coditect-cli``,
    and what the CLI says it is: ``hostname``, ``platform``, ``client_version``)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        throttle = DeviceCodeThrottle()
        allowed, _ = allow([throttle], Request(request))
        if not allowed:
            response = HttpResponse(
                '{"error": "slow_down", "error_description": "Too many sign-in requests."}',
                status=429,
                content_type="application/json",
            )
            response["Retry-After"] = str(throttle.wait() or 60)
            return response
        return no_store_response(device_flow.device_authorization_response(request))


@method_decorator(csrf_exempt, name="dispatch")
class DeviceTokenView(View):
    """``POST /api/v1/auth/device/token``: the token endpoint the CLI polls (§3.4)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        return no_store_response(device_flow.device_token_response(request))


def no_store_response(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


class UserCodeSerializer(serializers.Serializer):
    user_code = serializers.CharField(max_length=20)


class DeviceDecisionSerializer(UserCodeSerializer):
    approve = serializers.BooleanField()


class DeviceRequestSerializer(serializers.Serializer):
    device_info = serializers.DictField(
        help_text="What the CLI said it is: hostname, platform, client_version."
    )
    ip_address = serializers.IPAddressField(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    status = serializers.CharField()


class DeviceVerifyView(PersonView):
    throttle_classes = [DeviceVerifyIpThrottle, DeviceVerifyPersonThrottle]


class DeviceLookupView(DeviceVerifyView):
    @extend_schema(
        operation_id="auth_device_lookup",
        summary="What is asking to sign in with this code",
        description="The dashboard's `/device` page shows it before the person approves. "
        "Rate limited per IP and per person (guessing codes).",
        tags=["auth"],
        request=UserCodeSerializer,
        responses={
            200: DeviceRequestSerializer,
            **error_responses(400, 401, 429),
            404: error_response("invalid_user_code"),
        },
    )
    def post(self, request: Request) -> Response:
        data = UserCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = device_flow.device_authorization_pending(**data.validated_data)
        return Response(DeviceRequestSerializer(row).data)


class DeviceDecideView(DeviceVerifyView):
    @extend_schema(
        operation_id="auth_device_decide",
        summary="Approve or deny a CLI's sign-in",
        description="Approved: the CLI gets a sign-in of the person at its next poll. "
        "Denied: it gets `access_denied`. Decided once.",
        tags=["auth"],
        request=DeviceDecisionSerializer,
        responses={
            200: DeviceRequestSerializer,
            **error_responses(400, 401, 429),
            404: error_response("invalid_user_code"),
            409: error_response("device_code_decided"),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        data = DeviceDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = device_flow.device_authorization_decide(user=request.user, **data.validated_data)
        return Response(DeviceRequestSerializer(row).data)


class DeviceSignInSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    device_info = serializers.DictField()
    created_at = serializers.DateTimeField(help_text="When the person approved it.")
    rotated_at = serializers.DateTimeField(
        allow_null=True, help_text="Its last token refresh: roughly when it was last used."
    )
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()


class DeviceSignInListView(PersonView):
    @extend_schema(
        operation_id="auth_devices_list",
        summary="The signed-in person's CLI sign-ins",
        tags=["auth"],
        responses={200: DeviceSignInSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        families = selectors.device_sign_ins(user=request.user)[:200]
        return Response(DeviceSignInSerializer(families, many=True).data)


class DeviceSignInDetailView(PersonView):
    @extend_schema(
        operation_id="auth_device_revoke",
        summary="Revoke one of the person's CLI sign-ins",
        description="Its refresh token stops working at once, and so do its seat acquires.",
        tags=["auth"],
        responses={204: None, **error_responses(401), 404: error_response("not_found")},
    )
    def delete(self, request: Request, family_id: str) -> Response:
        if not services.device_sign_in_revoke(user=request.user, family_id=family_id):
            return Response(
                {"error": {"code": "not_found", "message": "No such sign-in.", "details": {}}},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberDevicesRevokeOutputSerializer(serializers.Serializer):
    revoked = serializers.IntegerField()


class MemberDevicesRevokeView(OrganizationEndpoint):
    policy = {"POST": "members.manage"}

    @extend_schema(
        operation_id="member_devices_revoke",
        summary="Revoke all of a member's CLI sign-ins",
        tags=["organizations"],
        request=None,
        responses={
            200: MemberDevicesRevokeOutputSerializer,
            **error_responses(401, 403, 404),
        },
    )
    def post(self, request: Request, org: str, user_id: str) -> Response:
        membership = Membership.objects.select_related("user").filter(user_id=user_id).first()
        if membership is None:
            return Response(
                {"error": {"code": "not_found", "message": "No such member.", "details": {}}},
                status=status.HTTP_404_NOT_FOUND,
            )
        revoked = services.member_sign_ins_revoke(user=membership.user)
        return Response({"revoked": revoked})
