"""The base of every ``/api/v1/orgs/{org}/…`` endpoint.

It turns ``{org}`` (slug or id) into an ``Organization``, checks the caller's
membership (or API token) and role against ``core.roles.POLICY``, and runs the
handler inside that organization's scope. A caller who is not a member gets
404, exactly like a missing organization; a member whose role is too low, 403.
Subclasses set ``policy = {"GET": "licenses.read", ...}`` and use
``self.organization``; they never override the permission or scope hooks.
"""

import uuid
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from core.actor import Actor
from core.errors import DomainError
from core.roles import POLICY, Role
from tenants.authentication import ApiTokenPrincipal
from tenants.models import Membership, Organization


def organization_lookup(ref: str | None) -> Organization | None:
    if not ref:
        return None
    with scopes_disabled():
        try:
            return Organization.objects.get(id=uuid.UUID(ref))
        except (ValueError, Organization.DoesNotExist):
            return Organization.objects.filter(slug=ref).first()


def caller_role(request: Request, org: Organization) -> Role | None:
    user = request.user
    if isinstance(user, ApiTokenPrincipal):
        return Role.parse(user.token.role) if user.token.org_id == org.id else None
    with scope(org=org):
        membership = Membership.objects.filter(user_id=user.pk).only("role").first()
    return Role.parse(membership.role) if membership else None


class TwoFactorRequiredByOrganization(DomainError):
    code = "two_factor_required_by_organization"

    def __init__(self, org: Organization) -> None:
        how = f" (or link {org.sign_in_provider} to your account)" if org.sign_in_provider else ""
        super().__init__(
            f"{org.name} requires two-factor of its owners and admins: turn it on in your "
            f"account settings{how}, then try again.",
            details={"organization": org.slug},
        )


def two_factor_satisfied(user: Any, org: Organization) -> bool:
    """Whether a person meets the organization's two-factor rule for admin work: an
    authenticator app, or the organization's own provider linked (it brings its own).
    API tokens are no person and are not asked."""
    if not org.require_two_factor or user is None:
        return True
    if TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists():
        return True
    provider = org.sign_in_provider
    return bool(provider) and user.identities.filter(provider=provider).exists()


ORG_PARAMETER = OpenApiParameter(
    "org", str, OpenApiParameter.PATH, description="The organization's slug or id."
)


@extend_schema(parameters=[ORG_PARAMETER])
class OrganizationEndpoint(generics.GenericAPIView):
    policy: dict[str, str] = {}
    # Filtering is explicit per view (its selector takes the parameters).
    filter_backends: list = []
    organization: Organization
    role: Role
    # Who calls, for the services: built once per request, with the role.
    actor: Actor

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        found = organization_lookup(kwargs.get("org"))
        self._found_organization = found
        with scope(org=found):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        org = self._found_organization
        role = caller_role(request, org) if org is not None else None
        if org is None or role is None:
            raise exceptions.NotFound("No such organization.")
        self.organization, self.role = org, role
        self.actor = Actor.from_request(request)
        policy = self.policy.get(request.method)
        if policy is None:
            raise exceptions.MethodNotAllowed(request.method)
        required = POLICY[policy]
        if role < required:
            raise exceptions.PermissionDenied(
                f"This needs the {required.name.lower()} role; you are {role.name.lower()}."
            )
        if required >= Role.ADMIN and not two_factor_satisfied(self.acting_user, org):
            raise TwoFactorRequiredByOrganization(org)

    def get_object_or_404(self, model: type, pk: Any) -> Any:
        """An object of this organization by id; another organization's is just missing."""
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            raise exceptions.NotFound()
        return obj

    @property
    def acting_user(self) -> Any:
        """The person behind the request, or None for an API token."""
        user = self.request.user
        return None if isinstance(user, ApiTokenPrincipal) else user
