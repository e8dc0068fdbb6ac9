"""Seat store selection: ``SEAT_STORE`` (``redis`` when ``REDIS_URL`` is set, else ``sql``)."""

from functools import cache

from django.conf import settings

from licenses.seatstore.base import SeatStore


@cache
def get_seat_store() -> SeatStore:
    if settings.SEAT_STORE == "redis":
        from core.redis import redis_client
        from licenses.seatstore.loaders import live_seats_for_rebuild
        from licenses.seatstore.redis_store import RedisSeatStore

        return RedisSeatStore(
            redis_client(),
            prefix=settings.REDIS_KEY_PREFIX,
            seat_loader=live_seats_for_rebuild,
        )
    from licenses.seatstore.sql_store import SqlSeatStore

    return SqlSeatStore()
