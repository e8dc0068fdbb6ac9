"""Reads for the signed-in user and their linked identities."""

from django.db.models import QuerySet
from django_scopes import scopes_disabled

from tenants.models import Membership
from users.models import ExternalIdentity, RefreshTokenFamily, User


def user_memberships(*, user: User) -> list[Membership]:
    """Every organization the user belongs to, with their role, by organization name.

    A person's own memberships span tenants by nature: this is the one read that
    looks across organizations, and it only ever returns the caller's own rows.
    """
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user).select_related("org").order_by("org__name")
        )


def identity_list(*, user: User) -> QuerySet[ExternalIdentity]:
    """The provider accounts linked to the user, oldest first."""
    return ExternalIdentity.objects.filter(user=user).order_by("created_at", "pk")


def sign_in_live(*, user_id: str, family_id: str) -> bool:
    """Whether this sign-in (refresh-token family) of an active person is not revoked."""
    return RefreshTokenFamily.objects.filter(
        pk=family_id, user_id=user_id, user__is_active=True, revoked_at__isnull=True
    ).exists()


def device_sign_ins(*, user: User) -> QuerySet[RefreshTokenFamily]:
    """The person's CLI sign-ins (device grant), newest first, revoked ones included."""
    return RefreshTokenFamily.objects.filter(
        user=user, kind=RefreshTokenFamily.Kind.DEVICE
    ).order_by("-created_at")
