from django.db.models import Prefetch, QuerySet

from webhooks.models import (
    NotificationPreference,
    UtilizationLevel,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


def endpoint_list() -> QuerySet[WebhookEndpoint]:
    """The endpoints of the organization in scope, newest first."""
    return WebhookEndpoint.objects.order_by("-created_at")


def delivery_list(*, endpoint: WebhookEndpoint, status: str = "") -> QuerySet[WebhookDelivery]:
    """An endpoint's delivery log, newest first, each with its attempts."""
    rows = (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-id")
    )
    return rows.filter(status=status) if status else rows


def notification_preference_get(*, org, user) -> NotificationPreference:
    """The person's preferences (the defaults when they never saved any)."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    return found or NotificationPreference(org=org, user=user)


def utilization_level_get(*, license_) -> UtilizationLevel:
    """The license's thresholds and level (an unsaved default row if it has none)."""
    found = UtilizationLevel.objects.filter(license_id=license_.pk).first()
    return found or UtilizationLevel(license=license_, org_id=license_.org_id)
