"""Redis seat store: a sorted set per license, scored by expiry, changed only by Lua.

Failure mode, on purpose: when Redis errors, the seat path fails closed with
``SeatStoreUnavailable`` (HTTP 503) instead of granting seats it cannot count.
Redis is a cache of truth: a license's seat set that vanished (restart, flush,
failover) is rebuilt from the database's live sessions, their secret digests
included, before any new seat is granted, marked by a per-license ``ready`` key.

Every call names its license, so every script touches that license's slot only. A
client's heartbeat and release learn the license from the session secret
(``licenses.session_secrets``), and the seat's own entry in the license's sessions
hash gives its member, TTL and secret digest: a heartbeat is one script call, one
round trip on a single Redis (the write-behind mark rides in the same script).
"""

import json
from collections.abc import Callable, Iterable
from typing import Any

import redis
from redis.cluster import RedisCluster

from core.redis_direct import ThreadConnections
from licenses.seatstore import lua
from licenses.seatstore.base import (
    LiveSeat,
    SeatBeat,
    SeatGrant,
    SeatLoader,
    SeatRelease,
    SeatStoreUnavailable,
    SeatTerms,
    Waiter,
    WrongSessionSecret,
)

_REBUILD = -2
_WRONG_SECRET = -1
_UNKNOWN = -3
_REBUILD_ATTEMPTS = 3


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
    ):
        self.client = client
        self.prefix = prefix
        self.seat_loader = seat_loader
        # A cluster refuses a script whose keys span slots: there the dirty set (a key
        # of its own slot) is written by a second call.
        self._single = not isinstance(client, RedisCluster)
        self._acquire = client.register_script(lua.ACQUIRE)
        self._heartbeat = client.register_script(lua.HEARTBEAT)
        self._release = client.register_script(lua.RELEASE)
        self._reap = client.register_script(lua.REAP)
        self._rebuild = client.register_script(lua.REBUILD)
        self._drain = client.register_script(lua.DRAIN_BEATS)
        self._queue_cancel = client.register_script(lua.QUEUE_CANCEL)
        self._queue = client.register_script(lua.QUEUE)
        self._now = client.register_script(lua.NOW)
        # The client's own seat calls (acquire, heartbeat, release) skip redis-py's
        # per-command machinery on a single Redis (``core.redis_direct``).
        if self._single:
            self._direct = ThreadConnections(client)
            self._script = self._direct.run
        else:
            self._script = lambda script, keys, args: script(keys=keys, args=args)

    # keys ---------------------------------------------------------------------

    def seat_keys(self, license_id: str) -> list[str]:
        """The license's keys in ``lua.SEAT_KEYS`` order, the seat set first."""
        base = f"{self.prefix}seats:{{{license_id}}}"
        return [base, *(f"{base}:{name}" for name in lua.SEAT_KEYS[1:])]

    @property
    def dirty_key(self) -> str:
        return f"{self.prefix}dirty"

    def _keys_marking_dirty(self, license_id: str) -> list[str]:
        keys = self.seat_keys(license_id)
        return [*keys, self.dirty_key] if self._single else keys

    # contract -----------------------------------------------------------------

    def now(self) -> float:
        return self._call(lambda: float(self._now(keys=[self.dirty_key])))

    def acquire(
        self,
        license_id: str,
        member: str,
        holder: str,
        terms: SeatTerms,
        ttl: int,
        secret_digest: str,
    ) -> SeatGrant:
        keys = self._keys_marking_dirty(license_id)
        args: list[Any] = [member, holder, ttl, secret_digest, license_id, terms.as_json()]
        reply = self._with_rebuild(license_id, lambda: self._script(self._acquire, keys, args))
        granted, got_holder, created, used, expires, now, notes, *evicted = reply
        grant = SeatGrant(
            granted=granted == 1,
            holder=got_holder or None,
            created=created == 1,
            seats_used=int(used),
            expires_at=float(expires),
            now=float(now),
            evicted=tuple(evicted),
            notes=json.loads(notes) if notes else {},
        )
        if grant.granted and not grant.created and not self._single:
            self._call(lambda: self.client.sadd(self.dirty_key, license_id))
        return grant

    def heartbeat(self, license_id: str, holder: str, secret_digest: str) -> SeatBeat | None:
        keys = self._keys_marking_dirty(license_id)
        args = [holder, secret_digest, license_id]
        alive, expires, now = self._with_rebuild(
            license_id, lambda: self._script(self._heartbeat, keys, args)
        )
        if alive == _WRONG_SECRET:
            raise WrongSessionSecret()
        if alive != 1:
            return None
        if not self._single:
            self._call(lambda: self.client.sadd(self.dirty_key, license_id))
        return SeatBeat(license_id, float(expires), float(now))

    def release(
        self,
        license_id: str,
        holder: str,
        *,
        secret_digest: str | None = None,
        member: str | None = None,
    ) -> SeatRelease | None:
        keys = self.seat_keys(license_id)
        args = [holder, secret_digest or "", member or ""]
        status, now, used = self._call(lambda: self._script(self._release, keys, args))
        if status == _WRONG_SECRET:
            raise WrongSessionSecret()
        if status == _UNKNOWN:
            return None
        return SeatRelease(license_id, status == 1, int(used), float(now))

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

    def queue_cancel(self, license_id: str, ticket: str) -> Waiter | None:
        keys = self.seat_keys(license_id)
        reply = self._call(lambda: self._queue_cancel(keys=keys, args=[ticket]))
        if not reply:
            return None
        member, got, joined, deadline = reply
        return Waiter(member, got, float(joined), float(deadline))

    def queue(self, license_id: str) -> list[Waiter]:
        flat = self._call(lambda: self._queue(keys=self.seat_keys(license_id)))
        return [
            Waiter(flat[i], flat[i + 1], float(flat[i + 2]), float(flat[i + 3]))
            for i in range(0, len(flat), 4)
        ]

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
            args.extend(
                [
                    seat.member,
                    seat.holder,
                    repr(seat.expires_at),
                    seat.ttl,
                    seat.secret_digest,
                    seat.project,
                    "1" if seat.borrowed else "0",
                    seat.person,
                    repr(seat.granted_at),
                ]
            )
        return self._call(lambda: self._rebuild(keys=self.seat_keys(license_id), args=args)) == 1
