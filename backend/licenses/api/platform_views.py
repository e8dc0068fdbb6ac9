"""The signing root, for platform operators: ``/api/v1/platform/signing-roots``.

Platform operators are staff users signed in as themselves; an organization's API
token or any tenant role is refused (403), since the root vouches for every tenant.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.actor import Actor
from core.api.errors import error_response, error_responses
from licenses import selectors
from licenses.services.signing_roots import (
    publication_ends,
    signing_root_activate,
    signing_root_publish,
)

TAGS = ["platform"]


class IsPlatformOperator(BasePermission):
    message = "Only platform operators manage the signing root."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            getattr(user, "is_authenticated", False)
            and getattr(user, "api_token", None) is None
            and getattr(user, "is_staff", False)
        )


class SigningRootSerializer(serializers.Serializer):
    kid = serializers.CharField()
    state = serializers.ChoiceField(choices=["next", "active", "retired"])
    backend = serializers.CharField()
    reference = serializers.CharField()
    algorithm = serializers.CharField()
    created_at = serializers.DateTimeField()
    activated_at = serializers.DateTimeField(allow_null=True)
    retired_at = serializers.DateTimeField(allow_null=True)
    verify_until = serializers.DateTimeField(allow_null=True)
    may_activate_at = serializers.SerializerMethodField()

    def get_may_activate_at(self, key) -> str:
        return publication_ends(key).isoformat()


class PublishSerializer(serializers.Serializer):
    reference = serializers.CharField(
        required=False,
        max_length=500,
        help_text="The next key: a PKCS#11 key label or a Cloud KMS key version name. "
        "Omitted: the server makes a new key (file and pkcs11 backends).",
    )


class SigningRootListView(APIView):
    permission_classes = [IsPlatformOperator]

    @extend_schema(
        operation_id="signing_roots_list",
        summary="List signing roots",
        tags=TAGS,
        responses={200: SigningRootSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(SigningRootSerializer(selectors.signing_roots(), many=True).data)

    @extend_schema(
        operation_id="signing_roots_publish",
        summary="Publish the next signing root",
        description="Step one of a rotation: the next root is in the JWKS from now on and "
        "certifies nothing until activated, at `may_activate_at` at the earliest.",
        tags=TAGS,
        request=PublishSerializer,
        responses={
            201: SigningRootSerializer,
            **error_responses(400, 401, 403),
            409: error_response("signing_root_retired"),
            503: error_response("signing_unavailable: the next root cannot sign"),
        },
    )
    def post(self, request: Request) -> Response:
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        key = signing_root_publish(
            reference=body.validated_data.get("reference"), actor=Actor.from_request(request)
        )
        return Response(SigningRootSerializer(key).data, status=status.HTTP_201_CREATED)


class SigningRootActivateView(APIView):
    permission_classes = [IsPlatformOperator]

    @extend_schema(
        operation_id="signing_roots_activate",
        summary="Make a published signing root certify",
        description="Step two of a rotation. The active root retires and stays in the JWKS "
        "until every token it vouched for has expired.",
        tags=TAGS,
        request=None,
        responses={
            200: SigningRootSerializer,
            **error_responses(401, 403, 404),
            409: error_response(
                "signing_root_not_ready (published too recently: details.ready_at) or "
                "signing_root_retired"
            ),
        },
    )
    def post(self, request: Request, kid: str) -> Response:
        key = signing_root_activate(kid=kid, actor=Actor.from_request(request))
        return Response(SigningRootSerializer(key).data)
