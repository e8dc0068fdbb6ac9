from typing import Any

from django.db.models import Model
from rest_framework.request import Request

from audit.models import AuditEvent
from tenants.authentication import ApiTokenPrincipal
from tenants.models import Organization


def audit_record(
    *,
    org: Organization,
    request: Request | None,
    action: str,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Record an admin change. Callers pass plain data only: never a secret.

    The actor is the request's user (or API token); pass ``actor`` only when the person
    acting is not signed in yet, e.g. someone whose account an invitation creates."""
    user = getattr(request, "user", None)
    token = user.token if isinstance(user, ApiTokenPrincipal) else None
    person = user if user is not None and not token and user.is_authenticated else None
    if actor is not None:
        person, token = actor, None
    return AuditEvent.objects.create(
        org=org,
        actor=person,
        actor_token=token,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_name=target_display_name(target),
        before=before,
        after=after,
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def target_display_name(target: Model) -> str:
    """What a person calls the object: its name, email or machine, not a type and a UUID."""
    user = getattr(target, "user", None)
    for value in (
        getattr(target, "email", None),  # a person or an invitation: their address
        getattr(target, "name", None),
        getattr(user, "email", None),  # a membership: whose it is
        getattr(target, "hardware_id", None),  # a session: the machine that held it
    ):
        if isinstance(value, str) and value:
            return value[:200]
    return str(target)[:200]
