"""Webhook endpoints and the delivery of events to them.

Delivery, at least once with a stable ``webhook-id``:

1. ``events_dispatch`` turns undispatched events (the outbox, ``events.Event``) into one
   ``WebhookDelivery`` per subscribed, enabled endpoint, named by (event, endpoint), and
   marks the events dispatched, in one transaction; two dispatchers skip each other's
   rows (``SKIP LOCKED``).
2. ``delivery_attempt`` claims a due delivery with a conditional update that sets a
   lease, POSTs it (``outbound.post``: signed, SSRF-checked, bounded), logs the attempt
   and either completes the delivery or schedules the next attempt: exponential backoff
   with jitter, for ``WEBHOOK_RETRY_FOR_SECONDS`` (3 days) from its first attempt.
3. ``deliveries_due`` is what the periodic sweep retries: due deliveries whose lease has
   expired, which includes those of a worker killed mid-attempt.

An endpoint that has failed every attempt for ``WEBHOOK_DISABLE_AFTER_SECONDS`` (and at
least ``WEBHOOK_DISABLE_MIN_FAILURES`` times in a row) is disabled, and the
organization's admins get an email.
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled
from standardwebhooks.webhooks import Webhook

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from events import types as event_types
from events.models import Event
from events.services import actor_label, subscriptions_forget
from webhooks import notifications, outbound, secrets
from webhooks.models import (
    NotificationPreference,
    UtilizationLevel,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    delivery_id_for,
)
from webhooks.notifications import endpoint_disabled_notify

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status


class UnsafeWebhookUrl(DomainError):
    code = "unsafe_webhook_url"
    message = "This URL may not receive webhooks."


class UnknownEventType(DomainError):
    code = "unknown_event_type"
    message = "Unknown event type."


class PersonRequired(DomainError):
    code = "permission_denied"
    message = "Notification preferences are a person's: sign in as one, not with an API token."


class EndpointDisabled(DomainError):
    code = "webhook_endpoint_disabled"
    message = "The endpoint is disabled: enable it first."


# Endpoints ---------------------------------------------------------------------


def _check_url(url: str) -> None:
    try:
        outbound.parse(url)
    except outbound.UnsafeUrl as exc:
        raise UnsafeWebhookUrl(str(exc), details={"url": url}) from None


def _check_event_types(patterns: list[str]) -> list[str]:
    unknown = [p for p in patterns if not event_types.valid_pattern(p)]
    if unknown:
        raise UnknownEventType(
            f"Unknown event types: {', '.join(unknown)}.", details={"event_types": unknown}
        )
    return list(dict.fromkeys(patterns))


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """The audit view: never a secret, only its display prefix."""
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "is_enabled": endpoint.is_enabled,
        "secret_prefix": endpoint.secret_prefix,
    }


def _subscriptions_changed(org_id: Any) -> None:
    transaction.on_commit(lambda: subscriptions_forget(org_id))


@transaction.atomic
def endpoint_create(
    *,
    org: Any,
    url: str,
    event_types: list[str],
    description: str = "",
    is_enabled: bool = True,
    actor: Actor,
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint; returns it with its signing secret, shown this once only."""
    _check_url(url)
    secret = secrets.new_signing_secret()
    endpoint = WebhookEndpoint(
        org=org,
        url=url,
        description=description,
        event_types=_check_event_types(event_types),
        is_enabled=is_enabled,
        disabled_reason="" if is_enabled else WebhookEndpoint.DisabledReason.MANUAL,
        disabled_at=None if is_enabled else timezone.now(),
        secret_encrypted=secrets.encrypt(secret),
        secret_prefix=secrets.display_prefix(secret),
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        org=org, actor=actor, action="webhook.create", target=endpoint, after=_snapshot(endpoint)
    )
    _subscriptions_changed(org.id)
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, data: dict[str, Any], actor: Actor
) -> WebhookEndpoint:
    """Change url, description, event_types or is_enabled. Enabling an endpoint that was
    disabled for failing starts its failure count afresh; events written while it was
    disabled are not delivered to it."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _snapshot(endpoint)
    fields = []
    if "url" in data:
        _check_url(data["url"])
        endpoint.url = data["url"]
        fields.append("url")
    if "description" in data:
        endpoint.description = data["description"]
        fields.append("description")
    if "event_types" in data:
        endpoint.event_types = _check_event_types(data["event_types"])
        fields.append("event_types")
    if "is_enabled" in data and data["is_enabled"] != endpoint.is_enabled:
        endpoint.is_enabled = data["is_enabled"]
        if endpoint.is_enabled:
            endpoint.disabled_reason, endpoint.disabled_at = "", None
            endpoint.failing_since, endpoint.consecutive_failures = None, 0
        else:
            endpoint.disabled_reason = WebhookEndpoint.DisabledReason.MANUAL
            endpoint.disabled_at = timezone.now()
        fields += [
            "is_enabled",
            "disabled_reason",
            "disabled_at",
            "failing_since",
            "consecutive_failures",
        ]
    if not fields:
        return endpoint
    endpoint.full_clean()
    endpoint.save(update_fields=[*fields, "updated_at"])
    audit_record(
        org=endpoint.org,
        actor=actor,
        action="webhook.update",
        target=endpoint,
        before=before,
        after=_snapshot(endpoint),
    )
    _subscriptions_changed(endpoint.org_id)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    audit_record(
        org=endpoint.org,
        actor=actor,
        action="webhook.delete",
        target=endpoint,
        before=_snapshot(endpoint),
    )
    _subscriptions_changed(endpoint.org_id)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, overlap_seconds: int | None = None, actor: Actor
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (returned this once). The old one keeps signing too, for
    ``overlap_seconds`` (default WEBHOOK_SECRET_OVERLAP_SECONDS; 0: not at all), so
    receivers can switch without losing a delivery: both signatures are sent."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    overlap = (
        settings.WEBHOOK_SECRET_OVERLAP_SECONDS if overlap_seconds is None else overlap_seconds
    )
    before = {"secret_prefix": endpoint.secret_prefix}
    secret = secrets.new_signing_secret()
    if overlap > 0:
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = timezone.now() + timedelta(seconds=overlap)
    else:
        endpoint.previous_secret_encrypted, endpoint.previous_secret_expires_at = "", None
    endpoint.secret_encrypted = secrets.encrypt(secret)
    endpoint.secret_prefix = secrets.display_prefix(secret)
    endpoint.save(
        update_fields=[
            "secret_encrypted",
            "secret_prefix",
            "previous_secret_encrypted",
            "previous_secret_expires_at",
            "updated_at",
        ]
    )
    audit_record(
        org=endpoint.org,
        actor=actor,
        action="webhook.rotate_secret",
        target=endpoint,
        before=before,
        after={"secret_prefix": endpoint.secret_prefix, "overlap_seconds": overlap},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_test_send(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookDelivery:
    """A ``webhook.test`` event for this endpoint only, delivered like any other."""
    if not endpoint.is_enabled:
        raise EndpointDisabled()
    event = Event.objects.create(
        org_id=endpoint.org_id,
        type=event_types.WEBHOOK_TEST,
        data={"endpoint_id": str(endpoint.id), "message": "A test event from CODITECT."},
        actor=actor_label(actor),
        dispatched_at=timezone.now(),
    )
    delivery = _delivery_new(event, endpoint)
    delivery.save(force_insert=True)
    transaction.on_commit(lambda: _enqueue([delivery.id]))
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Deliver again, with the same ``webhook-id`` and a fresh retry period: a receiver
    that de-duplicates sees it once more only if it had not taken it."""
    endpoint = delivery.endpoint
    if not endpoint.is_enabled:
        raise EndpointDisabled()
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING,
        next_attempt_at=now,
        retry_until=now + timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS),
        lease_until=None,
        completed_at=None,
    )
    audit_record(
        org=endpoint.org,
        actor=actor,
        action="webhook.redeliver",
        target=endpoint,
        after={"delivery": str(delivery.id), "event": str(delivery.event_id)},
    )
    delivery.refresh_from_db()
    transaction.on_commit(lambda: _enqueue([delivery.id], manual=True))
    return delivery


# Dispatch and delivery ---------------------------------------------------------

_enqueue_hook: Any = None


def enqueue_hook_set(hook: Any) -> None:
    """How new work reaches a worker (``tasks`` sets Celery's); None: not at all, the
    sweep finds it."""
    global _enqueue_hook
    _enqueue_hook = hook


def _enqueue(delivery_ids: list[Any], *, manual: bool = False) -> None:
    if _enqueue_hook is not None and delivery_ids:
        _enqueue_hook([str(i) for i in delivery_ids], manual)


def _delivery_new(event: Event, endpoint: WebhookEndpoint) -> WebhookDelivery:
    now = timezone.now()
    return WebhookDelivery(
        id=delivery_id_for(event.id, endpoint.id),
        org_id=event.org_id,
        endpoint_id=endpoint.id,
        event_id=event.id,
        next_attempt_at=now,
        retry_until=now + timedelta(seconds=settings.WEBHOOK_RETRY_FOR_SECONDS),
    )


def events_dispatch(*, limit: int = 500) -> list[str]:
    """Turn undispatched events into deliveries (see the module); returns the new
    deliveries' ids, oldest event first. An endpoint gets the events written after it
    was created and while it is enabled."""
    with scopes_disabled(), transaction.atomic():
        events = list(
            Event.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("created_at")[:limit]
        )
        if not events:
            return []
        endpoints: dict[Any, list[WebhookEndpoint]] = {}
        for endpoint in WebhookEndpoint.objects.filter(
            org_id__in={e.org_id for e in events}, is_enabled=True
        ):
            endpoints.setdefault(endpoint.org_id, []).append(endpoint)
        deliveries = [
            _delivery_new(event, endpoint)
            for event in events
            for endpoint in endpoints.get(event.org_id, [])
            if endpoint.wants(event.type) and endpoint.created_at <= event.created_at
        ]
        WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        Event.objects.filter(id__in=[e.id for e in events]).update(dispatched_at=timezone.now())
    return [str(d.id) for d in deliveries]


def deliveries_due(*, limit: int = 500, now: datetime | None = None) -> list[str]:
    """Pending deliveries whose next attempt is due and that no worker holds."""
    now = now or timezone.now()
    with scopes_disabled():
        return [
            str(i)
            for i in WebhookDelivery.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .order_by("next_attempt_at", "created_at")
            .values_list("id", flat=True)[:limit]
        ]


def retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: exponential from WEBHOOK_RETRY_BASE_SECONDS,
    capped at WEBHOOK_RETRY_MAX_DELAY_SECONDS, with "equal jitter" (half fixed, half
    random) so that a receiver back from an outage is not hit by every retry at once."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** max(0, attempt - 1))
    delay = min(settings.WEBHOOK_RETRY_MAX_DELAY_SECONDS, base)
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not a secret)


def payload(event: Event) -> bytes:
    """The body: the Standard Webhooks shape (type, timestamp, data)."""
    body = {
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": {**event.data, "organization_id": str(event.org_id), "event_id": str(event.id)},
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one while its
    overlap lasts."""
    found = [secrets.decrypt(endpoint.secret_encrypted)]
    if endpoint.previous_secret_encrypted and (
        endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now
    ):
        found.append(secrets.decrypt(endpoint.previous_secret_encrypted))
    return found


def headers_for(delivery: WebhookDelivery, body: bytes, now: datetime) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` (of this attempt: receivers refuse old
    ones) and ``webhook-signature`` (one ``v1,…`` per signing secret, space-separated),
    made by the ``standardwebhooks`` library."""
    signatures = [
        Webhook(secret).sign(delivery.webhook_id, now, body)
        for secret in signing_secrets(delivery.endpoint, now)
    ]
    return {
        "content-type": "application/json",
        "user-agent": "CODITECT-Webhooks/1",
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True)
class AttemptResult:
    delivery_id: str
    number: int
    succeeded: bool
    status_code: int | None
    disabled_endpoint: bool = False


def delivery_attempt(delivery_id: str, *, manual: bool = False) -> AttemptResult | None:
    """Claim and make one attempt of a due delivery (see the module); None when it is
    not due, done, or held by another worker."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    with scopes_disabled():
        claimed = (
            WebhookDelivery.objects.filter(
                id=delivery_id, status=Status.PENDING, next_attempt_at__lte=now
            )
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .update(lease_until=lease, attempts=F("attempts") + 1)
        )
        if not claimed:
            return None
        delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(id=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_enabled:
        # Kept pending: if the endpoint is enabled again before its retries run out,
        # the sweep delivers it.
        _delivery_finish(delivery, now, None, retry_at=now + timedelta(hours=1))
        return None
    body = payload(delivery.event)
    try:
        reply = outbound.post(endpoint.url, body, headers_for(delivery, body, now))
    except outbound.UnsafeUrl as exc:
        reply = outbound.Reply(None, b"", 0, f"refused: {exc}")
    succeeded = reply.status_code is not None and 200 <= reply.status_code < 300
    error = reply.error
    if reply.status_code is not None and 300 <= reply.status_code < 400:
        error = "redirects are not followed"
    with scopes_disabled():
        WebhookAttempt.objects.create(
            org_id=delivery.org_id,
            endpoint_id=endpoint.id,
            delivery_id=delivery.id,
            number=delivery.attempts,
            trigger=WebhookAttempt.Trigger.MANUAL if manual else WebhookAttempt.Trigger.AUTOMATIC,
            started_at=now,
            succeeded=succeeded,
            status_code=reply.status_code,
            latency_ms=reply.latency_ms,
            response_excerpt=reply.body[: settings.WEBHOOK_RESPONSE_MAX_BYTES].decode(
                "utf-8", "replace"
            ),
            error=error[:500],
        )
    done = timezone.now()
    if succeeded:
        _delivery_finish(delivery, done, reply.status_code, succeeded=True)
        _endpoint_succeeded(endpoint)
        return AttemptResult(delivery_id, delivery.attempts, True, reply.status_code)
    retry_at = done + timedelta(seconds=retry_delay(delivery.attempts))
    _delivery_finish(delivery, done, reply.status_code, retry_at=retry_at)
    disabled = _endpoint_failed(endpoint, done)
    return AttemptResult(delivery_id, delivery.attempts, False, reply.status_code, disabled)


def _delivery_finish(
    delivery: WebhookDelivery,
    now: datetime,
    status_code: int | None,
    *,
    succeeded: bool = False,
    retry_at: datetime | None = None,
) -> None:
    """Record the attempt's outcome if this worker still holds the delivery's lease."""
    changes: dict[str, Any] = {"lease_until": None, "last_status_code": status_code}
    if succeeded:
        changes.update(status=Status.SUCCEEDED, completed_at=now)
    elif retry_at is not None and retry_at <= delivery.retry_until:
        changes.update(next_attempt_at=retry_at)
    else:
        changes.update(status=Status.FAILED, completed_at=now)
    with scopes_disabled():
        WebhookDelivery.objects.filter(
            id=delivery.id, status=Status.PENDING, attempts=delivery.attempts
        ).update(**changes)


def _endpoint_succeeded(endpoint: WebhookEndpoint) -> None:
    if endpoint.failing_since is not None or endpoint.consecutive_failures:
        with scopes_disabled():
            WebhookEndpoint.objects.filter(id=endpoint.id).update(
                failing_since=None, consecutive_failures=0
            )


def _endpoint_failed(endpoint: WebhookEndpoint, now: datetime) -> bool:
    """Count the failure; disable the endpoint once it has failed for long enough.
    Returns whether this call disabled it (then its admins are told, once)."""
    with scopes_disabled(), transaction.atomic():
        WebhookEndpoint.objects.filter(id=endpoint.id, failing_since__isnull=True).update(
            failing_since=now
        )
        WebhookEndpoint.objects.filter(id=endpoint.id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        since = now - timedelta(seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS)
        disabled = WebhookEndpoint.objects.filter(
            id=endpoint.id,
            is_enabled=True,
            failing_since__lte=since,
            consecutive_failures__gte=settings.WEBHOOK_DISABLE_MIN_FAILURES,
        ).update(
            is_enabled=False,
            disabled_reason=WebhookEndpoint.DisabledReason.FAILING,
            disabled_at=now,
        )
        if disabled:
            endpoint.refresh_from_db()
            audit_record(
                org=endpoint.org,
                actor=Actor.system_named("webhooks"),
                action="webhook.disable",
                target=endpoint,
                after={
                    "reason": "failing",
                    "failing_since": endpoint.failing_since.isoformat()
                    if endpoint.failing_since
                    else None,
                    "consecutive_failures": endpoint.consecutive_failures,
                },
            )
            _subscriptions_changed(endpoint.org_id)
            endpoint_id = endpoint.id
            transaction.on_commit(lambda: endpoint_disabled_notify(endpoint_id=endpoint_id))
    return bool(disabled)


def events_prune(*, now: datetime | None = None) -> int:
    """Delete events older than WEBHOOK_LOG_RETENTION_DAYS that are dispatched and have
    no delivery left pending, with their deliveries and attempts (the delivery log);
    returns how many events went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    with scopes_disabled():
        pending = WebhookDelivery.objects.filter(status=Status.PENDING).values("event_id")
        old = Event.objects.filter(created_at__lt=cutoff, dispatched_at__isnull=False).exclude(
            id__in=pending
        )
        _, per_model = old.delete()
    return per_model.get(Event._meta.label, 0)


def subscribed_patterns(org_id: str | None) -> list[str]:
    """What the enabled endpoints of an organization (of all: None) subscribe to; the
    events app's cheap check of opt-in types reads it through its cache."""
    with scopes_disabled():
        rows = WebhookEndpoint.objects.filter(is_enabled=True)
        if org_id is not None:
            rows = rows.filter(org_id=org_id)
        patterns: set[str] = set()
        for event_types_ in rows.values_list("event_types", flat=True):
            patterns.update(event_types_)
    return sorted(patterns)


# Notification preferences ----------------------------------------------------


def notification_preference_update(*, org: Any, user: Any, data: dict[str, Any]) -> Any:
    """Save the person's email preferences (the fields present in ``data``)."""
    fields = [k for k in notifications.KINDS if k in data]
    preference, _ = NotificationPreference.objects.get_or_create(org=org, user=user)
    for field in fields:
        setattr(preference, field, data[field])
    if fields:
        preference.save(update_fields=fields)
    return preference


@transaction.atomic
def utilization_thresholds_set(*, license_: Any, thresholds: list[int], actor: Actor) -> Any:
    """Set the license's utilization thresholds (empty: the deployment's default). Its
    level is kept: the next check moves it against the new thresholds."""
    state, _ = UtilizationLevel.objects.get_or_create(
        license_id=license_.pk, defaults={"org_id": license_.org_id}
    )
    before = {"thresholds": state.thresholds}
    state.thresholds = sorted(set(thresholds))
    state.save(update_fields=["thresholds", "updated_at"])
    audit_record(
        org=license_.org,
        actor=actor,
        action="license.utilization_thresholds",
        target=license_,
        before=before,
        after={"thresholds": state.thresholds},
    )
    return state
