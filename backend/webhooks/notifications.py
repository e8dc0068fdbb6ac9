"""Email notifications to an organization's owners and admins, per their preferences.

Each notification has a key that names what it is about (``utilization:<license>:
<threshold>:<event>``, ``denials:<org>:<day>``…); the key is recorded in the same
transaction as the sending (``NotificationSent``, unique per organization), so a task
that runs twice, or on two workers, sends once, and a send that fails records nothing
and is tried again on the next run.

- Utilization: ``utilization_check`` (every minute) compares each license's live
  sessions with its thresholds (default ``UTILIZATION_THRESHOLDS``) with hysteresis,
  writes ``seat.utilization_crossed`` for each change, and emails on the way up.
- Denials digest (daily): the refused acquires of the previous UTC day, per license.
- License expiring: ``license.expiring`` and an email, once per expiry date, when a
  license expires within ``LICENSE_EXPIRING_DAYS``.
- Endpoint disabled: when delivery disables a failing endpoint.
"""

import logging
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django_scopes import scopes_disabled

from core.actor import Actor
from events import types as event_types
from events.services import event_record
from licenses.models import License, LicenseSession, SeatEvent
from tenants.models import Membership, Organization
from webhooks.models import (
    NotificationPreference,
    NotificationSent,
    UtilizationLevel,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)
KINDS = ("utilization", "denials_digest", "license_expiring", "endpoint_disabled")
ADMIN_ROLES = (Membership.Role.OWNER, Membership.Role.ADMIN)


def recipients(org_id: Any, kind: str) -> list[str]:
    """The emails of the organization's owners and admins who want ``kind``."""
    assert kind in KINDS
    with scopes_disabled():
        people = dict(
            Membership.objects.filter(org_id=org_id, role__in=ADMIN_ROLES)
            .select_related("user")
            .values_list("user_id", "user__email")
        )
        opted_out = set(
            NotificationPreference.objects.filter(
                org_id=org_id, user_id__in=people, **{kind: False}
            ).values_list("user_id", flat=True)
        )
    return sorted(email for user_id, email in people.items() if user_id not in opted_out)


def notify_once(*, org_id: Any, kind: str, key: str, subject: str, body: str) -> bool:
    """Send one email to those who want ``kind``, unless ``key`` was sent already."""
    to = recipients(org_id, kind)
    if not to:
        return False
    try:
        with scopes_disabled(), transaction.atomic():
            NotificationSent.objects.create(org_id=org_id, key=key[:200])
            EmailMessage(subject=subject, body=body, to=to).send()
    except IntegrityError:
        return False
    return True


def endpoint_disabled_notify(*, endpoint_id: Any) -> bool:
    with scopes_disabled():
        endpoint = WebhookEndpoint.objects.select_related("org").filter(id=endpoint_id).first()
    if endpoint is None or endpoint.is_enabled:
        return False
    org = endpoint.org
    return notify_once(
        org_id=org.id,
        kind="endpoint_disabled",
        key=f"endpoint_disabled:{endpoint.id}:{endpoint.disabled_at.isoformat()}",
        subject=f"[{org.name}] Webhook endpoint disabled: {endpoint.url}",
        body=(
            f"The webhook endpoint {endpoint.url} of {org.name} failed every delivery "
            f"since {endpoint.failing_since} ({endpoint.consecutive_failures} attempts in a "
            "row) and has been disabled. Events written while it is disabled are not sent "
            "to it.\n\nFix the receiver, then enable the endpoint again in the dashboard "
            "(Settings → Webhooks)."
        ),
    )


# Utilization ------------------------------------------------------------------


def level_after(level: int, percent: float, thresholds: list[int], hysteresis: int) -> int:
    """The threshold a license is at after ``percent`` use, coming from ``level``: up to
    the highest threshold reached; down only below ``threshold - hysteresis``."""
    reached = max((t for t in thresholds if percent >= t), default=0)
    if reached > level:
        return reached
    return max((t for t in thresholds if t <= level and percent >= t - hysteresis), default=0)


def utilization_check() -> int:
    """Update every license's utilization level; returns how many changed."""
    changed = 0
    with scopes_disabled():
        used = dict(
            LicenseSession.objects.filter(status=LicenseSession.Status.ACTIVE)
            .values("license_id")
            .annotate(n=Count("id"))
            .values_list("license_id", "n")
        )
        states = {state.license_id: state for state in UtilizationLevel.objects.all()}
        ids = set(used) | {license_id for license_id, s in states.items() if s.level > 0}
        licenses = list(
            License.objects.filter(id__in=ids)
            .select_related("org")
            .only("id", "org_id", "org__name", "name", "seats_total")
        )
    for license_ in licenses:
        state = states.get(license_.id) or UtilizationLevel(license=license_, org=license_.org)
        thresholds = sorted(state.thresholds or settings.UTILIZATION_THRESHOLDS)
        count = used.get(license_.id, 0)
        percent = 100.0 * count / license_.seats_total if license_.seats_total else 0.0
        level = level_after(state.level, percent, thresholds, settings.UTILIZATION_HYSTERESIS)
        if level == state.level:
            continue
        changed += 1
        _utilization_changed(license_, state, level, count, percent)
    return changed


def _utilization_changed(
    license_: License, state: UtilizationLevel, level: int, count: int, percent: float
) -> None:
    previous = state.level
    with scopes_disabled(), transaction.atomic():
        state.level = level
        state.save()
        event = event_record(
            org_id=license_.org_id,
            type=event_types.SEAT_UTILIZATION_CROSSED,
            data={
                "license": {"id": str(license_.id), "name": license_.name},
                "direction": "up" if level > previous else "down",
                "threshold": level if level > previous else previous,
                "level": level,
                "previous_level": previous,
                "seats_used": count,
                "seats_total": license_.seats_total,
                "percent": round(percent, 1),
            },
            actor=Actor.system_named("utilization"),
        )
    if level > previous and event is not None:
        notify_once(
            org_id=license_.org_id,
            kind="utilization",
            key=f"utilization:{license_.id}:{level}:{event.id}",
            subject=f"[{license_.org.name}] {license_.name} is at {round(percent)}% of its seats",
            body=(
                f"{license_.name} uses {count} of its {license_.seats_total} seats "
                f"({round(percent)}%), past the {level}% threshold.\n\nYou get this email "
                "because you are an admin of the organization; change your notification "
                "preferences in the dashboard."
            ),
        )


# Daily denials digest ---------------------------------------------------------


def denials_digest(*, day: date | None = None) -> int:
    """Email each organization with refused acquires on ``day`` (default: yesterday,
    UTC) a count per license; returns how many organizations were emailed."""
    day = day or (timezone.now() - timedelta(days=1)).date()
    start = datetime.combine(day, time.min, tzinfo=UTC)
    with scopes_disabled():
        rows = list(
            SeatEvent.objects.filter(
                kind=SeatEvent.Kind.DENY, at__gte=start, at__lt=start + timedelta(days=1)
            )
            .values("org_id", "license_id")
            .annotate(n=Count("id"))
            .order_by("org_id", "-n")
        )
        names = dict(
            License.objects.filter(id__in={r["license_id"] for r in rows}).values_list("id", "name")
        )
        orgs = dict(
            Organization.objects.filter(id__in={r["org_id"] for r in rows}).values_list(
                "id", "name"
            )
        )
    per_org: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        per_org.setdefault(row["org_id"], []).append(row)
    sent = 0
    for org_id, licenses in per_org.items():
        total = sum(r["n"] for r in licenses)
        lines = [f"- {names.get(r['license_id'], 'a deleted license')}: {r['n']}" for r in licenses]
        sent += notify_once(
            org_id=org_id,
            kind="denials_digest",
            key=f"denials:{day.isoformat()}",
            subject=f"[{orgs.get(org_id, '')}] {total} seat requests refused on {day}",
            body=(
                f"On {day} (UTC), {total} acquires were refused for want of a seat:\n"
                + "\n".join(lines)
                + "\n\nAdd seats, or look at who holds them in the dashboard."
            ),
        )
    return sent


# License expiring -------------------------------------------------------------


def licenses_expiring() -> int:
    """``license.expiring`` and an email for each license that expires within
    LICENSE_EXPIRING_DAYS, once per expiry date; returns how many were announced."""
    now = timezone.now()
    soon = now + timedelta(days=settings.LICENSE_EXPIRING_DAYS)
    announced = 0
    with scopes_disabled():
        licenses = list(
            License.objects.filter(expires_at__gt=now, expires_at__lte=soon, is_active=True)
            .select_related("org")
            .order_by("expires_at")
        )
    for license_ in licenses:
        key = f"expiring:{license_.id}:{license_.expires_at.isoformat()}"
        with scopes_disabled(), transaction.atomic():
            try:
                with transaction.atomic():
                    NotificationSent.objects.create(org_id=license_.org_id, key=f"event:{key}")
            except IntegrityError:
                continue
            days = max(0, (license_.expires_at - now).days)
            event_record(
                org_id=license_.org_id,
                type=event_types.LICENSE_EXPIRING,
                data={
                    "license": {
                        "id": str(license_.id),
                        "name": license_.name,
                        "expires_at": license_.expires_at.isoformat(),
                    },
                    "days_left": days,
                },
                actor=Actor.system_named("expiry"),
            )
        announced += 1
        notify_once(
            org_id=license_.org_id,
            kind="license_expiring",
            key=key,
            subject=f"[{license_.org.name}] {license_.name} expires in {days} days",
            body=(
                f"{license_.name} expires on {license_.expires_at:%Y-%m-%d %H:%M} UTC. "
                "Renew it before then: an expired license refuses every acquire."
            ),
        )
    return announced
