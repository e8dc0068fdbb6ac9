"""Writes of the licenses app: the seat protocol (acquire, heartbeat, release,
revoke, reap) and license creation. The seed's ``LicenseService``, as functions.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django_scopes import scope, scopes_disabled

from licenses import selectors
from licenses.errors import (
    InvalidLicenseKey,
    LicenseRefused,
    NoSeatsAvailable,
    SeatStoreDown,
    SessionExpired,
)
from licenses.keys import generate_license_key, license_key_digest, license_key_display_prefix
from licenses.models import License, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatGrant, SeatStoreUnavailable
from licenses.selectors import as_datetime
from licenses.signing import current_signer
from projects.models import Project
from tenants.models import Organization

logger = logging.getLogger(__name__)
Status = LicenseSession.Status


@dataclass(frozen=True)
class AcquiredSeat:
    session: LicenseSession
    license: License
    token: str
    created: bool
    seats_used: int


@dataclass(frozen=True)
class ReapReport:
    flushed: int
    checked: int
    reaped: int
    seconds: float


def license_create(
    *,
    org: Organization,
    name: str,
    seats_total: int,
    project: Project | None = None,
    expires_at: datetime | None = None,
    heartbeat_ttl: int | None = None,
    offline_grace: int | None = None,
) -> tuple[License, str]:
    """Create a license; returns it with its key, which is shown this once only."""
    key = generate_license_key()
    license_ = License(
        org=org,
        project=project,
        name=name,
        seats_total=seats_total,
        expires_at=expires_at,
        key_digest=license_key_digest(key),
        key_prefix=license_key_display_prefix(key),
    )
    if heartbeat_ttl is not None:
        license_.heartbeat_ttl = heartbeat_ttl
    if offline_grace is not None:
        license_.offline_grace = offline_grace
    license_.full_clean()
    license_.save()
    return license_, key


def session_member(hardware_id: str, client_instance: str = "") -> str:
    """The seat store's idempotency key: one seat per fingerprint and client instance."""
    return f"{hardware_id}\x1f{client_instance}" if client_instance else hardware_id


def session_acquire(
    *,
    license_key: str,
    hardware_id: str,
    client_instance: str = "",
    client_info: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AcquiredSeat:
    """Validate the license, take a seat in one atomic step, record the session, sign a token."""
    license_ = selectors.license_get_by_key(license_key)
    if license_ is None:
        raise InvalidLicenseKey()
    if reason := license_.invalid_reason():
        raise LicenseRefused(reason)

    store = get_seat_store()
    member = session_member(hardware_id, client_instance)
    candidate = str(uuid.uuid4())
    try:
        grant = store.acquire(
            str(license_.id), member, candidate, license_.seats_total, license_.heartbeat_ttl
        )
    except SeatStoreUnavailable as exc:
        logger.error("acquire refused: %s", exc)
        raise SeatStoreDown() from exc

    with scope(org=license_.org_id):
        if grant.evicted:
            _end_sessions(grant.evicted, Status.ZOMBIE, as_datetime(grant.now))
        if not grant.granted:
            raise NoSeatsAvailable(
                details={"seats_total": license_.seats_total, "seats_used": grant.seats_used}
            )
        try:
            session = _record_session(
                license_, grant, member, hardware_id, client_instance, client_info, ip_address
            )
        except Exception:
            if grant.created:
                # Nothing half-written: the seat goes back with the failed insert.
                store.release(candidate)
            raise
    token = _sign_token(license_, session, grant)
    return AcquiredSeat(session, license_, token, grant.created, grant.seats_used)


def _record_session(
    license_: License,
    grant: SeatGrant,
    member: str,
    hardware_id: str,
    client_instance: str,
    client_info: dict[str, Any] | None,
    ip_address: str | None,
) -> LicenseSession:
    now, expires = as_datetime(grant.now), as_datetime(grant.expires_at)
    if not grant.created:
        session = LicenseSession.objects.filter(id=grant.holder).first()
        if session is not None and session.status == Status.ACTIVE:
            session.last_heartbeat_at, session.expires_at = now, expires
            session.save(update_fields=["last_heartbeat_at", "expires_at"])
            return session
        # The seat outlived its row (a worker died between the two steps): heal it.
    fields = {
        "id": uuid.UUID(grant.holder),
        "org_id": license_.org_id,
        "license": license_,
        "project_id": license_.project_id,
        "hardware_id": hardware_id,
        "client_instance": client_instance,
        "member": member,
        "client_info": client_info or {},
        "ip_address": ip_address,
        "started_at": now,
        "last_heartbeat_at": now,
        "expires_at": expires,
    }
    try:
        with transaction.atomic():
            return LicenseSession.objects.create(**fields)
    except IntegrityError:
        pass
    # A concurrent acquire of the same fingerprint may have just written this
    # very session: then it is the answer.
    existing = LicenseSession.objects.filter(id=grant.holder, status=Status.ACTIVE).first()
    if existing is not None:
        return existing
    # The store gave this member a new holder, so any other live row for it is
    # stale (its seat expired and was evicted elsewhere): end it, retry once.
    LicenseSession.objects.filter(license=license_, member=member, status=Status.ACTIVE).exclude(
        id=grant.holder
    ).update(status=Status.ZOMBIE, ended_at=now)
    with transaction.atomic():
        return LicenseSession.objects.create(**fields)


def _sign_token(license_: License, session: LicenseSession, grant: SeatGrant) -> str:
    issued = int(grant.now)
    lifetime = max(license_.offline_grace, license_.heartbeat_ttl)
    claims = {
        "iss": settings.TOKEN_ISSUER,
        "sub": str(session.id),
        "lic": str(license_.id),
        "org": str(license_.org_id),
        "hwid": session.hardware_id,
        "seats": license_.seats_total,
        "iat": issued,
        "exp": issued + lifetime,
        "lic_exp": int(license_.expires_at.timestamp()) if license_.expires_at else None,
    }
    return current_signer().sign(claims)


def session_heartbeat(*, session_id: str) -> tuple[datetime, int]:
    """Extend a live seat. On Redis this touches Redis only (write-behind to the database).

    Returns the new expiry and the license's heartbeat interval.
    """
    store = get_seat_store()
    try:
        beat = store.heartbeat(session_id)
    except SeatStoreUnavailable as exc:
        logger.error("heartbeat refused: %s", exc)
        raise SeatStoreDown() from exc
    if beat is None:
        raise SessionExpired()
    ttl = round(beat.expires_at - beat.now)
    if not store.write_behind:
        with scopes_disabled():
            LicenseSession.objects.filter(id=session_id, status=Status.ACTIVE).update(
                last_heartbeat_at=as_datetime(beat.now),
                expires_at=as_datetime(beat.expires_at),
                heartbeat_count=F("heartbeat_count") + 1,
            )
    return as_datetime(beat.expires_at), max(1, ttl // 3)


def session_release(*, session_id: str) -> None:
    """Free the seat at once; releasing an ended or unknown session is not an error."""
    store = get_seat_store()
    try:
        store.release(session_id)
        now = as_datetime(store.now())
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    with scopes_disabled():
        LicenseSession.objects.filter(id=session_id, status=Status.ACTIVE).update(
            status=Status.RELEASED, ended_at=now
        )


def session_revoke(*, session: LicenseSession) -> None:
    """An admin ends a session: its seat is free at once and its next heartbeat gets 410."""
    store = get_seat_store()
    store.release(str(session.id))
    _end_sessions([str(session.id)], Status.REVOKED, as_datetime(store.now()))


def _end_sessions(session_ids: Any, status: str, at: datetime) -> int:
    with scopes_disabled():
        return LicenseSession.objects.filter(id__in=list(session_ids), status=Status.ACTIVE).update(
            status=status, ended_at=at
        )


def heartbeats_flush(*, max_licenses: int = 1000) -> int:
    """Write pending heartbeats (Redis write-behind) to the sessions' rows."""
    store = get_seat_store()
    if not store.write_behind:
        return 0
    written = 0
    for license_id, beats in store.drain_beats(max_licenses).items():
        with scopes_disabled():
            ttl = (
                License.objects.filter(id=license_id)
                .values_list("heartbeat_ttl", flat=True)
                .first()
            )
            if ttl is None:
                continue
            by_id = {holder: (at, n) for holder, at, n in beats}
            rows = list(
                LicenseSession.objects.filter(id__in=list(by_id), status=Status.ACTIVE).only("id")
            )
            for row in rows:
                at, n = by_id[str(row.id)]
                row.last_heartbeat_at = as_datetime(at)
                row.expires_at = as_datetime(at + ttl)
                row.heartbeat_count = F("heartbeat_count") + n
            LicenseSession.objects.bulk_update(
                rows, ["last_heartbeat_at", "expires_at", "heartbeat_count"], batch_size=500
            )
            written += len(rows)
    return written


def sessions_reap(*, batch_size: int = 1000, max_batches: int = 1000) -> ReapReport:
    """Mark sessions past their TTL as zombies and free their seats.

    Safe in several processes at once: the store drops a seat only if it is
    still expired, and the row changes only while it is still ``active``.
    Cost follows the number of expired sessions (a partial index on live rows'
    expiry), not of all sessions.
    """
    started = time.monotonic()
    store = get_seat_store()
    flushed = heartbeats_flush()
    checked = reaped = 0
    for _ in range(max_batches):
        now = as_datetime(store.now())
        with scopes_disabled():
            candidates = list(
                LicenseSession.objects.filter(status=Status.ACTIVE, expires_at__lte=now)
                .order_by("expires_at")
                .values_list("id", "license_id", "member")[:batch_size]
            )
        dead = []
        for session_id, license_id, member in candidates:
            expires = store.reap(str(license_id), member, str(session_id))
            if expires is None:
                dead.append(session_id)
            else:
                with scopes_disabled():
                    LicenseSession.objects.filter(id=session_id, status=Status.ACTIVE).update(
                        expires_at=as_datetime(expires)
                    )
        checked += len(candidates)
        reaped += _end_sessions(dead, Status.ZOMBIE, now)
        if len(candidates) < batch_size:
            break
    report = ReapReport(flushed, checked, reaped, time.monotonic() - started)
    logger.info(
        "reaper: flushed %d heartbeats, checked %d sessions, reaped %d in %.3fs",
        report.flushed,
        report.checked,
        report.reaped,
        report.seconds,
    )
    return report
