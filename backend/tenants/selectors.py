"""Reads of the tenants app. Member, invitation and group reads run in the organization's
scope."""

import uuid
from collections.abc import Collection
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django_scopes import scope

from tenants.models import (
    ApiToken,
    Invitation,
    Membership,
    Organization,
    PersonGroup,
    PersonGroupMember,
)


def organization_list_for(*, user: Any) -> QuerySet[Organization]:
    """The organizations ``user`` belongs to, each annotated with the user's ``role``."""
    return (
        Organization.objects.filter(memberships__user=user)
        .annotate(role=F("memberships__role"))
        .order_by("name", "slug")
    )


def member_list() -> QuerySet[Membership]:
    """Members of the organization in scope, oldest first."""
    return Membership.objects.select_related("user").order_by("created_at", "id")


def member_get(*, user_id: uuid.UUID) -> Membership | None:
    return Membership.objects.select_related("user").filter(user_id=user_id).first()


def invitation_list_pending() -> QuerySet[Invitation]:
    """Invitations of the organization in scope that can still be accepted, newest first."""
    return Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-id")


def invitation_get_pending(*, invitation_id: int) -> Invitation | None:
    """A not yet accepted invitation (expired ones too, so they can be revoked)."""
    return Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True).first()


def api_token_list() -> QuerySet[ApiToken]:
    """API tokens of the organization in scope, newest first, revoked ones included."""
    return ApiToken.objects.select_related("created_by").order_by("-created_at")


def group_list(*, search: str = "") -> QuerySet[PersonGroup]:
    """Groups of the organization in scope by name, each with its ``member_count``."""
    groups = PersonGroup.objects.annotate(member_count=Count("members")).order_by("name", "slug")
    if search:
        groups = groups.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    return groups


def group_get(*, group_id: uuid.UUID) -> PersonGroup | None:
    return PersonGroup.objects.annotate(member_count=Count("members")).filter(pk=group_id).first()


def group_member_list(*, group: PersonGroup) -> QuerySet[PersonGroupMember]:
    """The group's people, by when they were added."""
    return (
        PersonGroupMember.objects.filter(group=group)
        .select_related("user")
        .order_by("created_at", "id")
    )


def groups_of_person(*, org_id: Any, user_id: Any, among: Collection[str]) -> set[str]:
    """Which of the groups ``among`` (ids) of an organization the person is in: one
    query, for a person's acquire (``licenses.services.seats``), outside any scope."""
    with scope(org=org_id):
        return {
            str(group_id)
            for group_id in PersonGroupMember.objects.filter(
                org_id=org_id, user_id=user_id, group_id__in=list(among)
            ).values_list("group_id", flat=True)
        }
