"""The seat store's reads of the database: what it needs to rebuild a vanished Redis
seat set. Here, not in ``licenses.selectors``, so the store depends on models only."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from licenses.models import License, LicenseSession
from licenses.seatstore.base import LiveSeat, group_bucket


def live_seats_for_rebuild(license_id: str) -> list[LiveSeat]:
    """Seats the database believes live, for rebuilding a vanished Redis seat set, with
    the TTL each beats with (the license's), its session secret's digest, the project or
    group of people it counts against (reservations and caps), and for a person's seat
    the person and its start (the per-person index is rebuilt with it).

    The database's last heartbeat lags Redis by up to ``WRITE_BEHIND_MAX_LAG``,
    so each seat is kept that much longer: a rebuild may hold a dead client's
    seat a little longer, but never frees one a live client still holds. A borrowed
    seat comes back borrowed (its expiry is the borrow's end), with the rest of its
    period as the TTL a heartbeat would extend it by.
    """
    lag = timedelta(seconds=settings.WRITE_BEHIND_MAX_LAG)
    with scopes_disabled():
        ttl = License.objects.filter(id=license_id).values_list("heartbeat_ttl", flat=True).first()
        rows = LicenseSession.objects.filter(
            license_id=license_id, status=LicenseSession.Status.ACTIVE
        ).values_list(
            "member",
            "id",
            "expires_at",
            "secret_digest",
            "project_id",
            "borrowed_until",
            "user_id",
            "started_at",
            "group_id",
        )
        now = timezone.now()
        return [
            LiveSeat(
                member,
                str(sid),
                (expires + lag).timestamp(),
                max(ttl or 0, round((borrowed - now).total_seconds())) if borrowed else ttl or 0,
                digest,
                project=group_bucket(group) if group else str(project) if project else "",
                borrowed=borrowed is not None,
                person=str(user_id) if user_id else "",
                granted_at=started.timestamp(),
            )
            for member, sid, expires, digest, project, borrowed, user_id, started, group in rows
        ]
