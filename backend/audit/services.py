from typing import Any

from django.db.models import Model

from audit.models import AuditEvent
from core.actor import Actor


def audit_record(
    *,
    org: Any,
    actor: Actor,
    action: str,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a change to ``org``'s objects by ``actor``. Callers pass plain data only:
    never a secret."""
    return AuditEvent.objects.create(
        org=org,
        actor=actor.user,
        actor_token=actor.api_token,
        actor_system=actor.system if actor.user is None and actor.api_token is None else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_name=target_display_name(target),
        before=before,
        after=after,
        ip_address=actor.ip_address,
        request_id=actor.request_id or "",
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
