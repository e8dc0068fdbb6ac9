"""The Redis store's own connections per thread (``core.redis_direct``) recover like the
client's pool: from a script Redis forgot and from a connection Redis closed."""

import uuid

import pytest

from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from tests.fixtures.stores import use_store

D = "ab" * 32


@pytest.fixture
def redis_store(db, make_license):
    use_store("redis")
    store = get_seat_store()
    license_, _ = make_license(seats=50, heartbeat_ttl=60)
    return store, str(license_.id)


def _grant(store, lic: str, member: str = "laptop") -> str:
    grant = store.acquire(lic, member, str(uuid.uuid4()), SeatTerms(50), 60, D)
    assert grant.granted
    return grant.holder


def test_a_flushed_script_is_loaded_again(redis_store):
    store, lic = redis_store
    holder = _grant(store, lic)
    store.client.script_flush()
    assert store.heartbeat(lic, holder, D) is not None
    store.client.script_flush()
    assert store.release(lic, holder, secret_digest=D).removed


def test_a_restarted_redis_closed_the_connection_and_forgot_the_script(redis_store):
    store, lic = redis_store
    holder = _grant(store, lic)
    store.client.script_flush()
    own = [c for c in store.client.client_list() if c["name"] == "" and c["cmd"] == "evalsha"]
    assert own, "the seat calls ran on a connection of their own"
    for connection in own:
        store.client.client_kill_filter(_id=connection["id"])
    assert store.heartbeat(lic, holder, D) is not None
