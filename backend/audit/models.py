import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class AuditEvent(models.Model):
    """Who did what to which object, when and from where; written by services.

    Who: a person (``actor``), an organization API token (``actor_token``) or a named
    part of the system (``actor_system``: "reaper", "command:create_license"…), from a
    ``core.actor.Actor``. ``request_id`` ties the row to the request's log lines."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # By name, not by import: audit is a leaf every app writes to.
    org = models.ForeignKey(
        "tenants.Organization", on_delete=models.CASCADE, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_token = models.ForeignKey(
        "tenants.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_system = models.CharField(max_length=64, blank=True, default="")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    # The target's name when the event was written: the object may be renamed or gone.
    target_name = models.CharField(max_length=200, blank=True, default="")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        indexes = [
            models.Index(fields=["org", "-created_at"], name="audit_org_time"),
            models.Index(fields=["org", "action", "-created_at"], name="audit_org_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
