"""Assertions helpers of the tenants API tests."""

from django_scopes import scope

from audit.models import AuditEvent
from tenants.models import Membership, Organization


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
