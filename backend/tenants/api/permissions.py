"""Permissions of the endpoints that have no organization in their path."""

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from tenants.authentication import ApiTokenPrincipal


class NotAnApiToken(permissions.BasePermission):
    """Refuse organization API tokens: they act inside one organization's paths only."""

    message = "An API token cannot do this; sign in as a person."

    def has_permission(self, request: Request, view: Any) -> bool:
        return not isinstance(request.user, ApiTokenPrincipal)


class IsPerson(NotAnApiToken):
    """A signed-in person (JWT), not an API token and not anonymous."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and super().has_permission(request, view)
