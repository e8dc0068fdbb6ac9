"""Organizations' sign-in policies, as they bear on one person.

- ``sso_only``: a member of such an organization signs in through its provider;
  their password, and any other provider, is refused (``SsoRequired`` says where
  to go instead).
- ``require_two_factor``: its owners and admins need two-factor on, or to have
  linked the organization's own provider (which brings its own); without it their
  admin operations are refused with what to do (tenants.api.tenancy, which also
  holds that check).
- ``auto_join``: a new person who signs in through the organization's provider with
  an address at one of its domains joins as a member. The provider is the
  organization's own, so it vouches for the address; off by default.

A person's policies span their organizations: these reads look across tenants,
and only ever at the person's own memberships.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope, scopes_disabled

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from tenants.models import Membership, Organization
from users.models import User

ADMIN_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)


class SsoRequired(DomainError):
    code = "sso_required"
    message = "Your organization signs you in through its own provider: use that button."


def _orgs(user: User, **conditions: Any) -> list[Organization]:
    with scopes_disabled():
        return list(
            Organization.objects.filter(memberships__user=user, **conditions)
            .distinct()
            .order_by("slug")
        )


def sign_in_method_check(*, user: User, provider: str = "") -> None:
    """Refuse a sign-in (by password when ``provider`` is empty) of a member of an
    SSO-only organization that did not come through that organization's provider."""
    strict = [org for org in _orgs(user, sso_only=True) if org.sign_in_provider != provider]
    if strict:
        org = strict[0]
        raise SsoRequired(
            f"{org.name} signs its members in through its own provider: use that button.",
            details={"organization": org.slug, "provider": org.sign_in_provider},
        )


def two_factor_required_by(*, user: User) -> list[str]:
    """Slugs of the organizations that require two-factor of this person."""
    orgs = _orgs(user, require_two_factor=True, memberships__role__in=ADMIN_ROLES)
    return [org.slug for org in orgs]


def auto_join(*, user: User, provider_id: str, email: str) -> list[Organization]:
    """Memberships for a new person, by the organizations that asked for them."""
    domain = email.rsplit("@", 1)[-1].lower()
    joined = []
    candidates = Organization.objects.filter(sign_in_provider=provider_id, auto_join=True)
    for org in candidates:
        if domain in [d.lower() for d in org.sign_in_domains]:
            with scope(org=org):
                Membership.objects.get_or_create(
                    org=org, user=user, defaults={"role": Membership.Role.MEMBER}
                )
                audit_record(
                    org=org,
                    # The person joins by signing in: they are the actor.
                    actor=Actor.system_named("sign-in").as_user(user),
                    action="member.auto_join",
                    target=user,
                    after={"email": user.email, "role": Membership.Role.MEMBER},
                )
            joined.append(org)
    return joined


POLICY_FIELDS = [
    "require_two_factor",
    "sign_in_provider",
    "sso_only",
    "sign_in_domains",
    "auto_join",
]


def _policy_snapshot(org: Organization) -> dict[str, Any]:
    return {field: getattr(org, field) for field in POLICY_FIELDS}


@transaction.atomic
def sign_in_policy_update(
    *, org: Organization, data: dict[str, Any], offered: list[str], actor: Actor
) -> Organization:
    """Change the policy; an SSO-only or auto-join rule needs a provider offered here."""
    before = _policy_snapshot(org)
    for field in POLICY_FIELDS:
        if field in data:
            setattr(org, field, data[field])
    org.sign_in_domains = sorted({domain.lower() for domain in org.sign_in_domains})
    if org.sign_in_provider and org.sign_in_provider not in offered:
        raise ValidationError({"sign_in_provider": ["No provider with this id is offered here."]})
    if (org.sso_only or org.auto_join) and not org.sign_in_provider:
        raise ValidationError({"sign_in_provider": ["Needed for sso_only and auto_join."]})
    org.full_clean(validate_unique=False)
    org.save(update_fields=POLICY_FIELDS)
    audit_record(
        org=org,
        actor=actor,
        action="organization.sign_in_policy",
        target=org,
        before=before,
        after=_policy_snapshot(org),
    )
    return org
