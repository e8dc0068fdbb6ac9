import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager

from events import types as event_types

# Deliveries are named by their event and endpoint (uuid5): the same pair is always the
# same delivery, and so the same ``webhook-id``, however often a dispatcher retries.
DELIVERY_NAMESPACE = uuid.UUID("6b7c1f52-3f0e-4c1e-9a55-7f0a9a5d2f11")


def delivery_id_for(event_id: uuid.UUID, endpoint_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(DELIVERY_NAMESPACE, f"{event_id}:{endpoint_id}")


class WebhookEndpoint(models.Model):
    """A URL of the organization's systems that receives the events it subscribes to.

    The signing secrets are kept encrypted (``webhooks.secrets``): HMAC signing needs
    them, so a digest would not do. After a rotation the previous secret also signs
    until ``previous_secret_expires_at``, so a receiver that still has it keeps
    verifying."""

    class DisabledReason(models.TextChoices):
        NONE = "", "enabled"
        MANUAL = "manual", "disabled by an admin"
        FAILING = "failing", "disabled after failing for too long"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "tenants.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True, default="")
    # Types or patterns (``license.*``, ``*``): events.types.matches.
    event_types = models.JSONField(default=list)
    is_enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(
        max_length=16, choices=DisabledReason.choices, blank=True, default=""
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    secret_encrypted = models.TextField()
    secret_prefix = models.CharField(max_length=16)
    previous_secret_encrypted = models.TextField(blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Since when every attempt has failed (None: the last one succeeded).
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [models.Index(fields=["org", "is_enabled"], name="webhook_org_enabled")]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return any(event_types.matches(pattern, event_type) for pattern in self.event_types)


class WebhookDelivery(models.Model):
    """One event to one endpoint, until it succeeds or its retries run out.

    A worker claims an attempt with a conditional update that sets ``lease_until``; a
    worker killed mid-attempt leaves a lease that expires, and the sweep tries again."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, editable=False)
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    retry_until = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_time"),
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.webhook_id

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` header: the same on every attempt, for de-duplication."""
        return f"msg_{self.id.hex}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the delivery log an admin reads."""

    class Trigger(models.TextChoices):
        AUTOMATIC = "automatic"
        MANUAL = "manual"

    id = models.BigAutoField(primary_key=True)
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default="automatic")
    started_at = models.DateTimeField()
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [models.Index(fields=["delivery", "number"], name="attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class NotificationPreference(models.Model):
    """Which emails a person of an organization wants. No row: the defaults (all on for
    owners and admins, who are the only ones emailed)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    utilization = models.BooleanField(default=True)
    denials_digest = models.BooleanField(default=True)
    license_expiring = models.BooleanField(default=True)
    endpoint_disabled = models.BooleanField(default=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "user"], name="uniq_notification_pref")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.org_id}"


class NotificationSent(models.Model):
    """A notification already sent, by a key that names what it was about (``denials:
    2026-12-06``): the unique key is what makes a retried or repeated task send once."""

    id = models.BigAutoField(primary_key=True)
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="uniq_notification")]

    def __str__(self) -> str:
        return self.key


class UtilizationLevel(models.Model):
    """The highest utilization threshold a license is at, for hysteresis: it goes up when
    use reaches a threshold and comes down only once use is ``UTILIZATION_HYSTERESIS``
    points below it, so a license hovering at the line does not flap."""

    license = models.OneToOneField(
        "licenses.License", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    # Percentages; empty: the deployment's UTILIZATION_THRESHOLDS.
    thresholds = models.JSONField(default=list, blank=True)
    level = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(org="org")

    def __str__(self) -> str:
        return f"{self.license_id} at {self.level}%"
