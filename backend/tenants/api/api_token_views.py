"""Organization API tokens: list, create (the secret shown once) and revoke."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.caching import no_store
from core.api.errors import error_response, error_responses
from tenants import selectors, services
from tenants.api.api_token_serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
)
from tenants.api.tenancy import OrganizationEndpoint
from tenants.models import ApiToken


class ApiTokenListView(OrganizationEndpoint):
    policy = {"GET": "tokens.read", "POST": "tokens.manage"}
    serializer_class = ApiTokenSerializer

    @extend_schema(
        operation_id="api_tokens_list",
        summary="List API tokens",
        description="Never the secrets: name, role, display prefix and use times.",
        tags=["api-tokens"],
        responses={200: ApiTokenSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(selectors.api_token_list())
        return self.get_paginated_response(ApiTokenSerializer(page, many=True).data)

    @extend_schema(
        operation_id="api_tokens_create",
        summary="Create an API token",
        description=(
            "The secret `token` is in this response only. A token's role may not exceed "
            "yours (403 `role_above_your_own`); API tokens cannot create tokens (403)."
        ),
        tags=["api-tokens"],
        request=ApiTokenCreateSerializer,
        responses={
            201: ApiTokenCreatedSerializer,
            **error_responses(400, 401),
            403: error_response(
                "permission_denied (your role, or the caller is an API token) or "
                "role_above_your_own"
            ),
            **error_responses(404),
        },
    )
    @no_store
    def post(self, request: Request, org: str) -> Response:
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = services.api_token_create(
            org=self.organization,
            created_by=self.acting_user,
            creator_role=self.role,
            actor=self.actor,
            **data.validated_data,
        )
        body = {**ApiTokenSerializer(token).data, "token": secret}
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(OrganizationEndpoint):
    policy = {"DELETE": "tokens.manage"}

    @extend_schema(
        operation_id="api_tokens_revoke",
        summary="Revoke an API token",
        description="The token is refused (401) from its next request on.",
        tags=["api-tokens"],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: Request, org: str, token_id: str) -> Response:
        services.api_token_revoke(
            token=self.get_object_or_404(ApiToken, token_id), actor=self.actor
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
