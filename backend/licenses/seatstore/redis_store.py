"""Redis seat store: a sorted set per license, scored by expiry, changed only by Lua.

Failure mode, on purpose: when Redis errors, the seat path fails closed with
``SeatStoreUnavailable`` (HTTP 503) instead of granting seats it cannot count.
Redis is a cache of truth: a license's seat set that vanished (restart, flush,
failover) is rebuilt from the database's live sessions before any new seat is
granted, marked by a per-license ``ready`` key.

Routes: heartbeat and release carry only the session id (the holder), so the store
keeps a route key per holder (license, member, TTL). A holder's route never changes
while it lives, so each process also keeps recently used routes in memory
(``SEAT_ROUTE_CACHE_SIZE``, LRU): a heartbeat then costs one Redis round trip, the
script with the write-behind mark. A remembered route is never trusted for more than
where to look: the script still decides whether the holder is alive, so a released,
revoked or reaped holder gets 410 whatever this process remembers. One consequence:
after a license's TTL changes, a holder that re-acquires keeps beating with its old
TTL on processes that remember it, until they forget it (the documented behaviour is
"keeps the TTL it started with until it acquires again").
"""

import threading
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import redis
from cachetools import LRUCache
from django.conf import settings
from redis.cluster import RedisCluster

from licenses.seatstore import lua
from licenses.seatstore.base import (
    LiveSeat,
    RouteLoader,
    SeatBeat,
    SeatGrant,
    SeatLoader,
    SeatRelease,
    SeatRoute,
    SeatStoreUnavailable,
)

_REBUILD = -2
# A route key outlives most sessions' heartbeats; when it lapses, one heartbeat
# reads the database to find the seat again.
_ROUTE_SECONDS = 3600
_REBUILD_ATTEMPTS = 3


_client_lock = threading.Lock()


def redis_client() -> redis.Redis | RedisCluster:
    """The process's one Redis client, built on first use.

    Under a lock: ``functools.cache`` alone lets the first calls of several threads
    each build a client, and a client it drops closes its connections when collected,
    under whatever command is using them. A fresh worker's first burst then met "Bad
    file descriptor": rate limits let requests through, seat calls failed."""
    with _client_lock:
        return _built_client()


@cache
def _built_client() -> redis.Redis | RedisCluster:
    options: dict[str, Any] = {
        "decode_responses": True,
        "socket_timeout": 2.0,
        "socket_connect_timeout": 2.0,
        "health_check_interval": 30,
    }
    if settings.REDIS_CLUSTER:
        return RedisCluster.from_url(settings.REDIS_URL, **options)
    return redis.Redis.from_url(settings.REDIS_URL, **options)


# Settings changes (tests) start over with a new client.
redis_client.cache_clear = _built_client.cache_clear  # type: ignore[attr-defined]


def _unavailable(exc: Exception) -> SeatStoreUnavailable:
    return SeatStoreUnavailable(f"Redis seat store unavailable: {exc}")


class RedisSeatStore:
    write_behind = True

    def __init__(
        self,
        client: redis.Redis | RedisCluster,
        *,
        prefix: str,
        seat_loader: SeatLoader,
        route_loader: RouteLoader,
        route_cache_size: int = 0,
    ):
        self.client = client
        self._routes: LRUCache[str, SeatRoute] | None = (
            LRUCache(maxsize=route_cache_size) if route_cache_size else None
        )
        # LRUCache reorders itself on every read: one lock per store, held for a dict op.
        self._routes_lock = threading.Lock()
        self.prefix = prefix
        self.seat_loader = seat_loader
        self.route_loader = route_loader
        self._acquire = client.register_script(lua.ACQUIRE)
        self._heartbeat = client.register_script(lua.HEARTBEAT)
        self._release = client.register_script(lua.RELEASE)
        self._reap = client.register_script(lua.REAP)
        self._rebuild = client.register_script(lua.REBUILD)
        self._drain = client.register_script(lua.DRAIN_BEATS)
        self._now = client.register_script(lua.NOW)

    # keys ---------------------------------------------------------------------

    def seat_keys(self, license_id: str) -> list[str]:
        base = f"{self.prefix}seats:{{{license_id}}}"
        return [base, f"{base}:holders", f"{base}:ready", f"{base}:beats", f"{base}:beatn"]

    def route_key(self, holder: str) -> str:
        return f"{self.prefix}route:{holder}"

    @property
    def dirty_key(self) -> str:
        return f"{self.prefix}dirty"

    # contract -----------------------------------------------------------------

    def now(self) -> float:
        return self._call(lambda: float(self._now(keys=[self.dirty_key])))

    def acquire(
        self, license_id: str, member: str, holder: str, seats_total: int, ttl: int
    ) -> SeatGrant:
        keys = self.seat_keys(license_id)
        args: list[Any] = [member, holder, seats_total, ttl]
        route = f"{license_id}\t{member}\t{ttl}"
        # On a single Redis the script writes a new holder's route itself (lua.py).
        routed_by_script = not isinstance(self.client, RedisCluster)
        if routed_by_script:
            keys, args = [*keys, self.route_key(holder)], [*args, route, _ROUTE_SECONDS]
        reply = self._with_rebuild(license_id, lambda: self._acquire(keys=keys, args=args))
        granted, got_holder, created, used, expires, now, *evicted = reply
        grant = SeatGrant(
            granted=granted == 1,
            holder=got_holder or None,
            created=created == 1,
            seats_used=int(used),
            expires_at=float(expires),
            now=float(now),
            evicted=tuple(evicted),
        )
        pipe = self.client.pipeline(transaction=False)
        if grant.granted and not (grant.created and routed_by_script):
            pipe.set(self.route_key(grant.holder), route, ex=_ROUTE_SECONDS)
        if grant.granted and not grant.created:
            pipe.sadd(self.dirty_key, license_id)
        for gone in grant.evicted:
            pipe.delete(self.route_key(gone))
            self._forget(gone)
        if len(pipe):
            self._call(pipe.execute)
        if grant.granted:
            self._remember(grant.holder, SeatRoute(license_id, member, ttl))
        return grant

    def heartbeat(self, holder: str) -> SeatBeat | None:
        route = self._route(holder)
        if route is None:
            return None
        keys = self.seat_keys(route.license_id)
        alive, expires, now = self._with_rebuild(
            route.license_id, lambda: self._beat(keys, route, holder)
        )
        if alive != 1:
            self._forget(holder)
            return None
        return SeatBeat(route.license_id, route.member, float(expires), float(now))

    def _beat(self, keys: list[str], route: SeatRoute, holder: str) -> Any:
        """The heartbeat script and the write-behind mark (the license into the dirty
        set, for the flush), in one round trip.

        The mark goes with every beat; for a dead seat it is harmless (the flush finds
        nothing to write). The script runs by its SHA: a pipeline would otherwise ask
        SCRIPT EXISTS first, one more round trip.
        """
        args = [route.member, holder, route.ttl]
        if isinstance(self.client, RedisCluster):
            # redis-py refuses EVALSHA in cluster pipelines (and the two keys live in
            # different slots): two round trips, as before.
            reply = self._heartbeat(keys=keys, args=args)
            if reply and reply[0] == 1:
                self.client.sadd(self.dirty_key, route.license_id)
            return reply
        pipe = self.client.pipeline(transaction=False)
        pipe.evalsha(self._heartbeat.sha, len(keys), *keys, *args)
        pipe.sadd(self.dirty_key, route.license_id)
        try:
            return pipe.execute()[0]
        except redis.exceptions.NoScriptError:
            # Redis lost its script cache (restart, failover): load it, once.
            reply = self._heartbeat(keys=keys, args=args)
            self.client.sadd(self.dirty_key, route.license_id)
            return reply

    def release(self, holder: str) -> SeatRelease | None:
        route = self._route(holder)
        if route is None:
            return None
        keys = self.seat_keys(route.license_id)
        # On a single Redis the script deletes the route itself (lua.py).
        routed_by_script = not isinstance(self.client, RedisCluster)
        if routed_by_script:
            keys = [*keys, self.route_key(holder)]
        removed, now, used = self._call(
            lambda: self._release(keys=keys, args=[route.member, holder])
        )
        self._forget(holder)
        if not routed_by_script:
            self._call(lambda: self.client.delete(self.route_key(holder)))
        return SeatRelease(route.license_id, removed == 1, int(used), float(now))

    def count(self, license_id: str) -> int:
        key = self.seat_keys(license_id)[0]
        now = self.now()
        return self._call(lambda: self.client.zcount(key, f"({now}", "+inf"))

    def counts(self, license_ids: Iterable[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(license_ids))
        if not ids:
            return {}
        now = self.now()
        pipe = self.client.pipeline(transaction=False)
        for license_id in ids:
            pipe.zcount(self.seat_keys(license_id)[0], f"({now}", "+inf")
        return dict(zip(ids, map(int, self._call(pipe.execute)), strict=True))

    def members(self, license_id: str) -> list[LiveSeat]:
        seats, holders = self.seat_keys(license_id)[:2]
        now = self.now()
        scored = self._call(
            lambda: self.client.zrangebyscore(seats, f"({now}", "+inf", withscores=True)
        )
        if not scored:
            return []
        names = [m for m, _ in scored]
        owners = self._call(lambda: self.client.hmget(holders, names))
        return [
            LiveSeat(member=m, holder=h, expires_at=s)
            for (m, s), h in zip(scored, owners, strict=True)
            if h
        ]

    def reap(self, license_id: str, member: str, holder: str) -> float | None:
        keys = self.seat_keys(license_id)
        alive, expires = self._with_rebuild(
            license_id, lambda: self._reap(keys=keys, args=[member, holder])
        )
        return float(expires) if alive == 1 else None

    def drop_license(self, license_id: str) -> None:
        self._call(lambda: self.client.delete(*self.seat_keys(license_id)))

    # write-behind ---------------------------------------------------------------

    def drain_beats(self, limit: int) -> dict[str, list[tuple[str, float, int]]]:
        """Take pending heartbeats of up to ``limit`` licenses: license -> [(holder, at, n)]."""
        license_ids = self._call(lambda: self.client.spop(self.dirty_key, limit)) or []
        drained: dict[str, list[tuple[str, float, int]]] = {}
        for license_id in license_ids:
            flat = self._call(lambda lid=license_id: self._drain(keys=self.seat_keys(lid)))
            drained[license_id] = [
                (flat[i], float(flat[i + 1]), int(flat[i + 2])) for i in range(0, len(flat), 3)
            ]
        return drained

    # internals ------------------------------------------------------------------

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except redis.RedisError as exc:
            raise _unavailable(exc) from exc

    def _with_rebuild(self, license_id: str, run: Callable[[], Any]) -> Any:
        for _ in range(_REBUILD_ATTEMPTS):
            reply = self._call(run)
            if not (isinstance(reply, list) and reply and reply[0] == _REBUILD):
                return reply
            self.rebuild(license_id)
        raise SeatStoreUnavailable(f"seat set of license {license_id} could not be rebuilt")

    def rebuild(self, license_id: str) -> bool:
        """Load the license's live seats from the database; True if this call rebuilt it."""
        args: list[Any] = []
        for seat in self.seat_loader(license_id):
            args.extend([seat.member, seat.holder, repr(seat.expires_at)])
        return self._call(lambda: self._rebuild(keys=self.seat_keys(license_id), args=args)) == 1

    def _remember(self, holder: str, route: SeatRoute) -> None:
        if self._routes is not None:
            with self._routes_lock:
                self._routes[holder] = route

    def _forget(self, holder: str) -> None:
        if self._routes is not None:
            with self._routes_lock:
                self._routes.pop(holder, None)

    def _route(self, holder: str) -> SeatRoute | None:
        if self._routes is not None:
            with self._routes_lock:
                known = self._routes.get(holder)
            if known is not None:
                return known
        raw = self._call(lambda: self.client.get(self.route_key(holder)))
        if raw:
            license_id, member, ttl = raw.split("\t")
            route = SeatRoute(license_id, member, int(ttl))
            self._remember(holder, route)
            return route
        route = self.route_loader(holder)
        if route is not None:
            self._call(
                lambda: self.client.set(
                    self.route_key(holder),
                    f"{route.license_id}\t{route.member}\t{route.ttl}",
                    ex=_ROUTE_SECONDS,
                )
            )
            self._remember(holder, route)
        return route
