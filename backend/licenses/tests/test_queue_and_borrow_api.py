"""Waiting in line and borrowing a seat (with a license key, or as a signed-in person)
over HTTP (in-process), on both seat stores (issue 21)."""

import time
from datetime import timedelta

import jwt
import pytest
import redis
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from core.actor import Actor
from licenses import services
from licenses.models import LicenseSession, SeatEvent, SeatWait
from licenses.seatstore import get_seat_store
from licenses.tests.helpers import acquire, heartbeat, person_acquire, person_post, proof
from tests.fixtures.stores import use_store
from tests.fixtures.world import client_for
from users.services import token_pair_issue, token_revoke

pytestmark = pytest.mark.sqlite


def post(path: str, body: dict):
    return APIClient().post(f"/api/v1/licenses/{path}", body, format="json")


@pytest.fixture
def queued(store_kind, make_license):
    """A two-seat license with a line, both seats held: (license, key, the holders)."""
    license_, key = make_license(seats=2, queue_enabled=True, queue_max_length=3)
    holders = [acquire(key, f"holder-{i}").json() for i in range(2)]
    return license_, key, holders


def test_a_waiter_gets_a_ticket_and_keeps_its_place(queued):
    _, key, _ = queued
    first = acquire(key, "w1", wait=True)
    assert first.status_code == 202 and first["Retry-After"] == "1"
    body = first.json()
    assert body["position"] == 1 and body["line_length"] == 1 and body["seats_total"] == 2
    assert body["ticket_ttl"] == 60 and body["retry_after"] == 1
    second = acquire(key, "w2", wait=True).json()
    assert second["position"] == 2 and second["retry_after"] == 2
    again = acquire(key, "w1", wait=True).json()
    assert again["ticket"] == body["ticket"] and again["position"] == 1


def test_a_freed_seat_waits_for_the_head_of_the_line(queued):
    license_, key, holders = queued
    ticket = acquire(key, "w1", wait=True).json()["ticket"]
    assert post("release", proof(holders[0])).status_code == 200
    newcomer = acquire(key, "newcomer")
    assert newcomer.status_code == 409
    assert newcomer.json()["error"]["details"]["line_length"] == 1
    granted = acquire(key, "w1", wait=True)
    assert granted.status_code == 201 and granted.json()["seats_used"] == 2
    with scopes_disabled():
        wait = SeatWait.objects.get(license_id=license_.id)
    assert wait.outcome == "granted" and wait.waited >= 0
    assert services.queue_cancel(license_key=key, ticket=ticket) is False


def test_joining_the_line_is_one_denial_and_asking_again_is_none(queued):
    license_, key, _ = queued
    for _ in range(3):
        acquire(key, "w1", wait=True)
    with scopes_disabled():
        assert SeatEvent.objects.filter(license_id=license_.id, kind="deny").count() == 1


def test_a_full_line_answers_queue_full(queued):
    _, key, _ = queued
    for i in range(3):
        assert acquire(key, f"w{i}", wait=True).status_code == 202
    full = acquire(key, "w4", wait=True)
    assert full.status_code == 409 and full.json()["error"]["code"] == "queue_full"


def test_a_cancelled_ticket_leaves_the_line(queued):
    license_, key, _ = queued
    ticket = acquire(key, "w1", wait=True).json()["ticket"]
    assert acquire(key, "w2", wait=True).json()["position"] == 2
    cancelled = post("queue/cancel", {"license_key": key, "ticket": ticket})
    assert cancelled.status_code == 200 and cancelled.json() == {
        "ticket": ticket,
        "cancelled": True,
    }
    assert post("queue/cancel", {"license_key": key, "ticket": ticket}).json()["cancelled"] is False
    assert acquire(key, "w2", wait=True).json()["position"] == 1
    wrong = post("queue/cancel", {"license_key": "lic_nope", "ticket": ticket})
    assert wrong.status_code == 401
    with scopes_disabled():
        assert SeatWait.objects.get(license_id=license_.id).outcome == "cancelled"


def test_without_a_line_wait_is_a_plain_refusal(store_kind, make_license):
    _, key = make_license(seats=1)
    acquire(key, "a")
    refused = acquire(key, "b", wait=True)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_seats_available"


def test_wait_must_be_a_boolean(store_kind, make_license):
    _, key = make_license(seats=1)
    assert acquire(key, "a", wait="soon").status_code == 400


# --- borrow ------------------------------------------------------------------------


def borrow(key: str, hwid: str = "laptop", hours: int = 72):
    return post("borrow", {"license_key": key, "hardware_id": hwid, "hours": hours})


def test_a_borrowed_seat_has_a_token_for_the_whole_period(store_kind, make_license):
    _, key = make_license(seats=2)
    response = borrow(key, hours=72)
    assert response.status_code == 201
    body = response.json()
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["borrow"] is True
    assert claims["exp"] - claims["iat"] == pytest.approx(72 * 3600, abs=2)
    with scopes_disabled():
        session = LicenseSession.objects.get(id=body["session_id"])
    assert session.borrowed_until == session.expires_at
    assert session.expires_at - session.started_at == timedelta(hours=72)
    assert body["seats_used"] == 1


def test_a_borrowed_seat_counts_until_it_is_returned(store_kind, make_license):
    _, key = make_license(seats=1)
    seat = borrow(key).json()
    assert acquire(key, "desk").status_code == 409
    returned = post("return", proof(seat))
    assert returned.status_code == 200 and returned.json()["released"] is True
    assert acquire(key, "desk").status_code == 201
    assert heartbeat(seat).status_code == 410


def test_the_reaper_never_takes_a_borrowed_seat_early(store_kind, make_license):
    license_, key = make_license(seats=2, heartbeat_ttl=2)
    seat = borrow(key, hours=1).json()
    acquire(key, "short")
    time.sleep(2.2)
    services.sessions_reap()
    with scopes_disabled():
        statuses = dict(
            LicenseSession.objects.filter(license=license_).values_list("hardware_id", "status")
        )
    assert statuses == {"laptop": "active", "short": "zombie"}
    assert get_seat_store().count(str(license_.id)) == 1
    assert post("return", proof(seat)).status_code == 200


def test_borrow_limits(store_kind, make_license):
    _, key = make_license(seats=3, max_borrow_hours=24, max_borrowed_seats=1)
    too_long = borrow(key, hours=25)
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "borrow_too_long"
    assert borrow(key, "a", hours=24).status_code == 201
    capped = borrow(key, "b", hours=1)
    assert capped.status_code == 409
    assert capped.json()["error"]["code"] == "borrow_limit_reached"
    assert acquire(key, "b").status_code == 201
    _, closed = make_license(seats=3, max_borrow_hours=0)
    refused = borrow(closed)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "borrow_not_allowed"


def test_borrowing_again_renews_the_same_seat(store_kind, make_license):
    _, key = make_license(seats=1)
    first = borrow(key, hours=2).json()
    again = borrow(key, hours=48)
    assert again.status_code == 200 and again.json()["session_id"] == first["session_id"]
    claims = jwt.decode(again.json()["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == pytest.approx(48 * 3600, abs=2)


def test_an_admin_sees_and_revokes_a_borrowed_seat(store_kind, org_a, alice, license_a):
    license_, key = license_a(seats=1)
    seat = borrow(key).json()
    admin = client_for(alice)
    listed = admin.get(f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/sessions")
    listed = listed.json()["results"][0]
    assert listed["borrowed_until"] is not None and listed["status"] == "active"
    revoked = admin.post(f"/api/v1/orgs/{org_a.slug}/sessions/{seat['session_id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["borrowed_until"] == listed["borrowed_until"]
    assert heartbeat(seat).status_code == 410
    assert acquire(key, "desk").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_a_borrowed_seat_survives_a_redis_flush(private_redis, make_license):
    """Rebuilt from the database as borrowed: it still counts, and still counts against
    the borrow cap. The line is lost with the flush: a waiter joins again."""
    use_store("redis", private_redis)
    license_, key = make_license(
        seats=2, max_borrowed_seats=1, queue_enabled=True, heartbeat_ttl=60
    )
    borrowed = services.session_borrow(license_key=key, hardware_id="laptop", hours=72)
    services.session_acquire(license_key=key, hardware_id="desk")
    waiting = services.session_acquire(license_key=key, hardware_id="w1", wait=True)
    assert isinstance(waiting, services.QueuedSeat)
    redis.Redis.from_url(private_redis).flushall()
    store = get_seat_store()
    assert store.count(str(license_.id)) == 0  # not rebuilt until a seat step asks
    again = services.session_acquire(license_key=key, hardware_id="w1", wait=True)
    assert isinstance(again, services.QueuedSeat) and again.position == 1
    assert again.ticket != waiting.ticket
    assert {s.holder for s in store.members(str(license_.id))} >= {str(borrowed.session.id)}
    services.session_release(**proof(services.session_acquire(license_key=key, hardware_id="desk")))
    assert borrow(key, "other", hours=1).json()["error"]["code"] == "borrow_limit_reached"
    assert services.session_acquire(license_key=key, hardware_id="w1", wait=True).created


# --- borrow as a person --------------------------------------------------------------


def sign_in(user) -> str:
    """The access token of a CLI sign-in (the device grant's token pair)."""
    return token_pair_issue(user=user, kind="device", device_info={"hostname": "box"})["access"]


def person_borrow(access: str, hwid: str = "laptop", hours: int = 72, **body):
    return person_post("borrow", access, hwid, hours=hours, **body)


def test_a_person_borrows_in_their_own_name(store_kind, org_a, alice, bob, license_a):
    license_, key = license_a(seats=2)
    reply = person_borrow(sign_in(bob), hours=48, license_id=str(license_.id))
    assert reply.status_code == 201, reply.content
    body = reply.json()
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["usr"] == str(bob.id) and claims["borrow"] is True
    assert claims["exp"] - claims["iat"] == pytest.approx(48 * 3600, abs=2)
    listed = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/sessions")
    session = listed.json()["results"][0]
    assert session["person"]["email"] == "bob@a.example"
    assert session["borrowed_until"] == body["expires_at"]
    # It counts against the seats with no heartbeat, and the return frees it.
    assert acquire(key, "desk").status_code == 201
    assert acquire(key, "desk-2").status_code == 409
    assert post("return", proof(body)).status_code == 200
    assert acquire(key, "desk-2").status_code == 201


def test_a_person_borrows_the_license_assigned_to_them(store_kind, org_a, bob, license_a):
    license_, _ = license_a(assignment="assigned")
    access = sign_in(bob)
    refused = person_borrow(access, license_id=str(license_.id))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "license_not_assigned"
    assert person_borrow(access).status_code == 422
    with scope(org=org_a):
        services.assignment_add(license_=license_, user=bob, actor=Actor.system_named("tests"))
    granted = person_borrow(access)
    assert granted.status_code == 201 and granted.json()["license_id"] == str(license_.id)


def test_a_persons_machine_cap_counts_borrowed_seats(store_kind, org_a, bob, license_a):
    license_, _ = license_a(seats=5, max_machines_per_person=2)
    access = sign_in(bob)
    lic = {"license_id": str(license_.id)}
    assert person_borrow(access, "travel", **lic).status_code == 201
    assert person_acquire(access, "desk", **lic).status_code == 201
    refused = person_acquire(access, "third", **lic)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "person_seat_limit"
    capped = person_borrow(access, "fourth", **lic)
    assert capped.status_code == 409 and capped.json()["error"]["code"] == "person_seat_limit"


def test_a_person_borrow_keeps_the_borrow_limits(store_kind, org_a, bob, license_a):
    license_, key = license_a(seats=3, max_borrow_hours=24, max_borrowed_seats=1)
    access = sign_in(bob)
    lic = {"license_id": str(license_.id)}
    too_long = person_borrow(access, hours=25, **lic)
    assert too_long.status_code == 400 and too_long.json()["error"]["code"] == "borrow_too_long"
    assert borrow(key, "machine", hours=24).status_code == 201
    capped = person_borrow(access, hours=1, **lic)
    assert capped.status_code == 409
    assert capped.json()["error"]["code"] == "borrow_limit_reached"
    closed, _ = license_a(max_borrow_hours=0)
    refused = person_borrow(access, license_id=str(closed.id))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "borrow_not_allowed"


def test_a_person_borrow_never_jumps_the_line(store_kind, org_a, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    holder = acquire(key, "holder").json()
    assert acquire(key, "w1", wait=True).status_code == 202
    assert post("release", proof(holder)).status_code == 200
    access = sign_in(bob)
    refused = person_borrow(access, license_id=str(license_.id))
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["line_length"] == 1
    assert person_acquire(access, license_id=str(license_.id)).status_code == 409
    assert acquire(key, "w1", wait=True).status_code == 201


def test_a_revoked_or_bad_sign_in_borrows_nothing(store_kind, org_a, bob, license_a):
    license_, _ = license_a()
    pair = token_pair_issue(user=bob, kind="device", device_info={"hostname": "box"})
    token_revoke(refresh=pair["refresh"])
    for access in (pair["access"], "not-a-token"):
        reply = person_borrow(access, license_id=str(license_.id))
        assert reply.status_code == 401
        assert reply.json()["error"]["code"] == "invalid_person_token"


def test_an_outsider_cannot_borrow_another_orgs_license(
    store_kind, org_a, org_b, charlie, license_a, snapshot
):
    license_, _ = license_a()
    before = snapshot(org_a)
    reply = person_borrow(sign_in(charlie), license_id=str(license_.id))
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "license_not_found"
    assert snapshot(org_a) == before


# --- a person waits in the line --------------------------------------------------------


def person_cancel(access: str, **body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.post("/api/v1/licenses/queue/cancel", body, format="json")


def usr(reply) -> str:
    return jwt.decode(reply.json()["token"], options={"verify_signature": False})["usr"]


def test_people_and_machines_are_granted_in_arrival_order(store_kind, org_a, alice, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True, queue_max_length=5)
    lic = {"license_id": str(license_.id)}
    holder = acquire(key, "holder").json()
    bob_access, alice_access = sign_in(bob), sign_in(alice)
    assert acquire(key, "w1", wait=True).json()["position"] == 1
    joined = person_acquire(bob_access, "bob-pc", wait=True, **lic)
    assert joined.status_code == 202 and joined["Retry-After"] == "2"
    body = joined.json()
    assert body["position"] == 2 and body["line_length"] == 2
    assert body["license_id"] == str(license_.id) and body["seats_total"] == 1
    assert acquire(key, "w3", wait=True).json()["position"] == 3
    assert person_acquire(alice_access, "alice-pc", wait=True, **lic).json()["position"] == 4
    # Asking again from the same machine keeps the place; another machine is another place.
    again = person_acquire(bob_access, "bob-pc", wait=True, **lic).json()
    assert again["ticket"] == body["ticket"] and again["position"] == 2
    assert post("release", proof(holder)).status_code == 200
    assert person_acquire(bob_access, "bob-pc", wait=True, **lic).json()["position"] == 2
    first = acquire(key, "w1", wait=True)
    assert first.status_code == 201
    assert post("release", proof(first.json())).status_code == 200
    assert person_acquire(alice_access, "alice-pc", wait=True, **lic).status_code == 202
    granted = person_acquire(bob_access, "bob-pc", wait=True, **lic)
    assert granted.status_code == 201 and usr(granted) == str(bob.id)
    assert post("release", proof(granted.json())).status_code == 200
    assert acquire(key, "w3", wait=True).status_code == 201
    with scopes_disabled():
        waits = SeatWait.objects.filter(license_id=license_.id, outcome="granted").count()
        bob_denials = SeatEvent.objects.filter(license_id=license_.id, kind="deny", user=bob)
        assert waits == 3 and bob_denials.count() == 1


def test_a_newcomer_person_never_overtakes_the_line(store_kind, org_a, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    lic = {"license_id": str(license_.id)}
    holder = acquire(key, "holder").json()
    assert acquire(key, "w1", wait=True).status_code == 202
    assert post("release", proof(holder)).status_code == 200
    access = sign_in(bob)
    refused = person_acquire(access, **lic)
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["line_length"] == 1
    behind = person_acquire(access, wait=True, **lic)
    assert behind.status_code == 202 and behind.json()["position"] == 2
    assert acquire(key, "w1", wait=True).status_code == 201


def test_a_person_without_wait_is_refused_as_before(store_kind, org_a, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    acquire(key, "holder")
    access = sign_in(bob)
    refused = person_acquire(access, license_id=str(license_.id))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "no_seats_available"
    no_line, other = license_a(seats=1)
    acquire(other, "holder")
    plain = person_acquire(access, wait=True, license_id=str(no_line.id))
    assert plain.status_code == 409 and plain.json()["error"]["code"] == "no_seats_available"
    assert person_acquire(access, wait="soon", license_id=str(no_line.id)).status_code == 400


def test_a_person_the_license_refuses_does_not_join_its_line(
    store_kind, org_a, alice, bob, license_a
):
    license_, key = license_a(seats=1, queue_enabled=True, assignment="assigned")
    with scope(org=org_a):
        services.assignment_add(license_=license_, user=alice, actor=Actor.system_named("tests"))
    acquire(key, "holder")
    lic = {"license_id": str(license_.id)}
    refused = person_acquire(sign_in(bob), wait=True, **lic)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "license_not_assigned"
    assigned = person_acquire(sign_in(alice), wait=True, **lic)
    assert assigned.status_code == 202 and assigned.json()["position"] == 1


def test_a_person_on_a_long_machine_name_waits(store_kind, org_a, bob, license_a):
    """A person's member (machine, instance and person) is longer than a machine's."""
    license_, key = license_a(seats=1, queue_enabled=True)
    acquire(key, "holder")
    access = sign_in(bob)
    long_seat = {"license_id": str(license_.id), "client_instance": "i" * 64, "wait": True}
    first = person_acquire(access, "h" * 128, **long_seat)
    assert first.status_code == 202, first.content
    again = person_acquire(access, "h" * 128, **long_seat).json()
    assert again["ticket"] == first.json()["ticket"]


def test_a_person_cancels_their_place(store_kind, org_a, bob, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    lic = {"license_id": str(license_.id)}
    acquire(key, "holder")
    access = sign_in(bob)
    ticket = person_acquire(access, wait=True, **lic).json()["ticket"]
    machine_ticket = acquire(key, "w2", wait=True).json()["ticket"]
    # Only a place of their own: a machine's ticket is not the person's to give up.
    others = person_cancel(access, ticket=machine_ticket, **lic)
    assert others.status_code == 200 and others.json()["cancelled"] is False
    cancelled = person_cancel(access, ticket=ticket, **lic)
    assert cancelled.status_code == 200
    assert cancelled.json() == {"ticket": ticket, "cancelled": True}
    assert person_cancel(access, ticket=ticket, **lic).json()["cancelled"] is False
    assert acquire(key, "w2", wait=True).json()["position"] == 1
    with scopes_disabled():
        assert SeatWait.objects.get(license_id=license_.id).outcome == "cancelled"
    assert person_cancel(access, ticket=ticket).status_code == 400
    bad = person_cancel("not-a-token", ticket=ticket, **lic)
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_person_token"


def test_an_outsider_cannot_cancel_a_place(store_kind, org_a, org_b, bob, charlie, license_a):
    license_, key = license_a(seats=1, queue_enabled=True)
    lic = {"license_id": str(license_.id)}
    acquire(key, "holder")
    access = sign_in(bob)
    ticket = person_acquire(access, wait=True, **lic).json()["ticket"]
    refused = person_cancel(sign_in(charlie), ticket=ticket, **lic)
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "license_not_found"
    assert person_acquire(access, wait=True, **lic).json()["ticket"] == ticket
    pair = token_pair_issue(user=bob, kind="device", device_info={"hostname": "box"})
    token_revoke(refresh=pair["refresh"])
    revoked = person_cancel(pair["access"], ticket=ticket, **lic)
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "invalid_person_token"
