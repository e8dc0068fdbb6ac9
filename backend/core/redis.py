"""The process's one Redis client, shared by rate limits, the license cache, the seat
store and the preflight check. It lives in ``core`` because all of them need it and
``core`` depends on no app."""

import threading
from functools import cache
from typing import Any

import redis
from django.conf import settings
from redis.cluster import RedisCluster

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
