"""Licenses by key digest for acquire, kept in Redis next to the seats.

Every acquire starts by finding its license from the key; reading it from Redis in one
GET instead of PostgreSQL saves a query and its round trip on the hottest write path
(bench/RESULTS.md). PostgreSQL stays the truth; the cache holds what acquire needs
(limits, state, expiry, digest) for ``LICENSE_CACHE_SECONDS`` at most.

How a change reaches acquire at once:

- every save of a license drops its entry at once (the writer's transaction may still
  be open) and, after the commit, writes the committed state over whatever is there;
- a reader that missed fills the entry only if it is still empty (``SET NX``), so a
  reader that loaded the old row before the commit cannot overwrite the writer's state;
- a rotated-out or deleted key's digest gets a tombstone, not just a deletion, so a
  reader that loaded the old row cannot bring the old key back.

If Redis fails at the moment of a change the entry may hold the old state until it
expires: a bounded staleness, and the seat store refuses acquires while Redis is down
anyway. The session row never trusts the cache for its project: the insert reads the
license's project from the database (``session_rows.session_insert``), so a deleted project cannot
break an acquire. Only the SQL seat store without Redis reads the database every time.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import redis
from django.conf import settings
from django.db import transaction

from core.redis import redis_client
from licenses.models import License

logger = logging.getLogger(__name__)

MISS: Final = object()


@dataclass(frozen=True)
class Prefetched:
    """A license's entry read ahead of ``lookup`` (by the acquire throttle, in its own
    round trip): the key digest it belongs to and the raw value read."""

    key_digest: str
    cached: Any


_GONE = "-"
_FIELDS = (
    "seats_total",
    "heartbeat_ttl",
    "offline_grace",
    "is_active",
    "is_suspended",
    "overage_kind",
    "overage_value",
    "project_seats",
    "grace_days",
)


def _enabled() -> bool:
    return bool(settings.REDIS_URL and settings.LICENSE_CACHE_SECONDS)


def _key(digest: str) -> str:
    return f"{settings.REDIS_KEY_PREFIX}license:{digest}"


def _client() -> Any:
    return redis_client()


def _dump(license_: License | None) -> str:
    if license_ is None:
        return _GONE
    data = {name: getattr(license_, name) for name in _FIELDS}
    data.update(
        id=str(license_.id),
        org_id=str(license_.org_id),
        project_id=str(license_.project_id) if license_.project_id else None,
        expires_at=license_.expires_at.isoformat() if license_.expires_at else None,
        key_digest=license_.key_digest,
    )
    return json.dumps(data)


def _load(raw: str) -> License | None:
    if raw == _GONE:
        return None
    data = json.loads(raw)
    license_ = License(
        id=uuid.UUID(data["id"]),
        org_id=uuid.UUID(data["org_id"]),
        project_id=uuid.UUID(data["project_id"]) if data["project_id"] else None,
        expires_at=datetime.fromisoformat(data["expires_at"]) if data["expires_at"] else None,
        key_digest=data["key_digest"],
        **{name: data[name] for name in _FIELDS},
    )
    license_._state.adding, license_._state.db = False, "default"
    return license_


def cache_key(digest: str) -> str | None:
    """The Redis key of a digest's entry, for a caller that reads it in its own round
    trip (the acquire throttle); None when the cache is off."""
    return _key(digest) if _enabled() else None


def lookup(digest: str, fetched: str | object | None = MISS) -> License | object | None:
    """The cached license (None: known not to exist), or ``MISS``. ``fetched`` is the
    entry's value if the caller already read it (None: the entry was empty)."""
    if not _enabled():
        return MISS
    raw = fetched
    if raw is MISS:
        try:
            raw = _client().get(_key(digest))
        except redis.RedisError as exc:
            logger.warning("license cache unavailable, reading the database: %s", exc)
            return MISS
    return MISS if raw is None else _load(raw)


def fill(digest: str, license_: License | None) -> None:
    """Cache what a reader loaded, unless a writer got there first."""
    if _enabled():
        _write(digest, _dump(license_), only_if_empty=True)


def license_saved(license_: License) -> None:
    """Call on every save of a license (a ``post_save`` receiver does)."""
    if _enabled():
        _drop(license_.key_digest)
        state = _dump(license_)
        transaction.on_commit(lambda: _write(license_.key_digest, state))


def digest_retired(digest: str) -> None:
    """Call when a key stops being valid (rotated out, license deleted)."""
    if _enabled():
        _drop(digest)
        transaction.on_commit(lambda: _write(digest, _GONE))


def _write(digest: str, value: str, *, only_if_empty: bool = False) -> None:
    try:
        _client().set(_key(digest), value, ex=settings.LICENSE_CACHE_SECONDS, nx=only_if_empty)
    except redis.RedisError as exc:
        logger.warning("license cache not written (%s): it expires by itself", exc)


def _drop(digest: str) -> None:
    try:
        _client().delete(_key(digest))
    except redis.RedisError as exc:
        logger.warning("license cache entry not dropped (%s): it expires by itself", exc)
