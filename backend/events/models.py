import uuid

from django.db import models
from django_scopes import ScopedManager


class Event(models.Model):
    """Something an organization's systems may care about, written in the transaction of
    the change that caused it (the outbox): if the change commits, so does its event,
    and the webhooks app delivers it however the process that wrote it ends.

    ``dispatched_at`` is set once the event has been turned into deliveries (one per
    subscribed endpoint); until then the dispatcher finds it through a partial index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # By name, not by import: events is a leaf every app writes to, like audit.
    org = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    # Who caused it, as the audit log names them (a person's email, "api-token:ci",
    # "system:reaper"); empty for the seat protocol's clients.
    actor = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [
            models.Index(fields=["org", "-created_at"], name="event_org_time"),
            models.Index(
                fields=["created_at"],
                name="event_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"
