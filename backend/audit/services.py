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
        before=before,
        after=after,
        ip_address=actor.ip_address,
        request_id=actor.request_id or "",
    )
