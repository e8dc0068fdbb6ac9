"""The line and borrowed seats (issue 21), one contract for SQL, Redis and the 3-node
Redis Cluster, like ``test_seatstore_contract``."""

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


def hid() -> str:
    return str(uuid.uuid4())


def line(seats: int, *, wait: bool = True, **more) -> SeatTerms:
    return SeatTerms(seats, queue=True, wait=wait, **more)


@pytest.fixture
def full(make_license):
    """A two-seat license whose seats are taken by ``a`` and ``b``: (license, holders)."""
    license_, _ = make_license(seats=2, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    holders = {m: store.acquire(lic, m, hid(), line(2), 60, D).holder for m in ("a", "b")}
    return lic, holders


def test_without_a_line_a_waiting_asker_is_just_denied(store_kind, full):
    lic, _ = full
    denied = get_seat_store().acquire(lic, "w", hid(), SeatTerms(2, wait=True), 60, D)
    assert not denied.granted and "ticket" not in denied.notes
    assert get_seat_store().queue(lic) == []


def test_waiters_join_in_arrival_order_and_keep_their_ticket(store_kind, full):
    lic, _ = full
    store = get_seat_store()
    first = store.acquire(lic, "w1", t1 := hid(), line(2), 60, D)
    second = store.acquire(lic, "w2", t2 := hid(), line(2), 60, D)
    assert not first.granted and first.notes["ticket"] == t1 and first.notes["position"] == 1
    assert second.notes["ticket"] == t2 and second.notes["position"] == 2
    assert second.notes["line_length"] == 2 and second.notes["joined"] is True
    again = store.acquire(lic, "w1", hid(), line(2), 60, D)
    assert again.notes["ticket"] == t1 and again.notes["position"] == 1
    assert "joined" not in again.notes
    assert [w.member for w in store.queue(lic)] == ["w1", "w2"]
    assert [w.ticket for w in store.queue(lic)] == [t1, t2]


def test_a_freed_seat_goes_to_the_head_never_to_a_newcomer(store_kind, full):
    lic, holders = full
    store = get_seat_store()
    store.acquire(lic, "w1", t1 := hid(), line(2), 60, D)
    store.acquire(lic, "w2", hid(), line(2), 60, D)
    store.release(lic, holders["a"], secret_digest=D)
    newcomer = store.acquire(lic, "n", hid(), line(2, wait=False), 60, D)
    assert not newcomer.granted and "ticket" not in newcomer.notes
    assert newcomer.notes["line_length"] == 2
    second = store.acquire(lic, "w2", hid(), line(2), 60, D)
    assert not second.granted and second.notes["position"] == 2
    head = store.acquire(lic, "w1", w1 := hid(), line(2), 60, D)
    assert head.granted and head.created and head.holder == w1
    assert head.notes["ticket"] == t1 and head.notes["waited"] >= 0
    assert head.seats_used == 2 and store.count(lic) == 2
    assert [w.member for w in store.queue(lic)] == ["w2"]


def test_with_two_seats_free_the_second_waiter_still_waits_for_the_head(store_kind, full):
    """Grants go in exact arrival order, even when more than one seat is free."""
    lic, holders = full
    store = get_seat_store()
    for m in ("w1", "w2", "w3"):
        store.acquire(lic, m, hid(), line(2), 60, D)
    for holder in holders.values():
        store.release(lic, holder, secret_digest=D)
    early = store.acquire(lic, "w2", hid(), line(2), 60, D)
    assert not early.granted and early.notes["position"] == 2
    assert not store.acquire(lic, "newcomer", hid(), line(2, wait=False), 60, D).granted
    assert store.acquire(lic, "w1", hid(), line(2), 60, D).granted
    assert not store.acquire(lic, "w3", hid(), line(2), 60, D).granted
    assert store.acquire(lic, "w2", hid(), line(2), 60, D).granted
    assert store.acquire(lic, "w3", hid(), line(2), 60, D).notes["position"] == 1


def test_a_newcomer_takes_a_seat_the_line_does_not_need(store_kind, make_license):
    license_, _ = make_license(seats=3, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    for m in ("a", "b", "c"):
        store.acquire(lic, m, hid(), line(3), 60, D)
    store.acquire(lic, "w1", hid(), line(3), 60, D)
    for holder in [s.holder for s in store.members(lic)][:2]:
        store.release(lic, holder, secret_digest=D)
    assert store.acquire(lic, "n", hid(), line(3, wait=False), 60, D).granted
    assert not store.acquire(lic, "n2", hid(), line(3, wait=False), 60, D).granted
    assert store.acquire(lic, "w1", hid(), line(3), 60, D).granted


def test_a_ticket_not_polled_within_its_ttl_leaves_the_line(store_kind, full):
    lic, holders = full
    store = get_seat_store()
    store.acquire(lic, "w1", hid(), line(2, ticket_ttl=1), 60, D)
    assert len(store.queue(lic)) == 1
    time.sleep(1.1)
    assert store.queue(lic) == []
    store.release(lic, holders["a"], secret_digest=D)
    assert store.acquire(lic, "n", hid(), line(2, wait=False), 60, D).granted


def test_a_full_line_turns_waiters_away(store_kind, full):
    lic, _ = full
    store = get_seat_store()
    store.acquire(lic, "w1", hid(), line(2, queue_max=1), 60, D)
    turned = store.acquire(lic, "w2", hid(), line(2, queue_max=1), 60, D)
    assert not turned.granted and turned.notes["queue_full"] is True
    assert "ticket" not in turned.notes
    assert [w.member for w in store.queue(lic)] == ["w1"]


def test_a_cancelled_ticket_leaves_the_line_once(store_kind, full):
    lic, holders = full
    store = get_seat_store()
    store.acquire(lic, "w1", t1 := hid(), line(2), 60, D)
    store.acquire(lic, "w2", hid(), line(2), 60, D)
    gone = store.queue_cancel(lic, t1)
    assert gone is not None and gone.member == "w1" and gone.ticket == t1
    assert store.queue_cancel(lic, t1) is None
    assert store.queue_cancel(lic, hid()) is None
    store.release(lic, holders["a"], secret_digest=D)
    assert store.acquire(lic, "w2", hid(), line(2), 60, D).granted


def test_the_line_of_one_license_is_its_own(store_kind, full, make_license):
    lic, _ = full
    other, _ = make_license(seats=1, heartbeat_ttl=60)
    store = get_seat_store()
    store.acquire(lic, "w1", t1 := hid(), line(2), 60, D)
    assert store.queue_cancel(str(other.id), t1) is None
    assert store.queue(str(other.id)) == []
    assert store.acquire(str(other.id), "n", hid(), line(1), 60, D).granted


@pytest.mark.django_db(transaction=True)
def test_fifty_waiters_on_two_seats_are_served_in_arrival_order(store_kind, make_license):
    """Holders release one by one while every waiter (and a newcomer) polls at once:
    each freed seat goes to the head of the line, never more than two holders."""
    license_, _ = make_license(seats=2, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    holders = [store.acquire(lic, f"h{i}", hid(), line(2), 60, D).holder for i in range(2)]
    waiters = [f"w{i:02d}" for i in range(50)]
    for w in waiters:
        assert store.acquire(lic, w, hid(), line(2), 60, D).notes["position"] >= 1
    served: list[str] = []
    while len(served) < len(waiters):
        store.release(lic, holders.pop(0), secret_digest=D)
        waiting = waiters[len(served) :]
        askers = [*waiting, f"newcomer{len(served)}"]

        def poll(i: int, askers=askers):
            wait = not askers[i].startswith("newcomer")
            return askers[i], store.acquire(lic, askers[i], hid(), line(2, wait=wait), 60, D)

        grants = [(m, g) for m, g in race(poll, len(askers)) if g.granted]
        assert [m for m, _ in grants] == [waiting[0]]
        assert store.count(lic) == 2
        served.append(grants[0][0])
        holders.append(grants[0][1].holder)
    assert served == waiters
    assert store.queue(lic) == []


def test_a_borrow_past_the_cap_is_refused(store_kind, make_license):
    license_, _ = make_license(seats=3, heartbeat_ttl=60)
    lic = str(license_.id)
    store = get_seat_store()
    out = SeatTerms(3, borrow=True, borrow_cap=1)
    first = store.acquire(lic, "laptop", hid(), out, 7 * 86400, D)
    assert first.granted and first.expires_at == pytest.approx(first.now + 7 * 86400, abs=1)
    refused = store.acquire(lic, "other", hid(), out, 86400, D)
    assert not refused.granted and refused.notes["borrow_limit"] is True
    assert store.acquire(lic, "desk", hid(), SeatTerms(3), 60, D).granted
    again = store.acquire(lic, "laptop", hid(), out, 86400, D)
    assert again.granted and not again.created
    store.release(lic, first.holder, secret_digest=D)
    assert store.acquire(lic, "other", hid(), out, 86400, D).granted


def test_a_borrowed_seat_counts_and_outlives_heartbeat_ttls(store_kind, make_license):
    license_, _ = make_license(seats=1, heartbeat_ttl=2)
    lic = str(license_.id)
    store = get_seat_store()
    out = store.acquire(lic, "laptop", holder := hid(), SeatTerms(1, borrow=True), 3600, D)
    time.sleep(1.1)
    assert not store.acquire(lic, "desk", hid(), SeatTerms(1), 1, D).granted
    assert store.reap(lic, "laptop", holder) == pytest.approx(out.expires_at, abs=0.01)
    assert store.count(lic) == 1
