"""One contract, two stores: every test runs against Redis and against SQL."""

import time
import uuid

import pytest

from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms, WrongSessionSecret
from tests.fixtures.concurrency import race
from tests.fixtures.stores import EVERY_STORE

# The contract also holds on a real three-node Redis Cluster (DESIGN §9).
pytestmark = [
    pytest.mark.sqlite,
    pytest.mark.parametrize("store_kind", EVERY_STORE, indirect=True),
]


# A secret digest, as the service computes it (64 hex digits).
D = "ab" * 32
OTHER = "cd" * 32


def hid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def lic(make_license):
    license_, _ = make_license(seats=3, heartbeat_ttl=60)
    return str(license_.id)


def test_it_grants_up_to_the_limit_and_refuses_the_next(store_kind, lic):
    store = get_seat_store()
    grants = [store.acquire(lic, f"m{i}", hid(), SeatTerms(3), 60, D) for i in range(3)]
    assert all(g.granted and g.created for g in grants)
    assert [g.seats_used for g in grants] == [1, 2, 3]
    denied = store.acquire(lic, "m4", hid(), SeatTerms(3), 60, D)
    assert not denied.granted and denied.holder is None and denied.seats_used == 3
    assert store.count(lic) == 3


def test_it_returns_the_same_holder_for_the_same_member(store_kind, lic):
    store = get_seat_store()
    first = store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    again = store.acquire(lic, "laptop", hid(), SeatTerms(3), 60, D)
    assert again.granted and not again.created
    assert again.holder == first.holder == holder
    assert store.count(lic) == 1


def test_heartbeat_extends_a_live_seat(store_kind, lic):
    store = get_seat_store()
    grant = store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    beat = store.heartbeat(lic, holder, D)
    assert beat is not None and beat.license_id == lic
    assert beat.expires_at >= grant.expires_at
    assert beat.expires_at == pytest.approx(beat.now + 60, abs=0.01)


def test_heartbeat_fails_for_an_unknown_holder(store_kind, lic):
    assert get_seat_store().heartbeat(lic, hid(), D) is None


def test_an_expired_seat_is_evicted_and_reported(store_kind, make_license):
    license_, _ = make_license(seats=1, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    store.acquire(lic, "old", old := hid(), SeatTerms(1), 1, D)
    assert not store.acquire(lic, "new", hid(), SeatTerms(1), 1, D).granted
    time.sleep(1.1)
    assert store.heartbeat(lic, old, D) is None
    grant = store.acquire(lic, "new", new := hid(), SeatTerms(1), 1, D)
    assert grant.granted and grant.holder == new
    assert store.count(lic) == 1


def test_eviction_reports_the_evicted_holders(store_kind, make_license):
    license_, _ = make_license(seats=2, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    store.acquire(lic, "a", a := hid(), SeatTerms(2), 1, D)
    time.sleep(1.1)
    grant = store.acquire(lic, "b", hid(), SeatTerms(2), 1, D)
    assert grant.evicted == (a,)


def test_release_frees_the_seat_and_twice_is_harmless(store_kind, make_license):
    license_, _ = make_license(seats=1, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    store.acquire(lic, "a", a := hid(), SeatTerms(1), 60, D)
    assert store.release(lic, a, secret_digest=D) is not None
    assert store.release(lic, a, secret_digest=D) is None
    assert store.heartbeat(lic, a, D) is None
    assert store.acquire(lic, "b", hid(), SeatTerms(1), 60, D).granted


def test_release_reports_the_license_count_after_and_the_clock(store_kind, lic):
    """What the release's seat event records, from the release's own step."""
    store = get_seat_store()
    holders = [store.acquire(lic, f"m{i}", hid(), SeatTerms(3), 60, D).holder for i in range(3)]
    before = store.now()
    released = store.release(lic, holders[1], secret_digest=D)
    assert released.license_id == lic and released.removed
    assert released.seats_used == 2 == store.count(lic)
    assert before <= released.now <= store.now()
    assert store.release(lic, holders[0], secret_digest=D).seats_used == 1


@pytest.mark.django_db(transaction=True)
def test_racing_releases_of_one_seat_free_it_once(store_kind, lic):
    store = get_seat_store()
    holder = store.acquire(lic, "laptop", hid(), SeatTerms(3), 60, D).holder
    store.acquire(lic, "other", hid(), SeatTerms(3), 60, D)
    replies = [
        r for r in race(lambda _: store.release(lic, holder, secret_digest=D), 8) if r is not None
    ]
    assert sum(r.removed for r in replies) == 1
    assert all(r.seats_used == 1 for r in replies if r.removed)
    assert store.count(lic) == 1


def test_members_lists_live_seats(store_kind, lic):
    store = get_seat_store()
    store.acquire(lic, "a", a := hid(), SeatTerms(3), 60, D)
    store.acquire(lic, "b", b := hid(), SeatTerms(3), 60, D)
    seats = {s.member: s.holder for s in store.members(lic)}
    assert seats == {"a": a, "b": b}


def test_reap_keeps_live_seats_and_drops_dead_ones(store_kind, make_license):
    license_, _ = make_license(seats=2, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    store.acquire(lic, "short", short := hid(), SeatTerms(2), 1, D)
    store.acquire(lic, "long", long_ := hid(), SeatTerms(2), 60, D)
    assert store.reap(lic, "long", long_) is not None
    time.sleep(1.1)
    assert store.reap(lic, "short", short) is None
    assert store.count(lic) == 1
    assert store.reap(lic, "short", short) is None


def test_drop_license_frees_every_seat(store_kind, lic):
    store = get_seat_store()
    store.acquire(lic, "a", hid(), SeatTerms(3), 60, D)
    store.drop_license(lic)
    assert store.count(lic) == 0


def test_the_clock_is_the_stores(store_kind, lic):
    assert abs(get_seat_store().now() - time.time()) < 5


@pytest.mark.django_db(transaction=True)
def test_racing_acquirers_never_exceed_the_limit(store_kind, make_license):
    license_, _ = make_license(seats=10, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    results = race(lambda i: store.acquire(lic, f"m{i}", hid(), SeatTerms(10), 60, D).granted, 40)
    assert results.count(True) == 10
    assert store.count(lic) == 10


def test_a_wrong_secret_neither_extends_nor_frees_a_seat(store_kind, lic):
    store = get_seat_store()
    grant = store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    with pytest.raises(WrongSessionSecret):
        store.heartbeat(lic, holder, OTHER)
    with pytest.raises(WrongSessionSecret):
        store.release(lic, holder, secret_digest=OTHER)
    assert store.count(lic) == 1
    assert store.heartbeat(lic, holder, D).expires_at >= grant.expires_at


def test_a_re_acquire_replaces_the_secret(store_kind, lic):
    store = get_seat_store()
    store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    store.acquire(lic, "laptop", hid(), SeatTerms(3), 60, OTHER)
    with pytest.raises(WrongSessionSecret):
        store.heartbeat(lic, holder, D)
    assert store.heartbeat(lic, holder, OTHER) is not None
    assert store.release(lic, holder, secret_digest=OTHER).removed


def test_an_administrative_release_needs_no_secret(store_kind, lic):
    store = get_seat_store()
    store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    released = store.release(lic, holder, member="laptop")
    assert released is not None and released.removed and released.seats_used == 0
    assert store.heartbeat(lic, holder, D) is None


def test_a_holder_is_looked_for_only_in_its_license(store_kind, make_license, lic):
    other, _ = make_license(seats=3, heartbeat_ttl=60)
    store = get_seat_store()
    store.acquire(lic, "laptop", holder := hid(), SeatTerms(3), 60, D)
    assert store.heartbeat(str(other.id), holder, D) is None
    assert store.release(str(other.id), holder, secret_digest=D) is None
    assert store.count(lic) == 1


# People (DESIGN §10): the per-person cap and assignment, inside the one step -----------


def person_terms(person: str, cap: int, *, evict: bool = False, seats: int = 3) -> SeatTerms:
    return SeatTerms(seats, person=person, max_machines_per_person=cap, evict_oldest=evict)


def test_a_person_at_the_cap_is_refused_with_the_holders_of_their_seats(store_kind, lic):
    store = get_seat_store()
    held = [store.acquire(lic, f"ann-{i}", hid(), person_terms("ann", 2), 60, D) for i in (1, 2)]
    denied = store.acquire(lic, "ann-3", hid(), person_terms("ann", 2), 60, D)
    assert not denied.granted and denied.notes["reason"] == "person_seat_limit"
    assert sorted(denied.notes["person_holders"]) == sorted(g.holder for g in held)
    # Another person, and a machine, still get the license's last seat.
    assert store.acquire(lic, "bob-1", hid(), person_terms("bob", 2), 60, D).granted
    assert store.count(lic) == 3


def test_a_person_re_acquiring_a_machine_they_hold_is_not_refused_by_the_cap(store_kind, lic):
    store = get_seat_store()
    first = store.acquire(lic, "ann-1", hid(), person_terms("ann", 1), 60, D)
    again = store.acquire(lic, "ann-1", hid(), person_terms("ann", 1), 60, D)
    assert again.granted and not again.created and again.holder == first.holder


def test_evict_oldest_ends_the_persons_oldest_seat_and_grants_the_new_one(store_kind, lic):
    store = get_seat_store()
    oldest = store.acquire(lic, "ann-1", hid(), person_terms("ann", 2, evict=True), 60, D)
    newer = store.acquire(lic, "ann-2", hid(), person_terms("ann", 2, evict=True), 60, D)
    third = store.acquire(
        lic, "ann-3", third_holder := hid(), person_terms("ann", 2, evict=True), 60, D
    )
    assert third.granted and third.holder == third_holder
    assert third.notes["evicted_person"] == [oldest.holder]
    assert store.heartbeat(lic, oldest.holder, D) is None
    assert store.heartbeat(lic, newer.holder, D) is not None
    assert store.count(lic) == 2


def test_evict_oldest_evicts_nothing_when_the_license_is_full_anyway(store_kind, make_license):
    license_, _ = make_license(seats=2, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    terms = person_terms("ann", 1, evict=True, seats=1)
    ann = store.acquire(lic, "ann-1", hid(), terms, 60, D)
    store.acquire(lic, "ci", hid(), SeatTerms(2), 60, D)
    # The license was lowered to 1 seat (2 in use): ann's second machine cannot fit.
    denied = store.acquire(lic, "ann-2", hid(), terms, 60, D)
    assert not denied.granted and "evicted_person" not in denied.notes
    assert store.heartbeat(lic, ann.holder, D) is not None


def test_every_path_that_frees_a_seat_frees_it_from_the_persons_count(store_kind, make_license):
    license_, _ = make_license(seats=5, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    terms = person_terms("ann", 1)
    # release
    a = store.acquire(lic, "ann-1", hid(), terms, 60, D)
    store.release(lic, a.holder, secret_digest=D)
    # an administrative end (revoke)
    b = store.acquire(lic, "ann-2", hid(), terms, 60, D)
    assert b.granted
    store.release(lic, b.holder, member="ann-2")
    # expiry: evicted by the next acquire, or found dead by a heartbeat or the reaper
    c = store.acquire(lic, "ann-3", hid(), terms, 1, D)
    assert c.granted
    time.sleep(1.1)
    d = store.acquire(lic, "ann-4", hid(), terms, 1, D)
    assert d.granted and c.holder in d.evicted
    time.sleep(1.1)
    assert store.heartbeat(lic, d.holder, D) is None
    e = store.acquire(lic, "ann-5", hid(), terms, 1, D)
    assert e.granted
    time.sleep(1.1)
    assert store.reap(lic, "ann-5", e.holder) is None
    assert store.acquire(lic, "ann-6", hid(), terms, 60, D).granted


def test_an_assigned_license_refuses_an_unassigned_person_and_takes_machines(store_kind, lic):
    store = get_seat_store()
    refused = SeatTerms(3, person="ann", assigned_only=True, person_assigned=False)
    allowed = SeatTerms(3, person="bob", assigned_only=True, person_assigned=True)
    denied = store.acquire(lic, "ann-1", hid(), refused, 60, D)
    assert not denied.granted and denied.notes["reason"] == "license_not_assigned"
    assert store.acquire(lic, "bob-1", hid(), allowed, 60, D).granted
    # A license-key machine is no person: assignment does not apply to it.
    machine = SeatTerms(3, assigned_only=True, person_assigned=False)
    assert store.acquire(lic, "ci", hid(), machine, 60, D).granted


def test_an_unassigned_person_cannot_renew_a_seat_they_still_hold(store_kind, lic):
    store = get_seat_store()
    store.acquire(lic, "ann-1", hid(), SeatTerms(3, person="ann", assigned_only=True), 60, D)
    refused = SeatTerms(3, person="ann", assigned_only=True, person_assigned=False)
    assert not store.acquire(lic, "ann-1", hid(), refused, 60, D).granted


@pytest.mark.django_db(transaction=True)
def test_one_person_on_twenty_machines_at_once_with_a_cap_of_two_gets_two(store_kind, make_license):
    license_, _ = make_license(seats=50, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    grants = race(
        lambda i: store.acquire(lic, f"ann-{i}", hid(), person_terms("ann", 2, seats=50), 60, D),
        20,
    )
    assert sum(g.granted for g in grants) == 2
    assert store.count(lic) == 2
