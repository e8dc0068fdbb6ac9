"""Writes of the licenses app: the seat protocol (acquire, heartbeat, release,
revoke, reap) and license administration. The seed's ``LicenseService``, as functions.

Every session that starts or ends, and every refused acquire, appends one
``analytics.SeatEvent`` in the same transaction as the session row it concerns.
Ending sessions claims the rows first (``SELECT … FOR UPDATE`` of the live ones, then
``UPDATE``), so two processes never both end a session or both record its end.

License administration (DESIGN §6 semantics):

- Lowering ``seats_total`` below the seats in use is allowed: live sessions keep
  running (and may re-acquire idempotently); no new seat is granted until the count
  is below the new total.
- A new ``heartbeat_ttl`` applies to new sessions at once; a live session on the
  Redis store keeps the TTL it started with until it acquires again.
- Suspending ends every live session at once (seats freed, status ``revoked``; their
  next heartbeat gets 410 ``session_expired``) and refuses acquire with 403
  ``license_suspended``. An acquire already past its license check when the suspend
  commits can still get a seat: the reaper revokes sessions of suspended licenses on
  every run, so such a seat lives one reaper period at most.
- Rotating the key refuses the old key at once (401 ``invalid_license_key``); live
  sessions keep running.
- Deleting ends every live session (seats freed, ``revoke`` events), then deletes the
  license with its session rows; its seat events stay in the organization's history.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django_scopes import scope, scopes_disabled
from rest_framework.request import Request

from analytics.models import SeatEvent
from analytics.services import seat_event_record, session_ends_record
from audit.services import audit_record
from core.metrics import SEAT_REAP
from licenses import license_cache, selectors
from licenses.errors import (
    InvalidLicenseKey,
    InvalidSessionSecret,
    LicenseRefused,
    NoSeatsAvailable,
    SeatStoreDown,
    SessionExpired,
    SigningUnavailable,
)
from licenses.keys import generate_license_key, license_key_digest, license_key_display_prefix
from licenses.models import License, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import (
    SeatGrant,
    SeatStore,
    SeatStoreUnavailable,
    WrongSessionSecret,
)
from licenses.selectors import as_datetime
from licenses.session_end import session_end
from licenses.session_insert import session_insert
from licenses.session_secrets import (
    session_secret_digest,
    session_secret_license,
    session_secret_new,
)
from licenses.signing import current_signer
from projects.models import Project
from tenants.models import Organization

logger = logging.getLogger(__name__)
Status = LicenseSession.Status
Event = SeatEvent.Kind
_END_EVENT = {
    Status.RELEASED: Event.RELEASE,
    Status.ZOMBIE: Event.EXPIRE,
    Status.REVOKED: Event.REVOKE,
}
EDITABLE = ("name", "seats_total", "expires_at", "heartbeat_ttl", "offline_grace", "project")


@dataclass(frozen=True)
class AcquiredSeat:
    session: LicenseSession
    license: License
    token: str
    created: bool
    seats_used: int
    # Shown to the client this once (licenses.session_secrets); never logged.
    secret: str = dataclass_field(repr=False)


@dataclass(frozen=True)
class ReapReport:
    flushed: int
    checked: int
    reaped: int
    seconds: float
    # Live sessions of suspended licenses the reaper revoked (an acquire that raced a
    # suspend, or a suspend the seat store could not finish).
    revoked: int = 0


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
    }


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
    request: Request | None = None,
) -> tuple[License, str]:
    """Create a license; returns it with its key, which is shown this once only.

    Audited as ``license.create`` (without an actor when no request is given, e.g.
    the ``create_license`` command)."""
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
    audit_record(
        org=org,
        request=request,
        action="license.create",
        target=license_,
        after=_snapshot(license_),
    )
    return license_, key


@transaction.atomic
def license_update(*, license_: License, data: dict[str, Any], request: Request | None) -> License:
    """Change the editable fields present in ``data`` (``project``: a Project or None).

    See the module docstring for what a lower ``seats_total`` or a new TTL does to live
    sessions."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    before = _snapshot(license_)
    changed = [field for field in EDITABLE if field in data]
    for field in changed:
        setattr(license_, field, data[field])
    license_.full_clean(validate_unique=False, validate_constraints=False)
    license_.save(update_fields=[*changed, "updated_at"])
    audit_record(
        org=license_.org,
        request=request,
        action="license.update",
        target=license_,
        before=before,
        after=_snapshot(license_),
    )
    return license_


def license_suspend(*, license_: License, request: Request | None) -> tuple[License, int]:
    """Refuse new seats and end every live session at once; returns the license and the
    number of sessions revoked. Suspending a suspended license finishes any session
    left live (e.g. when the seat store failed the first time) and is not re-audited."""
    license_ = _license_set_suspended(license_, True, request)
    # After the commit: from here on every acquire is refused, so nothing re-fills it.
    return license_, _license_end_live_sessions(license_)


def license_resume(*, license_: License, request: Request | None) -> License:
    """Accept acquires again. Sessions revoked by the suspend stay ended."""
    return _license_set_suspended(license_, False, request)


@transaction.atomic
def _license_set_suspended(license_: License, suspended: bool, request: Request | None) -> License:
    """Flip ``is_suspended`` under the row lock; audited only when it changes."""
    license_ = License.objects.select_for_update().get(pk=license_.pk)
    if license_.is_suspended != suspended:
        before = _snapshot(license_)
        license_.is_suspended = suspended
        license_.save(update_fields=["is_suspended", "updated_at"])
        audit_record(
            org=license_.org,
            request=request,
            action="license.suspend" if suspended else "license.resume",
            target=license_,
            before=before,
            after=_snapshot(license_),
        )
    return license_


@transaction.atomic
def license_rotate_key(*, license_: License, request: Request | None) -> tuple[License, str]:
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
        request=request,
        action="license.rotate_key",
        target=license_,
        before=before,
        after={"key_prefix": license_.key_prefix},
    )
    return license_, key


def license_delete(*, license_: License, request: Request | None) -> int:
    """End every live session (seats freed at once), then delete the license and its
    session rows. Returns the number of sessions revoked. If the seat store is down
    nothing is deleted (503); the call can be repeated."""
    revoked = _license_end_live_sessions(license_)
    license_id = str(license_.id)
    with transaction.atomic():
        audit_record(
            org=license_.org,
            request=request,
            action="license.delete",
            target=license_,
            before={**_snapshot(license_), "sessions_revoked": revoked},
        )
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
            LicenseSession.objects.filter(license_id=license_.id, status=Status.ACTIVE).values_list(
                "id", "license_id", "member"
            )
        )
    try:
        return _revoke_live(get_seat_store(), rows)
    except SeatStoreUnavailable as exc:
        logger.error("revoking sessions of license %s failed: %s", license_.id, exc)
        raise SeatStoreDown() from exc


def _revoke_live(store: SeatStore, rows: list[tuple[Any, Any, str]]) -> int:
    """Free the seats of these (session id, license id, member) rows, then mark the
    sessions revoked with one event each. Store first: a failure leaves the database
    untouched (a freed seat's session then ends at its next heartbeat or by the reaper)."""
    if not rows:
        return 0
    for session_id, license_id, member in rows:
        store.release(str(license_id), str(session_id), member=member)
    now = as_datetime(store.now())
    seats = store.counts({str(license_id) for _, license_id, _ in rows})
    return _end_sessions([session_id for session_id, _, _ in rows], Status.REVOKED, now, seats)


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
    license_prefetch: license_cache.Prefetched | None = None,
    _retried: bool = False,
) -> AcquiredSeat:
    """Validate the license, take a seat in one atomic step, record the session, sign a
    token. ``license_prefetch``: see ``selectors.license_get_by_key``.

    Every grant, a re-acquire of a live session included, comes with a new session
    secret; the previous one is refused from then on (``licenses.session_secrets``)."""
    license_ = selectors.license_get_by_key(license_key, license_prefetch)
    if license_ is None:
        raise InvalidLicenseKey()
    if reason := license_.invalid_reason():
        raise LicenseRefused(reason)

    store = get_seat_store()
    member = session_member(hardware_id, client_instance)
    candidate = str(uuid.uuid4())
    secret = session_secret_new(license_.id)
    digest = session_secret_digest(secret)
    try:
        grant = store.acquire(
            str(license_.id),
            member,
            candidate,
            license_.seats_total,
            license_.heartbeat_ttl,
            digest,
        )
    except SeatStoreUnavailable as exc:
        logger.error("acquire refused: %s", exc)
        raise SeatStoreDown() from exc
    except License.DoesNotExist:
        # Deleted between the key check and the seat step (SQL store).
        raise InvalidLicenseKey() from None

    with scope(org=license_.org_id):
        try:
            if grant.evicted:
                # Counted before this grant's own seat was added.
                before_add = grant.seats_used - (1 if grant.granted and grant.created else 0)
                _end_sessions(
                    grant.evicted,
                    Status.ZOMBIE,
                    as_datetime(grant.now),
                    {str(license_.id): before_add},
                )
            if not grant.granted:
                _record_denial(license_, grant)
                raise NoSeatsAvailable(
                    details={"seats_total": license_.seats_total, "seats_used": grant.seats_used}
                )
            # Signed before the row is written: a signer that fails leaves nothing behind.
            token = _sign_token(license_, grant.holder, hardware_id, grant)
            session = _record_session(
                license_,
                grant,
                member,
                digest,
                hardware_id,
                client_instance,
                client_info,
                ip_address,
            )
        except _EndedHolder:
            # The store still counted a seat for a session the database has ended
            # (its release or revoke reached the database but not the store, e.g.
            # across an outage). The database wins: free that seat, ask once more.
            store.release(str(license_.id), grant.holder, member=member)
            if _retried:
                raise
            return session_acquire(
                license_key=license_key,
                hardware_id=hardware_id,
                client_instance=client_instance,
                client_info=client_info,
                ip_address=ip_address,
                _retried=True,
            )
        except Exception as exc:
            if grant.granted and grant.created:
                # Nothing half-written: the seat goes back with the failed insert.
                store.release(str(license_.id), candidate, member=member)
            if (
                isinstance(exc, IntegrityError)
                and not License.objects.filter(id=license_.id).exists()
            ):
                # The license was deleted while this acquire was in flight.
                raise InvalidLicenseKey() from exc
            raise
    return AcquiredSeat(session, license_, token, grant.created, grant.seats_used, secret)


class _EndedHolder(Exception):
    """The seat store's holder of a seat is a session the database has ended."""


def _record_session(
    license_: License,
    grant: SeatGrant,
    member: str,
    secret_digest: str,
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
            session.secret_digest = secret_digest
            session.save(update_fields=["last_heartbeat_at", "expires_at", "secret_digest"])
            return session
        if session is not None:
            raise _EndedHolder()
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
        "secret_digest": secret_digest,
        "ip_address": ip_address,
        "started_at": now,
        "last_heartbeat_at": now,
        "expires_at": expires,
    }
    session = _insert_or_existing(fields, grant)
    if session is not None:
        return session
    # The store gave this member a new holder, so any other live row for it is
    # stale (its seat expired and was evicted elsewhere): end it, retry once.
    stale = LicenseSession.objects.filter(
        license=license_, member=member, status=Status.ACTIVE
    ).exclude(id=grant.holder)
    _end_sessions(
        list(stale.values_list("id", flat=True)),
        Status.ZOMBIE,
        now,
        {str(license_.id): grant.seats_used - 1},
    )
    session = _insert_or_existing(fields, grant)
    if session is None:
        raise IntegrityError(f"no row could be written for session {grant.holder}")
    return session


def _insert_or_existing(fields: dict[str, Any], grant: SeatGrant) -> LicenseSession | None:
    """Insert the holder's row; on a conflict, the row a concurrent acquire of the same
    fingerprint has just written for this holder is the answer, unless something ended
    it meanwhile (an eviction, a revoke): then, as for a known holder, the database
    wins (``_EndedHolder``). None: the conflict is another live row of the member."""
    try:
        return session_insert(LicenseSession(**fields), grant.seats_used)
    except IntegrityError:
        existing = LicenseSession.objects.filter(id=grant.holder).first()
    if existing is not None and existing.status != Status.ACTIVE:
        raise _EndedHolder()
    return existing


def _record_denial(license_: License, grant: SeatGrant) -> None:
    """One ``deny`` event; failing to write it never changes the client's answer."""
    try:
        seat_event_record(
            org_id=license_.org_id,
            license_id=license_.id,
            project_id=license_.project_id,
            kind=Event.DENY,
            seats_used=grant.seats_used,
            at=as_datetime(grant.now),
        )
    except DatabaseError:
        logger.exception("could not record a denial of license %s", license_.id)


def _sign_token(license_: License, session_id: str, hardware_id: str, grant: SeatGrant) -> str:
    """The license token of a grant. A signer that fails (a key file gone, an HSM or KMS
    unreachable) fails the acquire closed with a 503: never a token that does not
    verify, and the caller gives the seat back."""
    issued = int(grant.now)
    lifetime = max(license_.offline_grace, license_.heartbeat_ttl)
    claims = {
        "iss": settings.TOKEN_ISSUER,
        "sub": session_id,
        "lic": str(license_.id),
        "org": str(license_.org_id),
        "hwid": hardware_id,
        "seats": license_.seats_total,
        "iat": issued,
        "exp": issued + lifetime,
        "lic_exp": int(license_.expires_at.timestamp()) if license_.expires_at else None,
    }
    try:
        return current_signer().sign(claims)
    except Exception as exc:
        logger.exception("signing a license token failed")
        raise SigningUnavailable() from exc


def _secret_license(session_secret: str) -> str:
    license_id = session_secret_license(session_secret)
    if license_id is None:
        raise InvalidSessionSecret()
    return license_id


def session_heartbeat(*, session_id: str, session_secret: str) -> tuple[datetime, int]:
    """Extend a live seat. On Redis this is one script call (write-behind to the database).

    Returns the new expiry and the license's heartbeat interval. A wrong secret, or an
    id no session has, is ``InvalidSessionSecret``; the right secret of a session whose
    seat is gone is ``SessionExpired``. Only those failures read the database.
    """
    license_id = _secret_license(session_secret)
    digest = session_secret_digest(session_secret)
    store = get_seat_store()
    try:
        beat = store.heartbeat(license_id, session_id, digest)
    except WrongSessionSecret:
        raise InvalidSessionSecret() from None
    except SeatStoreUnavailable as exc:
        logger.error("heartbeat refused: %s", exc)
        raise SeatStoreDown() from exc
    if beat is None:
        if selectors.session_by_secret(session_id, digest) is None:
            raise InvalidSessionSecret()
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


def session_release(*, session_id: str, session_secret: str) -> None:
    """Free the seat at once; releasing an ended session again is not an error, but it
    takes the session's secret like the first release (``InvalidSessionSecret``).

    The store checks the secret, frees the seat and counts the license's seats after in
    one step; the database then ends the row with its ``release`` event in one statement
    (``session_end``): one Redis round trip and one PostgreSQL statement."""
    license_id = _secret_license(session_secret)
    digest = session_secret_digest(session_secret)
    store = get_seat_store()
    try:
        released = store.release(license_id, session_id, secret_digest=digest)
        if released is None:
            # The store knows no seat of it: the database says whether the secret is
            # right and whether a row is still live (its seat expired and was dropped
            # before the reaper ended the row).
            known = selectors.session_by_secret(session_id, digest)
            if known is None:
                raise InvalidSessionSecret()
            if known[1] != Status.ACTIVE:
                return
            now, seats = store.now(), store.counts([license_id])[license_id]
        else:
            now, seats = released.now, released.seats_used
    except WrongSessionSecret:
        raise InvalidSessionSecret() from None
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    at = as_datetime(now)
    if connection.vendor == "postgresql":
        session_end(
            session_id, status=Status.RELEASED, kind=Event.RELEASE, at=at, seats_after=seats
        )
    else:
        _end_sessions([session_id], Status.RELEASED, at, {license_id: seats})


def session_revoke(*, session: LicenseSession, request: Request | None = None) -> bool:
    """An admin ends a session: its seat is free at once and its next heartbeat gets 410.

    Returns whether a live session was revoked (audited as ``session.revoke``);
    revoking an ended session changes nothing."""
    store = get_seat_store()
    session_id = str(session.id)
    license_id = str(session.license_id)
    try:
        released = store.release(license_id, session_id, member=session.member)
        if released is None:
            now, seats = as_datetime(store.now()), store.counts([license_id])
        else:
            now, seats = as_datetime(released.now), {license_id: released.seats_used}
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    with transaction.atomic():
        if not _end_sessions([session_id], Status.REVOKED, now, seats):
            return False
        audit_record(
            org=session.org,
            request=request,
            action="session.revoke",
            target=session,
            before={
                "status": Status.ACTIVE,
                "license": str(session.license_id),
                "hardware_id": session.hardware_id,
            },
            after={"status": Status.REVOKED},
        )
    session.status, session.ended_at = Status.REVOKED, now
    return True


def _end_sessions(
    session_ids: Any,
    status: str,
    at: datetime,
    seats_after: dict[str, int] | None = None,
    *,
    skip_locked: bool = False,
) -> int:
    """End those of ``session_ids`` still live, with one seat event each; returns how many.

    The live rows are claimed under a row lock in id order (no deadlock between two
    enders), so each session ends, and is counted, exactly once. ``seats_after`` maps a
    license id to the store's count after these ends (for the events' ``seats_used``).
    """
    ids = [str(session_id) for session_id in session_ids]
    if not ids:
        return 0
    with scopes_disabled(), transaction.atomic():
        rows = list(
            LicenseSession.objects.select_for_update(skip_locked=skip_locked)
            .filter(id__in=ids, status=Status.ACTIVE)
            .order_by("id")
            .values("id", "org_id", "license_id", "project_id", "user_id", "started_at")
        )
        if not rows:
            return 0
        LicenseSession.objects.filter(id__in=[row["id"] for row in rows]).update(
            status=status, ended_at=at
        )
        session_ends_record(
            sessions=rows, kind=_END_EVENT[status], at=at, seats_after=seats_after or {}
        )
    return len(rows)


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
                dead.append((session_id, str(license_id)))
            else:
                with scopes_disabled():
                    LicenseSession.objects.filter(id=session_id, status=Status.ACTIVE).update(
                        expires_at=as_datetime(expires)
                    )
        checked += len(candidates)
        if dead:
            seats = store.counts({license_id for _, license_id in dead})
            # Rows another ender holds are theirs to end (and to count).
            reaped += _end_sessions(
                [session_id for session_id, _ in dead], Status.ZOMBIE, now, seats, skip_locked=True
            )
        if len(candidates) < batch_size:
            break
    revoked = _sessions_of_suspended_licenses_revoke(store, batch_size)
    report = ReapReport(flushed, checked, reaped, time.monotonic() - started, revoked)
    SEAT_REAP.inc(reaped)
    logger.info(
        "reaper: flushed %d heartbeats, checked %d sessions, reaped %d, revoked %d in %.3fs",
        report.flushed,
        report.checked,
        report.reaped,
        report.revoked,
        report.seconds,
    )
    return report


def _sessions_of_suspended_licenses_revoke(store: SeatStore, limit: int) -> int:
    """Sessions still live on a suspended license: an acquire that raced the suspend,
    or a suspend the seat store could not finish. Cheap when there are none: suspended
    licenses are few and their live sessions are found through the license index."""
    with scopes_disabled():
        rows = list(
            LicenseSession.objects.filter(
                status=Status.ACTIVE, license__is_suspended=True
            ).values_list("id", "license_id", "member")[:limit]
        )
    return _revoke_live(store, rows)
