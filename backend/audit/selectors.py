"""Reads of the audit trail of the organization in scope."""

from collections.abc import Mapping
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """``since`` is inclusive and ``until`` exclusive, so consecutive windows never overlap."""

    action = django_filters.CharFilter()
    actor = django_filters.UUIDFilter(field_name="actor_id")
    target_type = django_filters.CharFilter()
    target_id = django_filters.CharFilter()
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "target_type", "target_id", "since", "until"]


def audit_event_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """Audit events of the organization in scope, newest first; invalid filters raise
    ``ValidationError`` naming the parameters at fault."""
    events = AuditEvent.objects.select_related("actor", "actor_token").order_by(
        "-created_at", "-id"
    )
    found = AuditEventFilter(filters or {}, queryset=events)
    if not found.is_valid():
        raise ValidationError(dict(found.errors))
    return found.qs
