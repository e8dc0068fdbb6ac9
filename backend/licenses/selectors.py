"""Reads of the licenses app. Lookups that must cross tenants say so in their docstring."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django_scopes import scopes_disabled

from licenses.keys import license_key_digest, license_key_matches
from licenses.models import License, LicenseSession
from licenses.seatstore.base import LiveSeat, SeatRoute


def license_get_by_key(key: str) -> License | None:
    """Cross-tenant by necessity: the key is what tells us the organization."""
    digest = license_key_digest(key)
    with scopes_disabled():
        license_ = License.objects.filter(key_digest=digest).first()
    if license_ is None or not license_key_matches(key, license_.key_digest):
        return None
    return license_


def live_seats_for_rebuild(license_id: str) -> list[LiveSeat]:
    """Seats the database believes live, for rebuilding a vanished Redis seat set.

    The database's last heartbeat lags Redis by up to ``WRITE_BEHIND_MAX_LAG``,
    so each seat is kept that much longer: a rebuild may hold a dead client's
    seat a little longer, but never frees one a live client still holds.
    """
    lag = timedelta(seconds=settings.WRITE_BEHIND_MAX_LAG)
    with scopes_disabled():
        rows = LicenseSession.objects.filter(
            license_id=license_id, status=LicenseSession.Status.ACTIVE
        ).values_list("member", "id", "expires_at")
        return [
            LiveSeat(member, str(sid), (expires + lag).timestamp()) for member, sid, expires in rows
        ]


def seat_route_for_session(session_id: str) -> SeatRoute | None:
    """Where a live session's seat is kept; cross-tenant, keyed by the session id alone."""
    with scopes_disabled():
        row = (
            LicenseSession.objects.filter(id=session_id, status=LicenseSession.Status.ACTIVE)
            .values_list("license_id", "member", "license__heartbeat_ttl")
            .first()
        )
    if row is None:
        return None
    license_id, member, ttl = row
    return SeatRoute(str(license_id), member, ttl)


def as_datetime(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)
