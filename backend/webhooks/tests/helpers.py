from datetime import timedelta

from django.utils import timezone
from django_scopes import scopes_disabled

from webhooks import services
from webhooks.models import WebhookDelivery


def drain(*, rounds: int = 20) -> int:
    """Dispatch every event and attempt every due delivery, as workers would; returns
    how many attempts were made."""
    attempts = 0
    for _ in range(rounds):
        services.events_dispatch()
        due = services.deliveries_due()
        if not due:
            return attempts
        for delivery_id in due:
            if services.delivery_attempt(delivery_id) is not None:
                attempts += 1
    return attempts


def time_passes() -> None:
    """Every scheduled retry is due now (instead of waiting for its backoff)."""
    with scopes_disabled():
        WebhookDelivery.objects.filter(status="pending").update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
