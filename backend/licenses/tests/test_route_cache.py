"""Each API process remembers seat routes; what one process remembers must never keep a
seat alive that another process ended. Two store objects over one Redis stand for two
gunicorn workers."""

import uuid

import pytest
from django.conf import settings

from conftest import race, use_store
from licenses import selectors
from licenses.seatstore.redis_store import RedisSeatStore, redis_client

pytestmark = pytest.mark.sqlite


def worker(cache_size: int = 1000) -> RedisSeatStore:
    return RedisSeatStore(
        redis_client(),
        prefix=settings.REDIS_KEY_PREFIX,
        seat_loader=selectors.live_seats_for_rebuild,
        route_loader=selectors.seat_route_for_session,
        route_cache_size=cache_size,
    )


@pytest.fixture
def lic(redis_url, make_license) -> str:
    use_store("redis", redis_url)
    license_, _ = make_license(seats=2, heartbeat_ttl=60)
    return str(license_.id)


def test_a_remembered_route_does_not_outlive_a_release_elsewhere(lic):
    a, b = worker(), worker()
    holder = str(uuid.uuid4())
    assert a.acquire(lic, "laptop", holder, 2, 60).granted
    assert b.heartbeat(holder) is not None  # b now remembers the route too
    assert a.release(holder).removed
    assert b.heartbeat(holder) is None
    assert b.count(lic) == 0


def test_a_remembered_route_does_not_outlive_an_eviction_elsewhere(lic):
    a, b = worker(), worker()
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    a.acquire(lic, "laptop", old, 1, 1)
    assert b.heartbeat(old) is not None
    redis_client().zadd(a.seat_keys(lic)[0], {"laptop": 0})  # its TTL has passed
    grant = a.acquire(lic, "desktop", new, 1, 60)
    assert grant.granted and grant.evicted == (old,)
    assert b.heartbeat(old) is None


def test_a_remembered_route_still_beats_without_its_route_key(lic):
    a = worker()
    holder = str(uuid.uuid4())
    a.acquire(lic, "laptop", holder, 2, 60)
    redis_client().delete(a.route_key(holder))
    assert a.heartbeat(holder) is not None
    # A process that never saw it finds no route in Redis and none in the database.
    assert worker().heartbeat(holder) is None


def test_the_cache_is_bounded(lic):
    a = worker(cache_size=2)
    holders = [str(uuid.uuid4()) for _ in range(2)]
    for n, holder in enumerate(holders):
        a.acquire(lic, f"m{n}", holder, 2, 60)
    a.release(holders[0])
    third = str(uuid.uuid4())
    a.acquire(lic, "m2", third, 2, 60)
    assert a._routes is not None and len(a._routes) <= 2
    assert all(a.heartbeat(h) is not None for h in (holders[1], third))


def test_threads_sharing_one_cache_agree(lic):
    a = worker(cache_size=8)
    holders = [str(uuid.uuid4()) for _ in range(2)]
    for n, holder in enumerate(holders):
        a.acquire(lic, f"m{n}", holder, 2, 60)
    beats = race(lambda i: a.heartbeat(holders[i % 2]), 40)
    assert all(beat is not None for beat in beats)
    assert {beat.member for beat in beats} == {"m0", "m1"}


def test_a_heartbeat_survives_redis_forgetting_its_scripts(lic):
    a = worker()
    holder = str(uuid.uuid4())
    a.acquire(lic, "laptop", holder, 2, 60)
    redis_client().script_flush()  # as after a restart or failover
    beat = a.heartbeat(holder)
    assert beat is not None and beat.member == "laptop"
    assert lic in redis_client().smembers(a.dirty_key)
