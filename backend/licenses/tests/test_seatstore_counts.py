"""``counts``: live seats of many licenses in one round trip, on every seat store."""

import time
import uuid

import pytest

from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from tests.fixtures.stores import EVERY_STORE

# The contract also holds on a real three-node Redis Cluster (DESIGN §9).
pytestmark = [
    pytest.mark.sqlite,
    pytest.mark.parametrize("store_kind", EVERY_STORE, indirect=True),
]


def test_counts_match_count_for_each_license(store_kind, make_license):
    store = get_seat_store()
    licenses = [str(make_license(seats=5, heartbeat_ttl=60)[0].id) for _ in range(4)]
    for n, license_id in enumerate(licenses):
        for i in range(n):
            assert store.acquire(
                license_id, f"m{i}", str(uuid.uuid4()), SeatTerms(5), 60, ""
            ).granted
    counts = store.counts(licenses)
    assert counts == {license_id: n for n, license_id in enumerate(licenses)}
    assert counts == {license_id: store.count(license_id) for license_id in licenses}


def test_counts_leave_out_expired_seats_and_know_no_licenses(store_kind, make_license):
    store = get_seat_store()
    license_id = str(make_license(seats=2, heartbeat_ttl=2)[0].id)
    store.acquire(license_id, "short", str(uuid.uuid4()), SeatTerms(2), 1, "")
    store.acquire(license_id, "long", str(uuid.uuid4()), SeatTerms(2), 60, "")
    time.sleep(1.1)
    unknown = str(uuid.uuid4())
    assert store.counts([license_id, unknown, license_id]) == {license_id: 1, unknown: 0}
    assert store.counts([]) == {}
