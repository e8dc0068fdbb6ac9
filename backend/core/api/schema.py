"""The OpenAPI schema class, and security schemes for our own authentication classes.

simplejwt's ``JWTAuthentication`` is described by drf-spectacular's bundled
extension (scheme ``jwtAuth``); this module adds ``apiToken`` for organization API
tokens. Extensions register themselves when this module is imported (an
``AppConfig.ready``).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework.pagination import CursorPagination


class ApiAutoSchema(AutoSchema):
    """Names a cursor-paginated list apart from a page-numbered list of the same
    items: both would be ``Paginated<Item>List``, one component, and one of the two
    operations would be described with the other's envelope (``count`` or not)."""

    def get_paginated_name(self, serializer_name: str) -> str:
        pagination = getattr(self.view, "pagination_class", None)
        if pagination is not None and issubclass(pagination, CursorPagination):
            return f"{serializer_name}CursorPage"
        return super().get_paginated_name(serializer_name)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cot_…",
            "description": (
                "An organization API token: `Authorization: Bearer cot_…`. It works only "
                "under its own organization's `/api/v1/orgs/{org}/…` paths, with its role."
            ),
        }
