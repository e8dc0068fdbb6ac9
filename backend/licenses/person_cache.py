"""A person's acquire of a named license, without the database: the verdict "this
sign-in may take seats of that license" kept in Redis, next to the license cache.

A license-key acquire reads its license from ``license_cache`` in the throttle's round
trip and writes one row; a person's acquire read a five-table join first (person,
membership, sign-in, license), which cost it ~25 % of the key path's throughput
(bench/RESULTS.md, issue 17). The license itself comes from ``license_cache``'s entry
by id, with every change to it applied, read in the same round trip.

What keeps the verdict true: the entry is filed under the person's generation
(``users.standing``), which every change that may narrow what the person may do bumps,
as it happens and again once it commits: a sign-in revoked, a membership changed or
ended, the account changed. The throttle reads the entry and the generation before
the database is read (``core.generations`` says why that order is enough). Only "may"
is cached; a refusal always reads the database. Only licenses open to every member use
it: an ``assigned`` license reads the person's assignment under a lock in the seat
step's transaction.
If Redis fails at a bump, an entry may stand until it expires
(``LICENSE_CACHE_SECONDS``), as a license's cached state may.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings

from core import generations
from core.redis import redis_client
from licenses import license_cache
from licenses.models import License
from users import standing

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prefetched:
    """The verdict entry, the person's generation and the license's cache entry by id,
    as the throttle read them."""

    family_id: str
    license_id: str
    entry: str | None
    generation: str | None
    license: str | None


def enabled() -> bool:
    return bool(settings.REDIS_URL and settings.LICENSE_CACHE_SECONDS)


def keys(family_id: Any, license_id: Any, user_id: Any) -> tuple[str, str, str] | None:
    """The Redis keys the throttle reads, in ``Prefetched``'s order."""
    license_key = license_cache.id_cache_key(license_id)
    if not enabled() or license_key is None:
        return None
    return _entry_key(family_id, license_id), standing.generation_key(user_id), license_key


def _entry_key(family_id: Any, license_id: Any) -> str:
    return f"{settings.REDIS_KEY_PREFIX}person-license:{family_id}:{license_id}"


def lookup(prefetched: Prefetched | None, license_id: Any) -> License | None:
    """The license, if the sign-in's verdict for it stands and its cached state is
    whole; None sends the caller to the database."""
    if prefetched is None or prefetched.entry is None or str(license_id) != prefetched.license_id:
        return None
    try:
        entry = json.loads(prefetched.entry)
    except ValueError:
        return None
    if entry.get("g") != generations.current(prefetched.generation):
        return None
    found = license_cache.lookup_by_id(prefetched.license)
    if not isinstance(found, License) or str(found.id) != prefetched.license_id:
        return None
    if found.assignment != License.Assignment.OPEN:
        return None
    return found


def fill(prefetched: Prefetched | None, license_: License) -> None:
    """File the verdict the database just gave, under the generation read before it."""
    if prefetched is None or license_.assignment != License.Assignment.OPEN or not enabled():
        return
    name = _entry_key(prefetched.family_id, prefetched.license_id)
    value = json.dumps({"g": generations.current(prefetched.generation)})
    try:
        redis_client().set(name, value, ex=settings.LICENSE_CACHE_SECONDS)
    except redis.RedisError as exc:
        logger.warning("person verdict not cached (%s)", exc)
