"""The rate-limit counters (``core.ratelimit``) on both stores: each hit counted once
across threads and connections, windows that end and go, and a failing store that
lets requests through. The real server with several workers:
``test_rate_limits_across_workers.py``."""

import logging
import time
import uuid

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from rest_framework.test import APIClient

from core import ratelimit
from core.models import RateCounter
from core.redis import redis_client
from licenses.api.throttles import AcquireIpThrottle, AcquireKeyThrottle
from tests.fixtures.concurrency import race
from tests.fixtures.servers import free_port
from tests.fixtures.stores import use_store
from users.throttles import LoginThrottle

pytestmark = pytest.mark.sqlite


def redis_cache(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.fixture(params=["sql", "redis"])
def counter_store(request: pytest.FixtureRequest, settings) -> str:
    """Counters in the SQL database of this run (the cache is not Redis: the embedded
    default) or in Redis (the cache is Redis: production), whichever run this is."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        settings.CACHES, settings.REDIS_URL = redis_cache(url), url
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    redis_client.cache_clear()
    return request.param


def a_key() -> str:
    return f"throttle:test:{uuid.uuid4().hex}"


def test_each_key_counts_from_one(counter_store, db):
    key, other = a_key(), a_key()
    counts = [ratelimit.hit_many([(key, 60), (other, 60)])[0] for _ in range(3)]
    assert counts == [[1, 1], [2, 2], [3, 3]]
    assert ratelimit.hit_many([(other, 60)])[0] == [4]


@pytest.fixture(params=["redis", "redis-cluster"])
def redis_counters(request: pytest.FixtureRequest, settings) -> str:
    """Counters on a single Redis (one script on the thread's own connection) or on a
    three-node cluster (a pipeline: the keys live in different slots)."""
    if request.param == "redis-cluster":
        url = request.getfixturevalue("redis_cluster").url
        settings.REDIS_CLUSTER = True
    else:
        url = request.getfixturevalue("redis_url")
    settings.CACHES, settings.REDIS_URL = redis_cache(url), url
    redis_client.cache_clear()
    return request.param


def test_one_round_trip_counts_and_reads_the_keys_asked_for(redis_counters, db):
    key, other = a_key(), a_key()
    present, missing = f"test:fetch:{uuid.uuid4().hex}", f"test:fetch:{uuid.uuid4().hex}"
    redis_client().set(present, "entry", ex=60)
    for expected in (1, 2):
        counts, fetched = ratelimit.hit_many([(key, 60), (other, 3600)], fetch=(present, missing))
        assert (counts, fetched) == ([expected, expected], ["entry", None])
    full = caches["default"].make_and_validate_key
    assert 0 < redis_client().ttl(full(key)) <= 61
    assert 3600 < redis_client().ttl(full(other)) <= 3601
    assert ratelimit.hit_many([(key, 60)]) == ([3], ratelimit.NOT_FETCHED)


def test_concurrent_hits_are_each_counted_once(counter_store, transactional_db):
    """Threads with a connection each, racing on the same two counters: SQLite or
    PostgreSQL (whichever this run's database is), and Redis."""
    key, other = a_key(), a_key()
    counts = race(lambda i: ratelimit.hit_many([(key, 3600), (other, 3600)])[0], 40)
    assert sorted(c[0] for c in counts) == list(range(1, 41))
    assert sorted(c[1] for c in counts) == list(range(1, 41))


@pytest.mark.parametrize("counter_store", ["redis"], indirect=True)
def test_a_fresh_process_counts_its_first_burst_on_one_client(counter_store, db):
    """The threads of a new worker all reach for the Redis client at once: one client
    is built, and no request finds its connection closed under it (a second client,
    built and dropped, would close its pool when collected)."""
    key = a_key()

    def first_hit(i: int):
        return redis_client(), ratelimit.hit_many([(key, 3600)])[0][0]

    for _ in range(5):
        redis_client.cache_clear()
        clients, counts = zip(*race(first_hit, 30), strict=True)
        assert len({id(client) for client in clients}) == 1
    assert sorted(counts) == list(range(121, 151))


@pytest.mark.parametrize("counter_store", ["sql"], indirect=True)
def test_expired_windows_are_deleted_and_live_ones_kept(counter_store, db, monkeypatch):
    now = int(time.time())
    RateCounter.objects.create(key=a_key(), n=5, expires_at=now - 1)
    live = RateCounter.objects.create(key=a_key(), n=5, expires_at=now + 60)
    monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
    key = a_key()
    assert ratelimit.hit_many([(key, 60)])[0] == [1]
    assert set(RateCounter.objects.values_list("key", "n")) == {(live.key, 5), (key, 1)}
    assert RateCounter.objects.get(key=key).expires_at > now + 60
    # Not again before PRUNE_SECONDS: the hot path deletes at most once a minute.
    RateCounter.objects.create(key=a_key(), n=5, expires_at=now - 1)
    ratelimit.hit_many([(key, 60)])
    assert RateCounter.objects.count() == 3


@pytest.mark.parametrize("counter_store", ["redis"], indirect=True)
def test_redis_counters_expire_after_their_window(counter_store, db):
    key = a_key()
    ratelimit.hit_many([(key, 1)])
    backend = caches["default"]
    assert 0 < redis_client().ttl(backend.make_key(key)) <= 2


def test_a_failing_counter_store_lets_requests_through(
    counter_store, make_license, settings, monkeypatch, caplog
):
    """The table is gone, or Redis refuses connections: sign-in and acquire go on
    (the seat store, not the rate limiter, decides how acquire fails)."""
    for throttle in (LoginThrottle, AcquireIpThrottle, AcquireKeyThrottle):
        monkeypatch.setattr(throttle, "rate", "1/min")
    use_store("sql")
    _, key = make_license(seats=5)

    def requests() -> list[int]:
        client = APIClient(REMOTE_ADDR="10.9.8.7")
        login = {"email": "nobody@example.com", "password": "wrong"}
        return [
            *(client.post("/api/v1/auth/login", login, format="json") for _ in range(2)),
            *(
                client.post(
                    "/api/v1/licenses/acquire",
                    {"license_key": key, "hardware_id": hwid},
                    format="json",
                )
                for hwid in ("a", "b")
            ),
        ]

    caplog.set_level(logging.ERROR, logger="core.ratelimit")
    if counter_store == "redis":
        dead = f"redis://127.0.0.1:{free_port()}/0"
        settings.CACHES, settings.REDIS_URL = redis_cache(dead), dead
        redis_client.cache_clear()
        responses = requests()
    else:

        class Undo(Exception):
            pass

        with pytest.raises(Undo), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {RateCounter._meta.db_table}")
            responses = requests()
            raise Undo
    assert [r.status_code for r in responses] == [401, 401, 201, 201]
    assert "counter store unavailable, request let through" in caplog.text


def test_the_counter_table_skips_the_wal_on_postgresql(db):
    """Its commits then wait for no disk flush: the counters are not worth one."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no unlogged tables (its WAL commits do not sync)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            [RateCounter._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)


def test_rates_parse_like_drf():
    assert ratelimit.parse_rate("600/min") == (600, 60)
    assert ratelimit.parse_rate("5/s") == (5, 1)
    assert ratelimit.parse_rate("10/hour") == (10, 3600)
    assert ratelimit.parse_rate("1/day") == (1, 86400)
