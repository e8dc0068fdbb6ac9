"""Fixed-window rate limits, counted once for every API process.

Every throttle (``users/throttles.py``, ``licenses/api/throttles.py``) counts requests
per scope and client in fixed windows: one atomic increment of one small counter per
scope, rather than DRF's ``SimpleRateThrottle``, which reads and rewrites a list of up
to *rate* timestamps on every request and loses updates under concurrency (two
requests read the same list; both pass). The price of a fixed window: a client can fit
up to twice the rate across one window boundary, which is fine for abuse protection.

Where the counters live:

- **Redis** when the cache is Redis (``REDIS_URL``): ``INCR`` and ``EXPIRE`` per key,
  every scope of a request in one round trip. On a single Redis that round trip is one
  script (``_COUNT_AND_READ``) sent on the thread's own connection
  (``core.redis_direct``): acquire counts two scopes and reads up to three keys, and
  the five-command pipeline through redis-py cost it more client CPU than its seat
  step (bench/RESULTS.md, ninth session). A cluster spreads the keys over slots, so
  there the commands go as a pipeline.
- **The SQL database** otherwise (the embedded default, several gunicorn workers and no
  Redis): one ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n`` on the
  ``RateCounter`` table, all scopes in one statement. SQLite (3.35+) and PostgreSQL
  both run it as one atomic step, so two workers never lose a count. Django's own
  ``DatabaseCache`` and ``FileBasedCache`` were not used: their ``incr`` is a read and
  then a write, so concurrent workers would lose counts. Expired windows are deleted
  by whichever request comes first after ``PRUNE_SECONDS`` in each process. On
  PostgreSQL the table is unlogged (its migration): a counted request waits for no WAL
  flush.

If the counter store itself fails, the request is let through and the failure logged:
a rate limiter that refused everything would turn a Redis or database hiccup into an
outage of sign-in. The seat store decides the seat path's failure mode (it fails
closed), not the rate limiter.
"""

import logging
import math
import time
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any, Final

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from redis.cluster import RedisCluster
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core.models import RateCounter
from core.redis import redis_client
from core.redis_direct import ThreadConnections

logger = logging.getLogger(__name__)

NOT_FETCHED: Final = object()
PRUNE_SECONDS = 60

_next_prune = 0.0


class FixedWindowThrottle(BaseThrottle):
    """One rate limit: its scope, its rate and whom it counts. On its own it is a DRF
    throttle; ``allow`` counts several of them in one round trip."""

    scope: str
    # Tests and operators may pin a rate on the class; None reads the settings each time.
    rate: str | None = None

    def __init__(self) -> None:
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        return self.rate or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident(self, request: Request) -> str | None:
        """Whom the request counts against; None: this scope does not count it."""
        raise NotImplementedError

    def window(self, request: Request, now: float) -> tuple[str, int, int, float] | None:
        """(counter key, limit, window seconds, seconds left in the window), or None
        when this scope does not count the request."""
        rate = self.get_rate()
        ident = self.ident(request) if rate else None
        if not rate or not ident:
            return None
        limit, duration = parse_rate(rate)
        window = int(now // duration)
        return (
            f"throttle:{self.scope}:{window}:{ident}",
            limit,
            duration,
            (window + 1) * duration - now,
        )

    def allow_request(self, request: Request, view: Any) -> bool:
        allowed, _ = allow([self], request)
        return allowed

    def wait(self) -> float | None:
        # Whole seconds, at least one: Retry-After is an integer.
        return None if self._wait is None else max(1, math.ceil(self._wait))


class ClientIpThrottle(FixedWindowThrottle):
    """Counts requests per client IP under the subclass's ``scope``.

    The client IP is ``REMOTE_ADDR`` unless ``REST_FRAMEWORK["NUM_PROXIES"]`` says how
    many trusted proxies append to ``X-Forwarded-For``: DRF's default would otherwise
    believe a header any client can forge and let it dodge the limit. Behind a load
    balancer set ``NUM_PROXIES``, or every client shares one bucket."""

    def ident(self, request: Request) -> str | None:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or None
        return self.get_ident(request) or None


def allow(
    scopes: Sequence[FixedWindowThrottle], request: Request, fetch: Sequence[str] = ()
) -> tuple[bool, Any]:
    """Count the request in every scope's window (one round trip for all of them, which
    also reads the Redis keys ``fetch``); a scope over its limit keeps how long until
    its window ends. Returns whether the request may pass, and the values of ``fetch``
    in its order (``NOT_FETCHED`` when nothing was read)."""
    now = time.time()
    counted = [(scope, w) for scope in scopes if (w := scope.window(request, now))]
    if not counted:
        return True, NOT_FETCHED
    try:
        counts, fetched = hit_many(
            [(key, duration) for _, (key, _, duration, _) in counted], fetch=fetch
        )
    except Exception:
        logger.exception("rate limit: counter store unavailable, request let through")
        return True, NOT_FETCHED
    allowed = True
    for (scope, (_, limit, _, left)), count in zip(counted, counts, strict=True):
        if count > limit:
            scope._wait, allowed = left, False
    return allowed, fetched


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/min"`` -> (600, 60): DRF's rate syntax (s, m, h, d by first letter)."""
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[0]]


def hit_many(windows: list[tuple[str, int]], *, fetch: Sequence[str] = ()) -> tuple[list[int], Any]:
    """Count one request in each (key, window seconds), atomically per key across every
    process, and return the counts: on Redis if the cache is Redis (which also reads
    the keys ``fetch``, in the same round trip), else in the SQL database."""
    backend = caches["default"]  # ``django.core.cache.cache`` is a proxy to it
    if isinstance(backend, RedisCache):
        return _redis_hit_many(backend, windows, fetch)
    return sql_hit_many(windows), NOT_FETCHED


# KEYS: the counters, then the keys to read. ARGV[1]: how many counters; ARGV[1 + i]:
# counter i's expiry. A missing key reads as false, which the reply carries as nil.
_COUNT_AND_READ = """
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  out[i] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[i + 1])
end
for i = n + 1, #KEYS do
  out[i] = redis.call('GET', KEYS[i])
end
return out
"""


class _ThreadCounters:
    """The count script on each thread's own connection to one single-Redis client."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.script = client.register_script(_COUNT_AND_READ)
        self.connections = ThreadConnections(client)


_counters: _ThreadCounters | None = None


def _redis_hit_many(
    backend: RedisCache, windows: list[tuple[str, int]], fetch: Sequence[str]
) -> tuple[list[int], Any]:
    """INCR, then EXPIRE (each key names its window, so pushing its expiry on every hit
    only keeps it a second past its window's end), and a GET of each key of ``fetch``."""
    global _counters
    # The same server and database as the cache (both are REDIS_URL), through the
    # process's one client: Django's cache builds a client object per call and its
    # incr() costs two round trips a key.
    client = redis_client()
    keys = [backend.make_and_validate_key(key) for key, _ in windows]
    expiries = [duration + 1 for _, duration in windows]
    if isinstance(client, RedisCluster):
        pipe = client.pipeline(transaction=False)
        for key, expiry in zip(keys, expiries, strict=True):
            pipe.incr(key)
            pipe.expire(key, expiry)
        for name in fetch:
            pipe.get(name)
        replies = pipe.execute()
        counts, values = replies[: 2 * len(keys) : 2], replies[2 * len(keys) :]
    else:
        counters = _counters
        if counters is None or counters.client is not client:
            counters = _counters = _ThreadCounters(client)
        replies = counters.connections.run(counters.script, [*keys, *fetch], [len(keys), *expiries])
        counts, values = replies[: len(keys)], replies[len(keys) :]
    return [int(count) for count in counts], (values if fetch else NOT_FETCHED)


def sql_hit_many(windows: list[tuple[str, int]]) -> list[int]:
    """Count one request in each (key, window seconds) in the ``RateCounter`` table:
    one upsert statement, atomic on SQLite and PostgreSQL alike."""
    now = time.time()
    table, key, n, expires_at = map(
        connection.ops.quote_name, (RateCounter._meta.db_table, "key", "n", "expires_at")
    )
    # A row first written at ``now`` expires after its window has ended: the window
    # started at most ``now`` and lasts ``duration``. Rows in key order: concurrent
    # statements on PostgreSQL lock shared rows in one order and never deadlock.
    params = [value for k, duration in sorted(windows) for value in (k, int(now) + duration + 1)]
    sql = (
        f"INSERT INTO {table} ({key}, {n}, {expires_at}) "  # noqa: S608 (names, no input)
        f"VALUES {', '.join(['(%s, 1, %s)'] * len(windows))} "
        f"ON CONFLICT ({key}) DO UPDATE SET {n} = {table}.{n} + 1 "
        f"RETURNING {key}, {n}"
    )
    # Inside a caller's transaction a savepoint keeps a failed count from aborting it;
    # on its own (a request) the statement is its own transaction and holds its row
    # lock only while it runs.
    savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
        _prune(cursor, table, expires_at, now)
    return [counts[k] for k, _ in windows]


def _prune(cursor: Any, table: str, expires_at: str, now: float) -> None:
    """Delete the windows that are over, at most once per ``PRUNE_SECONDS`` a process."""
    global _next_prune
    if now < _next_prune:
        return
    _next_prune = now + PRUNE_SECONDS
    cursor.execute(f"DELETE FROM {table} WHERE {expires_at} < %s", [int(now)])  # noqa: S608
