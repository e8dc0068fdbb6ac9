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
_PEOPLE_FIELDS = ("assignment", "max_machines_per_person", "person_limit_action")
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
    "queue_enabled",
    "queue_max_length",
    "queue_ticket_ttl",
    "max_borrow_hours",
    "max_borrowed_seats",
    # A person's acquire (``person_cache``): who may, and on how many machines.
    *_PEOPLE_FIELDS,
)


def _enabled() -> bool:
    return bool(settings.REDIS_URL and settings.LICENSE_CACHE_SECONDS)


def _key(digest: str) -> str:
    return f"{settings.REDIS_KEY_PREFIX}license:{digest}"


def _id_key(license_id: Any) -> str:
    return f"{settings.REDIS_KEY_PREFIX}license-id:{license_id}"


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


def _license(data: dict[str, Any]) -> License:
    license_ = License(
        id=uuid.UUID(data["id"]),
        org_id=uuid.UUID(data["org_id"]),
        project_id=uuid.UUID(data["project_id"]) if data["project_id"] else None,
        expires_at=datetime.fromisoformat(data["expires_at"]) if data["expires_at"] else None,
        key_digest=data["key_digest"],
        # An entry an older release wrote lacks the newer fields: their defaults stand in
        # until it expires (LICENSE_CACHE_SECONDS).
        **{name: data[name] for name in _FIELDS if name in data},
    )
    license_._state.adding, license_._state.db = False, "default"
    return license_


def cache_key(digest: str) -> str | None:
    """The Redis key of a digest's entry, for a caller that reads it in its own round
    trip (the acquire throttle); None when the cache is off."""
    return _key(digest) if _enabled() else None


def id_cache_key(license_id: Any) -> str | None:
    """The Redis key of a license's entry by its id (a person's acquire names the
    license, not its key), for the acquire throttle's round trip; None when off."""
    return _id_key(license_id) if _enabled() else None


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
    if raw is None:
        return MISS
    return None if raw == _GONE else _license(json.loads(raw))


def lookup_by_id(fetched: str | None) -> License | object | None:
    """The license of an entry by id the caller read (``id_cache_key``), as ``lookup``.
    A person's acquire decides from it, so an entry an older release wrote, without the
    people fields, is a miss: their defaults would open an ``assigned`` license to every
    member."""
    if not _enabled() or fetched is None:
        return MISS
    if fetched == _GONE:
        return None
    data = json.loads(fetched)
    return _license(data) if all(name in data for name in _PEOPLE_FIELDS) else MISS


def fill(digest: str, license_: License | None) -> None:
    """Cache what a reader loaded, unless a writer got there first."""
    if _enabled():
        _write(_key(digest), _dump(license_), only_if_empty=True)


def fill_by_id(license_: License) -> None:
    """``fill`` of the entry by id."""
    if _enabled():
        _write(_id_key(license_.id), _dump(license_), only_if_empty=True)


def license_saved(license_: License) -> None:
    """Call on every save of a license (a ``post_save`` receiver does)."""
    if _enabled():
        names = (_key(license_.key_digest), _id_key(license_.id))
        _drop(*names)
        state = _dump(license_)
        transaction.on_commit(lambda: [_write(name, state) for name in names])


def digest_retired(digest: str) -> None:
    """Call when a key stops being valid (rotated out)."""
    if _enabled():
        _drop(_key(digest))
        transaction.on_commit(lambda: _write(_key(digest), _GONE))


def license_deleted(license_: License) -> None:
    """Call when a license is deleted (a ``post_delete`` receiver does)."""
    if _enabled():
        names = (_key(license_.key_digest), _id_key(license_.id))
        _drop(*names)
        transaction.on_commit(lambda: [_write(name, _GONE) for name in names])


def _write(name: str, value: str, *, only_if_empty: bool = False) -> None:
    try:
        _client().set(name, value, ex=settings.LICENSE_CACHE_SECONDS, nx=only_if_empty)
    except redis.RedisError as exc:
        logger.warning("license cache not written (%s): it expires by itself", exc)


def _drop(*names: str) -> None:
    try:
        # A cluster client splits the keys by slot.
        _client().delete(*names)
    except redis.RedisError as exc:
        logger.warning("license cache entry not dropped (%s): it expires by itself", exc)
