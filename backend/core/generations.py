"""Generation counters in Redis: a cache entry remembers the generation of its subject
when it was filled, and a change to the subject bumps the generation, so every entry
filled before the change reads as stale at once, wherever it is and however many.

The protocol that keeps a slow reader from bringing back what a writer revoked:

- a reader reads the generation *before* it reads the truth (the database), and files
  its entry under that generation;
- a writer bumps the generation when it makes the change, and again *after* its
  transaction commits.

A reader whose database read saw the old state read the generation before the commit,
so before the second bump: its entry is stale from that bump on. A reader that read
the generation after it reads the new state. The first bump makes every older entry
stale at once, while the writer's transaction is still open.

A counter outlives every entry filled under an earlier value (``ttl`` at least the
entries' lifetime): were it to expire and start again at 0, an old entry filed under 0
would read as current. If Redis fails at a bump, the entries live until they expire.
"""

import logging
from collections.abc import Iterable

import redis
from django.conf import settings
from django.db import transaction

from core.redis import redis_client

logger = logging.getLogger(__name__)


def key(scope: str, subject: str) -> str:
    return f"{settings.REDIS_KEY_PREFIX}gen:{scope}:{subject}"


def current(raw: str | None) -> int:
    """A counter's value as read (an absent counter is generation 0)."""
    return int(raw) if raw else 0


def bump(scope: str, subjects: Iterable[str], ttl: int) -> None:
    """Bump each subject's generation now and once the current transaction commits.
    No-op without Redis: nothing caches then."""
    if not settings.REDIS_URL:
        return
    keys = sorted({key(scope, str(s)) for s in subjects})
    if keys:
        _bump(keys, ttl)
        transaction.on_commit(lambda: _bump(keys, ttl))


def _bump(keys: list[str], ttl: int) -> None:
    try:
        pipe = redis_client().pipeline(transaction=False)
        for name in keys:
            pipe.incr(name)
            pipe.expire(name, ttl)
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("generation not bumped (%s): cached entries live until they expire", exc)
