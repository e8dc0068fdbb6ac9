"""Reads of the audit trail of the organization in scope."""

from collections.abc import Iterable, Mapping
from typing import Any

import django_filters
from django.apps import apps
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


def audit_targets_existing(events: Iterable[AuditEvent]) -> set[tuple[str, str]]:
    """The (target_type, target_id) pairs of these events whose object still exists,
    one query per target type (a page of the log links only to what is there)."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        wanted.setdefault(event.target_type, set()).add(event.target_id)
    existing: set[tuple[str, str]] = set()
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # a type that no longer exists
        found = model._default_manager.filter(pk__in=ids).values_list("pk", flat=True)
        existing.update((label, str(pk)) for pk in found)
    return existing
