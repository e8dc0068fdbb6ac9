"""The seat store contract, seat policies: overage, reservations and caps per project,
a limit lowered below use. Every test runs against SQL, Redis and the Redis Cluster."""

import time
import uuid

import pytest

from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from tests.fixtures.concurrency import race
from tests.fixtures.stores import EVERY_STORE

pytestmark = [
    pytest.mark.sqlite,
    pytest.mark.parametrize("store_kind", EVERY_STORE, indirect=True),
]

D = "ab" * 32
P, Q = str(uuid.uuid4()), str(uuid.uuid4())


def hid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def lic(make_license):
    license_, _ = make_license(seats=4, heartbeat_ttl=60)
    return str(license_.id)


def take(lic, member, terms, ttl=60):
    return get_seat_store().acquire(lic, member, hid(), terms, ttl, D)


def test_overage_grants_past_seats_total_up_to_the_allowance_marked(store_kind, lic):
    terms = SeatTerms(4, allowance=2)
    grants = [take(lic, f"m{i}", terms) for i in range(7)]
    assert [g.granted for g in grants] == [True] * 6 + [False]
    assert [bool(g.notes.get("overage")) for g in grants[:6]] == [False] * 4 + [True] * 2
    assert grants[6].seats_used == 6 and get_seat_store().count(lic) == 6


def test_a_reaquire_is_never_refused_nor_marked_by_the_policy(store_kind, lic):
    terms = SeatTerms(1, allowance=0)
    first = take(lic, "laptop", terms)
    again = take(lic, "laptop", terms)
    assert again.granted and not again.created and again.holder == first.holder
    assert "overage" not in again.notes


def test_outsiders_leave_a_projects_unused_reservation_free(store_kind, lic):
    terms = SeatTerms(4, reserved={P: 2})
    assert [take(lic, f"o{i}", terms).granted for i in range(3)] == [True, True, False]
    refused = take(lic, "o9", terms)
    assert refused.notes.get("reason") == "seats_reserved"
    mine = SeatTerms(4, project=P, reserved={P: 2})
    assert [take(lic, f"p{i}", mine).granted for i in range(3)] == [True, True, False]
    assert get_seat_store().count(lic) == 4


def test_a_reserving_project_takes_its_own_seats_first_then_the_shared_pool(store_kind, lic):
    mine = SeatTerms(4, project=P, reserved={P: 1, Q: 1})
    # P's reserved seat, then the two seats nobody reserved; Q's seat stays free.
    assert [take(lic, f"p{i}", mine).granted for i in range(4)] == [True, True, True, False]
    theirs = SeatTerms(4, project=Q, reserved={P: 1, Q: 1})
    assert take(lic, "q0", theirs).granted
    assert get_seat_store().count(lic) == 4


def test_reservations_and_overage_together(store_kind, lic):
    outsiders = SeatTerms(4, allowance=2, reserved={P: 2})
    assert sum(take(lic, f"o{i}", outsiders).granted for i in range(6)) == 4
    mine = SeatTerms(4, allowance=2, project=P, reserved={P: 2})
    grants = [take(lic, f"p{i}", mine) for i in range(3)]
    assert [g.granted for g in grants] == [True, True, False]
    assert all(g.notes.get("overage") for g in grants[:2])


def test_a_capped_project_never_holds_more_than_its_cap(store_kind, lic):
    capped = SeatTerms(4, project=Q, cap=2)
    grants = [take(lic, f"q{i}", capped) for i in range(3)]
    assert [g.granted for g in grants] == [True, True, False]
    assert grants[2].notes.get("reason") == "project_cap_reached"
    assert take(lic, "other", SeatTerms(4)).granted


def test_a_cap_of_zero_shuts_a_project_out(store_kind, lic):
    assert not take(lic, "q", SeatTerms(4, project=Q, cap=0)).granted


def test_a_released_seat_goes_back_to_its_project(store_kind, lic):
    store = get_seat_store()
    capped = SeatTerms(4, project=Q, cap=1)
    holder = take(lic, "q0", capped).holder
    assert not take(lic, "q1", capped).granted
    store.release(lic, holder, secret_digest=D)
    assert take(lic, "q1", capped).granted


def test_a_revoked_seat_goes_back_to_its_project(store_kind, lic):
    store = get_seat_store()
    capped = SeatTerms(4, project=Q, cap=1)
    holder = take(lic, "q0", capped).holder
    store.release(lic, holder, member="q0")
    assert take(lic, "q1", capped).granted


def test_an_expired_seat_goes_back_to_its_project(store_kind, make_license):
    license_, _ = make_license(seats=4, heartbeat_ttl=2)
    lic = str(license_.id)
    capped = SeatTerms(4, project=Q, cap=1)
    take(lic, "q0", capped, ttl=1)
    time.sleep(1.1)
    grant = take(lic, "q1", capped)
    assert grant.granted and len(grant.evicted) == 1


def test_a_reaped_or_dead_beating_seat_goes_back_to_its_project(store_kind, make_license):
    license_, _ = make_license(seats=4, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    capped = SeatTerms(4, project=Q, cap=2)
    reaped = take(lic, "q0", capped, ttl=1).holder
    beaten = take(lic, "q1", capped, ttl=1).holder
    time.sleep(1.1)
    assert store.reap(lic, "q0", reaped) is None
    assert store.heartbeat(lic, beaten, D) is None
    # Both of Q's seats are free again, without an acquire's eviction.
    assert store.count(lic) == 0
    assert [take(lic, f"n{i}", capped).granted for i in range(3)] == [True, True, False]


def test_a_limit_lowered_below_use_keeps_seats_and_refuses_new_ones(store_kind, lic):
    store = get_seat_store()
    holders = [take(lic, f"m{i}", SeatTerms(4)).holder for i in range(4)]
    lowered = SeatTerms(2)
    again = take(lic, "m0", lowered)
    assert again.granted and not again.created
    assert not take(lic, "new", lowered).granted
    store.release(lic, holders[0], secret_digest=D)
    store.release(lic, holders[1], secret_digest=D)
    assert not take(lic, "new", lowered).granted  # 2 of 2 in use
    store.release(lic, holders[2], secret_digest=D)
    assert take(lic, "new", lowered).granted


@pytest.mark.django_db(transaction=True)
def test_racing_acquirers_get_exactly_the_limit_with_overage_marked(store_kind, make_license):
    license_, _ = make_license(seats=10, heartbeat_ttl=60)
    lic = str(license_.id)
    terms = SeatTerms(10, allowance=5)
    grants = race(lambda i: take(lic, f"m{i}", terms), 40)
    granted = [g for g in grants if g.granted]
    assert len(granted) == 15
    assert sum(bool(g.notes.get("overage")) for g in granted) == 5
    assert get_seat_store().count(lic) == 15


@pytest.mark.django_db(transaction=True)
def test_racing_outsiders_never_take_a_reserved_seat(store_kind, make_license):
    license_, _ = make_license(seats=10, heartbeat_ttl=60)
    lic = str(license_.id)
    outsiders = SeatTerms(10, reserved={P: 3}, cap=None)
    mine = SeatTerms(10, project=P, reserved={P: 3})
    grants = race(lambda i: take(lic, f"m{i}", mine if i < 3 else outsiders), 40)
    assert all(g.granted for g in grants[:3])
    assert sum(g.granted for g in grants[3:]) == 7
