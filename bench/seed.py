"""Bulk seeding: organizations, licenses, live sessions and usage rows.

Rows go in with SQL (``INSERT … SELECT``), never through the API. The seeder
builds no Redis seat sets: Redis is a cache of truth (DESIGN §6), so after
seeding, ``rebuild`` has the server's own seat store drop each seeded license's
seat set and rebuild it from the database, session secret digests included, as
it would after a Redis flush. The only Redis write left is ``expire_every``,
which moves the expiry (the sorted set's score) of the seats it expires into the
past, as time would.

A seeded session ``g`` of a batch with the 8-hex-digit tag ``t`` has the id
``t-0000-4000-8000-<g as 12 hex digits>``, the member (hardware id)
``hw-t-<g>`` and the session secret ``session_secret(license, t, g)``, and
belongs to ``licenses[g % len(licenses)]``: SQL and the load generator derive
the same names from ``g``.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
import redis

KEY_PREFIX = "coditect:"
CHUNK = 20_000
# Seeded secrets are derived from the session id so the load generator can send
# them without a lookup. Bench data only: acquire draws a real secret at random.
_SECRET_SEED = b"coditect-bench-session-secret"

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


def session_secret(license_id: str, tag: str, g: int) -> str:
    """The secret of seeded session ``g``, in the shape acquire issues
    (``licenses.session_secrets``: ``sks_<license hex>.<random>``), which the
    server reads the license from."""
    mac = hmac.new(_SECRET_SEED, session_id(tag, g).encode(), hashlib.sha256).digest()
    random_part = base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    return f"sks_{uuid.UUID(license_id).hex}.{random_part}"


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

    def license_of(self, g: int) -> str:
        return self.ids[g % len(self.ids)]


def session_line(lics: LicenseSet, tag: str, g: int) -> str:
    """One line of a load generator's sessions file: ``<session id><TAB><secret>``."""
    return f"{session_id(tag, g)}\t{session_secret(lics.license_of(g), tag, g)}"


class Seeder:
    def __init__(self, database_url: str, redis_url: str, pepper: str):
        self.db = psycopg.connect(database_url.replace("postgres://", "postgresql://"))
        self.db.autocommit = True
        self.redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self.pepper = pepper
        self._expire = self.redis.register_script(EXPIRE_SEATS)

    def close(self) -> None:
        self.db.close()
        self.redis.close()

    def redis_now(self) -> float:
        sec, usec = self.redis.time()
        return sec + usec / 1e6

    def org(self, slug: str) -> str:
        row = self.db.execute(
            # The sign-in policy's columns have no database defaults: the policy's off.
            "INSERT INTO tenants_organization (id, name, slug, created_at, require_two_factor, "
            "sign_in_provider, sso_only, sign_in_domains, auto_join) "
            "VALUES (%s, %s, %s, now(), false, '', false, '[]', false) "
            "ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name "
            "RETURNING id",
            (uuid.uuid4(), slug, slug),
        ).fetchone()
        return str(row[0])

    def project(self, org_id: str, slug: str) -> str:
        row = self.db.execute(
            "INSERT INTO projects_project (id, org_id, name, slug, description, created_at) "
            "VALUES (%s, %s, %s, %s, '', now()) "
            "ON CONFLICT (org_id, slug) DO UPDATE SET name = EXCLUDED.name RETURNING id",
            (uuid.uuid4(), org_id, slug, slug),
        ).fetchone()
        return str(row[0])

    def licenses(
        self,
        name: str,
        org_slug: str,
        count: int,
        *,
        seats_total: int,
        ttl: int,
        overage: tuple[str, int] = ("none", 0),
        project_seats: list[dict] | None = None,
        queue: bool = False,
    ) -> LicenseSet:
        """``count`` licenses; ``overage`` (kind, value) and ``project_seats`` (the
        license's reservations and caps, ``License.project_seats``) set its seat policy."""
        org_id = self.org(org_slug)
        ids = [str(uuid.uuid4()) for _ in range(count)]
        keys = [license_key(name, i) for i in range(count)]
        rules = json.dumps(project_seats or [])
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO licenses_license (id, org_id, project_id, name, key_digest, "
                "key_prefix, kind, seats_total, expires_at, is_active, is_suspended, "
                "heartbeat_ttl, offline_grace, overage_kind, overage_value, project_seats, "
                "grace_days, assignment, person_limit_action, created_at, updated_at) VALUES "
                "(%s, %s, NULL, %s, %s, %s, 'floating', %s, NULL, true, false, %s, 86400, "
                "%s, %s, %s, 0, 'open', 'refuse', now() - make_interval(secs => %s), now())",
                [
                    (
                        lid,
                        org_id,
                        f"{name} {i}",
                        key_digest(key, self.pepper),
                        key[:12],
                        seats_total,
                        ttl,
                        *overage,
                        rules,
                        i,
                    )
                    for i, (lid, key) in enumerate(zip(ids, keys, strict=True))
                ],
            )
            if queue:
                # The line is on (issue 21); the queue columns have database defaults.
                cur.execute(
                    "UPDATE licenses_license SET queue_enabled = true WHERE id = ANY(%s)",
                    [ids],
                )
        return LicenseSet(name, org_id, ids, keys, seats_total, ttl)

    def sessions(self, lics: LicenseSet, tag: str, first: int, count: int) -> float:
        """Seed ``count`` live sessions [first, first+count) in PostgreSQL, each with
        the digest of its secret. Redis learns of them from ``rebuild``.

        Returns the expiry given to them (the Redis clock plus the license TTL).
        """
        # The server's own digest (keyed with its SECRET_KEY) and its own reading of
        # a secret: imported here, once Django is set up (run.py does it first).
        from licenses.session_secrets import session_secret_digest, session_secret_license

        probe = session_secret(lics.license_of(first), tag, first)
        if session_secret_license(probe) != lics.license_of(first):
            raise RuntimeError(f"the server does not read a license from {probe[:40]}…")
        expires = self.redis_now() + lics.ttl
        with self.db.cursor() as cur:
            cur.execute(
                "CREATE TEMP TABLE IF NOT EXISTS bench_secret (g bigint, digest text NOT NULL)"
            )
            cur.execute("TRUNCATE bench_secret")
            with cur.copy("COPY bench_secret (g, digest) FROM STDIN") as copy:
                for g in range(first, first + count):
                    secret = session_secret(lics.license_of(g), tag, g)
                    copy.write_row((g, session_secret_digest(secret)))
            cur.execute(
                """
                INSERT INTO licenses_session (id, hardware_id, client_instance, member,
                    client_info, secret_digest, ip_address, status, started_at,
                    last_heartbeat_at, heartbeat_count, expires_at, ended_at, license_id,
                    org_id, project_id, user_id)
                SELECT (%(tag)s || '-0000-4000-8000-' || lpad(to_hex(s.g), 12, '0'))::uuid,
                       'hw-' || %(tag)s || '-' || s.g, '', 'hw-' || %(tag)s || '-' || s.g,
                       '{}'::jsonb, s.digest, NULL, 'active',
                       now() - make_interval(secs => s.g %% 3600), now(), 0,
                       to_timestamp(%(expires)s), NULL, l.id, %(org)s::uuid, NULL, NULL
                FROM bench_secret AS s
                JOIN unnest(%(lics)s::uuid[]) WITH ORDINALITY AS l(id, ord)
                  ON l.ord = (s.g %% %(n)s) + 1
                """,
                {
                    "tag": tag,
                    "expires": expires,
                    "org": lics.org_id,
                    "lics": lics.ids,
                    "n": len(lics.ids),
                },
            )
            cur.execute("TRUNCATE bench_secret")
        return expires

    def rebuild(self, license_ids: Iterable[str]) -> float:
        """Have the server's seat store drop these licenses' seat sets and rebuild
        them from the database's live sessions; seconds taken."""
        from licenses.seatstore import get_seat_store

        store = get_seat_store()
        started = time.monotonic()
        for license_id in license_ids:
            store.drop_license(license_id)
            store.rebuild(license_id)
        return time.monotonic() - started

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
