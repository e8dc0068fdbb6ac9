"""Assertions helpers of the tenants API tests."""

from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from tenants.models import Invitation, Membership, Organization


def roles_of(org: Organization) -> dict[str, str]:
    with scope(org=org):
        return dict(Membership.objects.values_list("user__email", "role"))


def audit_rows(org: Organization) -> list[tuple]:
    with scope(org=org):
        return list(
            AuditEvent.objects.order_by("created_at").values_list(
                "action", "actor_id", "target_type", "target_id"
            )
        )


def snapshot(org: Organization) -> dict:
    """Everything of an organization an API call could change."""
    with scopes_disabled():
        org = Organization.objects.get(pk=org.pk)
        return {
            "org": (org.name, org.slug),
            "members": sorted(
                Membership.objects.filter(org=org).values_list("user_id", "role", "created_at")
            ),
            "invitations": sorted(
                Invitation.objects.filter(org=org).values_list(
                    "id", "email", "role", "token_digest", "accepted_at"
                )
            ),
            "audit": AuditEvent.objects.filter(org=org).count(),
        }
