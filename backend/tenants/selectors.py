"""Reads of the tenants app. Member and invitation reads run in the organization's scope."""

import uuid
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from tenants.models import ApiToken, Invitation, Membership, Organization


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
