"""License administration (DESIGN §6 semantics).

- Lowering ``seats_total`` (or the overage allowance) below the seats in use is
  allowed: live sessions keep running (and may re-acquire idempotently); no new seat
  is granted until the count is below the new limit. Lowering it below what the
  reservations add up to is refused, naming the reservations to lower first.
- Seat policy (``licenses.seat_policy``): overage, reservations and caps per project
  and per group of people (of the license's organization), a grace period after
  expiry; renewing extends ``expires_at`` (``license_renew``).
- A new ``heartbeat_ttl`` applies to new sessions at once; a live session on the
  Redis store keeps the TTL it started with until it acquires again.
- Suspending ends every live session at once (seats freed, status ``revoked``; their
  next heartbeat gets 410 ``session_expired``) and refuses acquire with 403
  ``license_suspended``. An acquire already past its license check when the suspend
  commits can still get a seat: the reaper revokes sessions of suspended licenses on
  every run, so such a seat lives one reaper period at most.
- Switching to ``assigned``, or lowering ``max_machines_per_person``, ends no session:
  like a lower seat count, it applies to the next grants (``services.assignments``).
- Rotating the key refuses the old key at once (401 ``invalid_license_key``); live
  sessions keep running.
- Deleting ends every live session (seats freed, ``revoke`` events), then deletes the
  license with its session rows; its seat events stay in the organization's history.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scopes_disabled

from audit.services import audit_record
from core.actor import Actor
from events import types as event_types
from events.services import event_record
from licenses import license_cache, seat_policy
from licenses.errors import SeatStoreDown
from licenses.keys import generate_license_key, license_key_digest, license_key_display_prefix
from licenses.models import License, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from licenses.services import session_rows
from projects.models import Project
from tenants.models import Organization, PersonGroup

logger = logging.getLogger(__name__)
# The line and borrowing (issue 21): settings a license keeps, applied by the next
# acquire's seat step.
QUEUE_AND_BORROW = (
    "queue_enabled",
    "queue_max_length",
    "queue_ticket_ttl",
    "max_borrow_hours",
    "max_borrowed_seats",
)
EDITABLE = (
    "name",
    "seats_total",
    "expires_at",
    "heartbeat_ttl",
    "offline_grace",
    "project",
    "assignment",
    "max_machines_per_person",
    "person_limit_action",
    "overage_kind",
    "overage_value",
    "grace_days",
    "project_seats",
    *QUEUE_AND_BORROW,
)
POLICY_FIELDS = ("overage_kind", "overage_value", "grace_days", "project_seats")


def _snapshot(license_: License) -> dict[str, Any]:
    """Audit view of a license: plain data, the display prefix but never the key."""
    return {
        "name": license_.name,
        "seats_total": license_.seats_total,
        "expires_at": license_.expires_at.isoformat() if license_.expires_at else None,
        "heartbeat_ttl": license_.heartbeat_ttl,
        "offline_grace": license_.offline_grace,
        "project": str(license_.project_id) if license_.project_id else None,
        "is_active": license_.is_active,
        "is_suspended": license_.is_suspended,
        "key_prefix": license_.key_prefix,
        "assignment": license_.assignment,
        "max_machines_per_person": license_.max_machines_per_person,
        "person_limit_action": license_.person_limit_action,
        "overage_kind": license_.overage_kind,
        "overage_value": license_.overage_value,
        "grace_days": license_.grace_days,
        "project_seats": license_.project_seats,
        **{name: getattr(license_, name) for name in QUEUE_AND_BORROW},
    }


def _license_event(license_: License, type: str, actor: Actor, **extra: Any) -> None:
    """The license's webhook event, in the caller's transaction (the outbox)."""
    event_record(
        org_id=license_.org_id,
        type=type,
        data={"license": {"id": str(license_.id), **_snapshot(license_)}, **extra},
        actor=actor,
    )


def _slugs(model: type, org_id: Any, ids: list[str], kind: str) -> dict[str, str]:
    """The slugs of these rows of the organization; an id of nothing there is refused."""
    if len(set(ids)) != len(ids):
        raise ValidationError({"project_seats": [f"Name each {kind} once."]})
    with scopes_disabled():
        slugs = {
            str(pk): slug
            for pk, slug in model.objects.filter(org_id=org_id, id__in=ids).values_list(
                "id", "slug"
            )
        }
    if missing := [pk for pk in ids if pk not in slugs]:
        raise ValidationError({"project_seats": [f"No such {kind}: {', '.join(missing)}."]})
    return slugs


def _project_seats_normalize(org_id: Any, rules: Iterable[Mapping[str, Any]]) -> list[dict]:
    """An admin's seat rules as stored, in their order: each project or group of people
    of the organization once, with its slug (acquire names projects by slug), its
    reservation and its cap. A rule names a project or a group, never both."""
    rules = list(rules)
    if any(bool(r.get("project")) == bool(r.get("group")) for r in rules):
        raise ValidationError({"project_seats": ["A rule names a project or a group."]})
    projects = _slugs(
        Project, org_id, [str(r["project"]) for r in rules if r.get("project")], "project"
    )
    groups = _slugs(
        PersonGroup, org_id, [str(r["group"]) for r in rules if r.get("group")], "group"
    )
    stored = []
    for r in rules:
        kind, slugs = ("project", projects) if r.get("project") else ("group", groups)
        stored.append(
            {
                kind: str(r[kind]),
                "slug": slugs[str(r[kind])],
                "reserved": int(r.get("reserved") or 0),
                "cap": None if r.get("cap") is None else int(r["cap"]),
            }
        )
    return stored


def _policy_check(license_: License) -> None:
    """Refuse settings that cannot hold, telling the admin what breaks (a lower
    ``seats_total`` than the reservations add up to, a cap under its reservation...)."""
    problems = seat_policy.policy_problems(
        seats_total=license_.seats_total,
        overage_kind=license_.overage_kind,
        overage_value=license_.overage_value,
        rules=license_.project_seats,
    )
    if problems:
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(fields)


@transaction.atomic
def license_create(
    *,
    org: Organization,
    name: str,
    seats_total: int,
    project: Project | None = None,
    expires_at: datetime | None = None,
    heartbeat_ttl: int | None = None,
    offline_grace: int | None = None,
    assignment: str = License.Assignment.OPEN,
    max_machines_per_person: int | None = None,
    person_limit_action: str = License.PersonLimitAction.REFUSE,
    overage_kind: str = License.OverageKind.NONE,
    overage_value: int = 0,
    grace_days: int = 0,
    project_seats: Iterable[Mapping[str, Any]] = (),
    queue_enabled: bool | None = None,
    queue_max_length: int | None = None,
    queue_ticket_ttl: int | None = None,
    max_borrow_hours: int | None = None,
    max_borrowed_seats: int | None = None,
    actor: Actor,
) -> tuple[License, str]:
    """Create a license; returns it with its key, which is shown this once only.

    Audited as ``license.create`` by ``actor`` (the ``create_license`` command acts as
    the system)."""
    key = generate_license_key()
    license_ = License(
        org=org,
        project=project,
        name=name,
        seats_total=seats_total,
        expires_at=expires_at,
        key_digest=license_key_digest(key),
        key_prefix=license_key_display_prefix(key),
        assignment=assignment,
        max_machines_per_person=max_machines_per_person,
        person_limit_action=person_limit_action,
        overage_kind=overage_kind,
        overage_value=overage_value if overage_kind != License.OverageKind.NONE else 0,
        grace_days=grace_days,
        project_seats=_project_seats_normalize(org.id, project_seats),
    )
    _policy_check(license_)
    if heartbeat_ttl is not None:
        license_.heartbeat_ttl = heartbeat_ttl
    if offline_grace is not None:
        license_.offline_grace = offline_grace
    given = {
        "queue_enabled": queue_enabled,
        "queue_max_length": queue_max_length,
        "queue_ticket_ttl": queue_ticket_ttl,
        "max_borrow_hours": max_borrow_hours,
        "max_borrowed_seats": max_borrowed_seats,
    }
    for name, value in given.items():
        if value is not None:
            setattr(license_, name, value)
    license_.full_clean()
    license_.save()
    audit_record(
        org=org,
        actor=actor,
        action="license.create",
        target=license_,
        after=_snapshot(license_),
    )
    _license_event(license_, event_types.LICENSE_CREATED, actor)
    return license_, key


@transaction.atomic
def license_update(*, license_: License, data: dict[str, Any], actor: Actor) -> License:
    """Change the editable fields present in ``data`` (``project``: a Project or None).

    See the module docstring for what a lower ``seats_total`` or a new TTL does to live
    sessions."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    before = _snapshot(license_)
    changed = [field for field in EDITABLE if field in data]
    for field in changed:
        value = data[field]
        if field == "project_seats":
            value = _project_seats_normalize(license_.org_id, value)
        setattr(license_, field, value)
    if license_.overage_kind == License.OverageKind.NONE and license_.overage_value:
        license_.overage_value = 0
        changed = list(dict.fromkeys([*changed, "overage_value"]))
    _policy_check(license_)
    license_.full_clean(validate_unique=False, validate_constraints=False)
    license_.save(update_fields=[*changed, "updated_at"])
    audit_record(
        org=license_.org,
        actor=actor,
        action="license.update",
        target=license_,
        before=before,
        after=_snapshot(license_),
    )
    _license_event(license_, event_types.LICENSE_UPDATED, actor, previous=before)
    return license_


def license_suspend(*, license_: License, actor: Actor) -> tuple[License, int]:
    """Refuse new seats and end every live session at once; returns the license and the
    number of sessions revoked. Suspending a suspended license finishes any session
    left live (e.g. when the seat store failed the first time) and is not re-audited."""
    license_ = _license_set_suspended(license_, True, actor)
    # After the commit: from here on every acquire is refused, so nothing re-fills it.
    return license_, _license_end_live_sessions(license_)


def license_resume(*, license_: License, actor: Actor) -> License:
    """Accept acquires again. Sessions revoked by the suspend stay ended."""
    return _license_set_suspended(license_, False, actor)


@transaction.atomic
def _license_set_suspended(license_: License, suspended: bool, actor: Actor) -> License:
    """Flip ``is_suspended`` under the row lock; audited only when it changes."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    if license_.is_suspended != suspended:
        before = _snapshot(license_)
        license_.is_suspended = suspended
        license_.save(update_fields=["is_suspended", "updated_at"])
        audit_record(
            org=license_.org,
            actor=actor,
            action="license.suspend" if suspended else "license.resume",
            target=license_,
            before=before,
            after=_snapshot(license_),
        )
        _license_event(
            license_,
            event_types.LICENSE_SUSPENDED if suspended else event_types.LICENSE_RESUMED,
            actor,
        )
    return license_


@transaction.atomic
def license_rotate_key(*, license_: License, actor: Actor) -> tuple[License, str]:
    """Give the license a new key (returned this once); the old one is refused at once.
    Live sessions keep running: they prove themselves with their session secret."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    before = {"key_prefix": license_.key_prefix}
    license_cache.digest_retired(license_.key_digest)
    key = generate_license_key()
    license_.key_digest = license_key_digest(key)
    license_.key_prefix = license_key_display_prefix(key)
    license_.save(update_fields=["key_digest", "key_prefix", "updated_at"])
    audit_record(
        org=license_.org,
        actor=actor,
        action="license.rotate_key",
        target=license_,
        before=before,
        after={"key_prefix": license_.key_prefix},
    )
    _license_event(license_, event_types.LICENSE_KEY_ROTATED, actor)
    return license_, key


def license_delete(*, license_: License, actor: Actor) -> int:
    """End every live session (seats freed at once), then delete the license and its
    session rows. Returns the number of sessions revoked. If the seat store is down
    nothing is deleted (503); the call can be repeated."""
    revoked = _license_end_live_sessions(license_)
    license_id = str(license_.id)
    with transaction.atomic():
        audit_record(
            org=license_.org,
            actor=actor,
            action="license.delete",
            target=license_,
            before={**_snapshot(license_), "sessions_revoked": revoked},
        )
        _license_event(license_, event_types.LICENSE_DELETED, actor, sessions_revoked=revoked)
        license_.delete()
    try:
        # Whatever a racing acquire left behind; a heartbeat of such a seat then
        # finds no live session to rebuild and gets 410.
        get_seat_store().drop_license(license_id)
    except SeatStoreUnavailable:
        logger.warning(
            "seat store unavailable: seats of deleted license %s not dropped", license_id
        )
    return revoked


def _license_end_live_sessions(license_: License) -> int:
    with scopes_disabled():
        rows = list(
            LicenseSession.objects.filter(
                license_id=license_.id, status=LicenseSession.Status.ACTIVE
            ).values_list("id", "license_id", "member")
        )
    try:
        return session_rows.sessions_revoke_live(get_seat_store(), rows)
    except SeatStoreUnavailable as exc:
        logger.error("revoking sessions of license %s failed: %s", license_.id, exc)
        raise SeatStoreDown() from exc


@transaction.atomic
def license_renew(*, license_: License, expires_at: datetime, actor: Actor) -> License:
    """Extend the license to ``expires_at`` (audited as ``license.renew``): acquires
    succeed unmarked again, and expiry warnings start over for the new date."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    if license_.expires_at is not None and expires_at <= license_.expires_at:
        raise ValidationError({"expires_at": ["A renewal moves the expiry later."]})
    before = {"expires_at": license_.expires_at.isoformat() if license_.expires_at else None}
    license_.expires_at = expires_at
    license_.save(update_fields=["expires_at", "updated_at"])
    audit_record(
        org=license_.org,
        actor=actor,
        action="license.renew",
        target=license_,
        before=before,
        after={"expires_at": expires_at.isoformat()},
    )
    return license_
