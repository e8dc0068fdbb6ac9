"""Bulk seeding: organizations, licenses, live sessions and usage rows.

Rows go in with SQL (``INSERT … SELECT generate_series``), never through the
API; the Redis seat sets are written by a Lua loop that mirrors the schema of
``backend/licenses/seatstore/lua.py`` and ``redis_store.py``:

- ``<prefix>seats:{<license>}``          zset member -> expiry (Redis clock)
- ``<prefix>seats:{<license>}:holders``  hash member -> holder (session id)
- ``<prefix>seats:{<license>}:ready``    the "rebuilt" marker
- ``<prefix>route:<holder>``             "license<TAB>member<TAB>ttl", 1 h expiry

A seeded session ``g`` of a batch with the 8-hex-digit tag ``t`` has the id
``t-0000-4000-8000-<g as 12 hex digits>`` and the member (hardware id)
``hw-t-<g>``, and belongs to ``licenses[g % len(licenses)]``: SQL, Redis and
the load generator all derive the same names from ``g``.
"""

import hashlib
import hmac
import uuid
from dataclasses import dataclass

import psycopg
import redis

KEY_PREFIX = "coditect:"
ROUTE_SECONDS = 3600
CHUNK = 20_000

SEED_SEATS = """
local kp, tag = ARGV[1], ARGV[2]
local first, count = tonumber(ARGV[3]), tonumber(ARGV[4])
local expires, ttl = ARGV[5], ARGV[6]
local route_s, nlic = tonumber(ARGV[7]), tonumber(ARGV[8])
for g = first, first + count - 1 do
  local lic = ARGV[9 + (g % nlic)]
  local id = string.format('%s-0000-4000-8000-%012x', tag, g)
  local member = 'hw-' .. tag .. '-' .. g
  local base = kp .. 'seats:{' .. lic .. '}'
  redis.call('ZADD', base, expires, member)
  redis.call('HSET', base .. ':holders', member, id)
  redis.call('SET', kp .. 'route:' .. id, lic .. '\\t' .. member .. '\\t' .. ttl, 'EX', route_s)
end
for i = 1, nlic do
  redis.call('SET', kp .. 'seats:{' .. ARGV[8 + i] .. '}:ready', '1')
end
return count
"""

# Expire every ``step``-th seeded session in [first, last): score in the past.
EXPIRE_SEATS = """
local kp, tag = ARGV[1], ARGV[2]
local first, last, step = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local at, nlic = ARGV[6], tonumber(ARGV[7])
local n = 0
for g = first, last - 1, step do
  local lic = ARGV[8 + (g % nlic)]
  redis.call('ZADD', kp .. 'seats:{' .. lic .. '}', 'XX', at, 'hw-' .. tag .. '-' .. g)
  n = n + 1
end
return n
"""


def session_id(tag: str, g: int) -> str:
    return f"{tag}-0000-4000-8000-{g:012x}"


def license_key(name: str, i: int) -> str:
    return f"lic_bench_{name}_{i:05d}"


def key_digest(key: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), key.encode(), hashlib.sha256).hexdigest()


@dataclass
class LicenseSet:
    name: str
    org_id: str
    ids: list[str]
    keys: list[str]
    seats_total: int
    ttl: int


class Seeder:
    def __init__(self, database_url: str, redis_url: str, pepper: str):
        self.db = psycopg.connect(database_url.replace("postgres://", "postgresql://"))
        self.db.autocommit = True
        self.redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self.pepper = pepper
        self._seed = self.redis.register_script(SEED_SEATS)
        self._expire = self.redis.register_script(EXPIRE_SEATS)

    def close(self) -> None:
        self.db.close()
        self.redis.close()

    def redis_now(self) -> float:
        sec, usec = self.redis.time()
        return sec + usec / 1e6

    def org(self, slug: str) -> str:
        row = self.db.execute(
            "INSERT INTO tenants_organization (id, name, slug, created_at) "
            "VALUES (%s, %s, %s, now()) ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name "
            "RETURNING id",
            (uuid.uuid4(), slug, slug),
        ).fetchone()
        return str(row[0])

    def licenses(
        self, name: str, org_slug: str, count: int, *, seats_total: int, ttl: int
    ) -> LicenseSet:
        org_id = self.org(org_slug)
        ids = [str(uuid.uuid4()) for _ in range(count)]
        keys = [license_key(name, i) for i in range(count)]
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO licenses_license (id, org_id, project_id, name, key_digest, "
                "key_prefix, kind, seats_total, expires_at, is_active, is_suspended, "
                "heartbeat_ttl, offline_grace, created_at, updated_at) VALUES "
                "(%s, %s, NULL, %s, %s, %s, 'floating', %s, NULL, true, false, %s, 86400, "
                "now() - make_interval(secs => %s), now())",
                [
                    (
                        lid,
                        org_id,
                        f"{name} {i}",
                        key_digest(key, self.pepper),
                        key[:12],
                        seats_total,
                        ttl,
                        i,
                    )
                    for i, (lid, key) in enumerate(zip(ids, keys, strict=True))
                ],
            )
        return LicenseSet(name, org_id, ids, keys, seats_total, ttl)

    def sessions(self, lics: LicenseSet, tag: str, first: int, count: int) -> float:
        """Seed ``count`` live sessions [first, first+count) in PostgreSQL and Redis.

        Returns the expiry given to them (the Redis clock plus the license TTL).
        """
        expires = self.redis_now() + lics.ttl
        self.db.execute(
            """
            INSERT INTO licenses_session (id, hardware_id, client_instance, member, client_info,
                ip_address, status, started_at, last_heartbeat_at, heartbeat_count, expires_at,
                ended_at, license_id, org_id, project_id, user_id)
            SELECT (%(tag)s || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                   'hw-' || %(tag)s || '-' || g, '', 'hw-' || %(tag)s || '-' || g, '{}'::jsonb,
                   NULL, 'active', now() - make_interval(secs => g %% 3600), now(), 0,
                   to_timestamp(%(expires)s), NULL, l.id, %(org)s::uuid, NULL, NULL
            FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g
            JOIN unnest(%(lics)s::uuid[]) WITH ORDINALITY AS l(id, ord)
              ON l.ord = (g %% %(n)s) + 1
            """,
            {
                "tag": tag,
                "expires": expires,
                "org": lics.org_id,
                "first": first,
                "last": first + count - 1,
                "lics": lics.ids,
                "n": len(lics.ids),
            },
        )
        for start in range(first, first + count, CHUNK):
            n = min(CHUNK, first + count - start)
            self._seed(
                args=[
                    KEY_PREFIX,
                    tag,
                    start,
                    n,
                    repr(expires),
                    lics.ttl,
                    ROUTE_SECONDS,
                    len(lics.ids),
                    *lics.ids,
                ]
            )
        return expires

    def expire_every(self, lics: LicenseSet, tag: str, first: int, last: int, step: int) -> int:
        """Make every ``step``-th session of [first, last) expired (1 % with step 100)."""
        at = self.redis_now() - 30
        self.db.execute(
            """
            UPDATE licenses_session SET expires_at = to_timestamp(%(at)s)
            WHERE id IN (
              SELECT (%(tag)s || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid
              FROM generate_series(%(first)s::bigint, %(last)s::bigint - 1, %(step)s) AS g)
              AND status = 'active'
            """,
            {"at": at, "tag": tag, "first": first, "last": last, "step": step},
        )
        total = 0
        for start in range(first, last, CHUNK * step):
            stop = min(last, start + CHUNK * step)
            total += self._expire(
                args=[KEY_PREFIX, tag, start, stop, step, repr(at), len(lics.ids), *lics.ids]
            )
        return total

    def analyze(self) -> None:
        self.db.execute("ANALYZE")

    def reset_sessions(self) -> None:
        """Forget every session: rows and the whole private Redis."""
        self.db.execute("TRUNCATE licenses_session")
        self.redis.flushall()
