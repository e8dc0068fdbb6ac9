"""Seats whose clients stopped beating come back by themselves: the reaper, and the
write-behind of heartbeats (Redis) to the session rows it runs first."""

import logging
import time
from dataclasses import dataclass

from django.db.models import F
from django_scopes import scopes_disabled

from core.metrics import SEAT_REAP
from licenses.models import License, LicenseSession
from licenses.seat_policy import overages_settle
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStore
from licenses.selectors import as_datetime
from licenses.services import session_rows

logger = logging.getLogger(__name__)
Status = LicenseSession.Status


@dataclass(frozen=True)
class ReapReport:
    flushed: int
    checked: int
    reaped: int
    seconds: float
    # Live sessions of suspended licenses the reaper revoked (an acquire that raced a
    # suspend, or a suspend the seat store could not finish).
    revoked: int = 0
    # Overage episodes opened or closed (``seat_policy.overages_settle``).
    overages: int = 0


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
            reaped += session_rows.sessions_end(
                [session_id for session_id, _ in dead], Status.ZOMBIE, now, seats, skip_locked=True
            )
        if len(candidates) < batch_size:
            break
    revoked = _sessions_of_suspended_licenses_revoke(store, batch_size)
    overages = overages_settle(store.counts)
    report = ReapReport(flushed, checked, reaped, time.monotonic() - started, revoked, overages)
    SEAT_REAP.inc(reaped)
    logger.info(
        "reaper: flushed %d heartbeats, checked %d sessions, reaped %d, revoked %d, "
        "overage episodes changed %d in %.3fs",
        report.flushed,
        report.checked,
        report.reaped,
        report.revoked,
        report.overages,
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
    return session_rows.sessions_revoke_live(store, rows)
