"""Reads of the licenses app. Lookups that must cross tenants say so in their docstring."""

import hmac
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from core.roles import POLICY, Role
from licenses import license_cache, seat_policy
from licenses.errors import (
    NoLicenseAssigned,
    PersonNotFound,
    SeveralLicensesAssigned,
    UnknownProject,
)
from licenses.keys import DISPLAY_PREFIX_LENGTH, license_key_digest, license_key_matches
from licenses.models import License, LicenseAssignment, LicenseSession, SigningKey
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from projects.models import Project
from tenants.models import Membership
from users.models import RefreshTokenFamily, User

logger = logging.getLogger(__name__)

LICENSE_STATUSES = ("active", "suspended", "expired", "inactive")


def license_get_by_key(
    key: str, prefetch: license_cache.Prefetched | None = None
) -> License | None:
    """Cross-tenant by necessity: the key is what tells us the organization.

    Every acquire starts here: the license comes from ``license_cache`` (Redis) when it
    can — ``prefetch`` is its entry when the acquire throttle already read it — else
    from one fixed statement (``raw``: no query compilation, which costs
    ``filter(...).first()`` about 0.3 ms of CPU). ``key_digest`` is unique.
    """
    digest = license_key_digest(key)
    if prefetch is not None and prefetch.key_digest == digest:
        license_ = license_cache.lookup(digest, prefetch.cached)
    else:
        license_ = license_cache.lookup(digest)
    if license_ is license_cache.MISS:
        with scopes_disabled():
            found = list(License.objects.raw(_LICENSE_BY_DIGEST, [digest]))
        license_ = found[0] if found else None
        license_cache.fill(digest, license_)
    if license_ is None or not license_key_matches(key, license_.key_digest):
        return None
    return license_


_LICENSE_BY_DIGEST = f"SELECT * FROM {License._meta.db_table} WHERE key_digest = %s"  # noqa: S608


def project_id_for_acquire(license_: License, slug: str) -> str:
    """The project an acquire's seat counts against: the named one (by slug, among the
    license's organization's projects), else the license's own ("" for none).

    Cross-tenant only in name: the license (found by its key) gives the organization.
    A project named in the license's seat rules is found without a query."""
    if not slug:
        return str(license_.project_id) if license_.project_id else ""
    known = seat_policy.project_by_slug(license_, slug)
    if known is not None:
        return known
    with scopes_disabled():
        found = (
            Project.objects.filter(org_id=license_.org_id, slug=slug)
            .values_list("id", flat=True)
            .first()
        )
    if found is None:
        raise UnknownProject()
    return str(found)


def session_by_secret(session_id: str, secret_digest: str) -> tuple[str, str] | None:
    """(license id, status) of the session whose secret has this digest; None when no
    session has this id or its secret is another (the two look alike to the caller).

    Cross-tenant, keyed by the session id and proven by the secret: a client's
    heartbeat or release the seat store knew nothing of."""
    with scopes_disabled():
        row = (
            LicenseSession.objects.filter(id=session_id)
            .values_list("license_id", "status", "secret_digest")
            .first()
        )
    if row is None or not row[2] or not hmac.compare_digest(row[2], secret_digest):
        return None
    return str(row[0]), row[1]


def as_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


# Administration (inside the organization's scope) ---------------------------------


def license_status(license_: License, at: datetime | None = None) -> str:
    """``active | suspended | expired | inactive``, in the order acquire checks them."""
    reason = license_.invalid_reason(at)
    return reason.removeprefix("license_") if reason else "active"


def _status_filter(status: str, now: datetime) -> Q:
    live = Q(is_active=True, is_suspended=False)
    expired = Q(expires_at__isnull=False, expires_at__lte=now)
    return {
        "inactive": Q(is_active=False),
        "suspended": Q(is_active=True, is_suspended=True),
        "expired": live & expired,
        "active": live & ~expired,
    }[status]


def license_list(
    *,
    status: str | None = None,
    project_id: uuid.UUID | None = None,
    expiring_before: datetime | None = None,
    search: str = "",
) -> QuerySet[License]:
    """Licenses of the organization in scope, newest first.

    ``search`` matches the name (contains) or the key's display prefix (starts with);
    ``expiring_before`` keeps licenses with an expiry before that instant."""
    licenses = License.objects.order_by("-created_at", "id")
    if status:
        licenses = licenses.filter(_status_filter(status, timezone.now()))
    if project_id:
        licenses = licenses.filter(project_id=project_id)
    if expiring_before:
        licenses = licenses.filter(expires_at__isnull=False, expires_at__lt=expiring_before)
    if search:
        # A pasted full key matches by its display prefix (never by the key itself).
        prefix = search[:DISPLAY_PREFIX_LENGTH]
        licenses = licenses.filter(Q(name__icontains=search) | Q(key_prefix__startswith=prefix))
    return licenses


def seats_in_use(license_ids: Iterable[Any]) -> dict[str, int | None]:
    """Live seats per license from the seat store, in one round trip for the lot.

    ``None`` for each when the store cannot be reached: a dashboard still lists."""
    ids = [str(license_id) for license_id in license_ids]
    try:
        return dict(get_seat_store().counts(ids))
    except SeatStoreUnavailable as exc:
        logger.warning("seat counts unavailable: %s", exc)
        return dict.fromkeys(ids)


def license_has_available_seats(license_: License) -> bool:
    return get_seat_store().count(str(license_.id)) < license_.seats_total


def license_seat_utilization(license_: License) -> float:
    """Seats in use as a fraction of seats bought, from the seat store."""
    return get_seat_store().count(str(license_.id)) / license_.seats_total


def project_for_license(project_id: Any) -> Project | None:
    """A project of the organization in scope, for a license's ``project`` field;
    another organization's is refused like a missing one."""
    if project_id is None:
        return None
    project = Project.objects.filter(id=project_id).first()
    if project is None:
        raise ValidationError({"project": ["No such project in this organization."]})
    return project


def session_list(
    *,
    license_id: Any = None,
    status: str | None = None,
    user_id: Any = None,
    project_id: Any = None,
    hardware_id: str | None = None,
) -> QuerySet[LicenseSession]:
    """Sessions of the organization in scope, newest first, with their person, license
    and group (names, not ids, in the dashboard)."""
    sessions = LicenseSession.objects.select_related("user", "license", "group").order_by(
        "-started_at", "id"
    )
    if license_id:
        sessions = sessions.filter(license_id=license_id)
    if status:
        sessions = sessions.filter(status=status)
    if user_id:
        sessions = sessions.filter(user_id=user_id)
    if project_id:
        sessions = sessions.filter(project_id=project_id)
    if hardware_id:
        sessions = sessions.filter(hardware_id=hardware_id)
    return sessions


# Roles whose members may hold a seat as a person (``core.roles.POLICY["licenses.use"]``).
_SEAT_ROLES = tuple(
    name for name in ("member", "admin", "owner") if Role.parse(name) >= POLICY["licenses.use"]
)


def license_for_person(*, user_id: Any, family_id: Any, license_id: Any = None) -> License | None:
    """The license a person's acquire is for, in one query: the one named, if the person
    is an active member (with a role that uses licenses) of its organization and the
    sign-in (``family_id``) is not revoked; else, with none named, the one license
    assigned to them. None: nothing the person may use has that id (one answer for a
    license of another organization and for no license at all).

    ``NoLicenseAssigned`` / ``SeveralLicensesAssigned`` when none is named and the
    person has no, or more than one, assigned license."""
    if license_id is not None:
        return _license_for_person_named(user_id, family_id, license_id)
    person = {
        "org__memberships__user_id": user_id,
        "org__memberships__role__in": _SEAT_ROLES,
        "org__memberships__user__is_active": True,
        "org__memberships__user__refresh_families__id": family_id,
        "org__memberships__user__refresh_families__revoked_at__isnull": True,
    }
    with scopes_disabled():
        found = list(
            License.objects.filter(assignments__user_id=user_id, **person).order_by("name")[:10]
        )
    if not found:
        raise NoLicenseAssigned()
    if len(found) > 1:
        raise SeveralLicensesAssigned(
            details={"licenses": [{"id": str(x.id), "name": x.name} for x in found]}
        )
    return found[0]


def sessions_of_holders(holders: Iterable[str]) -> list[dict[str, Any]]:
    """The machines holding these sessions, in words, oldest first (a person's
    ``person_seat_limit`` answer lists them)."""
    with scopes_disabled():
        rows = LicenseSession.objects.filter(id__in=list(holders)).order_by("started_at")
        return [
            {
                "session_id": str(row.id),
                "hostname": (row.client_info or {}).get("hostname", ""),
                "platform": (row.client_info or {}).get("platform", ""),
                "client_version": (row.client_info or {}).get("version", ""),
                "hardware_id": row.hardware_id,
                "started_at": row.started_at.isoformat(),
                "last_heartbeat_at": row.last_heartbeat_at.isoformat(),
            }
            for row in rows
        ]


def assignment_list(*, license_: License) -> QuerySet[LicenseAssignment]:
    """The people assigned to a license, by name."""
    return (
        LicenseAssignment.objects.filter(license=license_)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def member_user(*, user_id: Any, include_former: bool = False) -> Any:
    """A person of the organization in scope (a member; with ``include_former``, also
    anyone who held a session of it), else ``NotFound``: one answer for a person of
    another organization and for nobody."""
    membership = Membership.objects.select_related("user").filter(user_id=user_id).first()
    if membership is not None:
        return membership.user
    if include_former and LicenseSession.objects.filter(user_id=user_id).exists():
        return User.objects.get(pk=user_id)
    raise PersonNotFound()


def _license_for_person_named(user_id: Any, family_id: Any, license_id: Any) -> License | None:
    """``license_for_person`` with a license named: the acquire hot path's one query,
    as a statement written once (``_person_license_statement``), which spares the ORM's
    compilation of a five-table join on every person's acquire (bench/RESULTS.md)."""
    uuid_db = License._meta.pk.get_db_prep_value
    params = [
        uuid_db(uuid.UUID(str(license_id)), connection),
        uuid_db(uuid.UUID(str(user_id)), connection),
        *_SEAT_ROLES,
        uuid_db(uuid.UUID(str(family_id)), connection),
    ]
    with scopes_disabled():
        # raw(): the database's own converters apply (SQLite's UUIDs and datetimes).
        return next(iter(License.objects.raw(_person_license_statement(), params)), None)


@cache
def _person_license_statement() -> str:
    quote = connection.ops.quote_name
    fields = ", ".join(f"l.{quote(f.column)}" for f in License._meta.concrete_fields)
    roles = ", ".join(["%s"] * len(_SEAT_ROLES))
    # Names come from the models, every value is a parameter.
    return (
        f"SELECT {fields} FROM {quote(License._meta.db_table)} l "  # noqa: S608
        f"JOIN {quote(Membership._meta.db_table)} m ON m.org_id = l.org_id "
        f"JOIN {quote(User._meta.db_table)} u ON u.id = m.user_id "
        f"JOIN {quote(RefreshTokenFamily._meta.db_table)} f ON f.user_id = u.id "
        f"WHERE l.id = %s AND m.user_id = %s AND m.role IN ({roles}) AND u.is_active "
        "AND f.id = %s AND f.revoked_at IS NULL"
    )


def signing_roots() -> QuerySet:
    """Every signing root still on record, newest first (global: not tenant-owned)."""
    return SigningKey.objects.filter(role=SigningKey.Role.ROOT).order_by("-created_at")
