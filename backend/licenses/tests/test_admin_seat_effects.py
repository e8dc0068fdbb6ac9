"""What admin actions do to the seat path, on both seat stores: the client acquires,
the admin acts, and the client's next heartbeat or acquire answers the documented code."""

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from licenses import services
from licenses.models import License, LicenseSession, SeatEvent, SeatLease
from licenses.seatstore import get_seat_store
from licenses.tests.helpers import acquire, heartbeat, release
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def url(org, license_, action=""):
    return f"/api/v1/orgs/{org.slug}/licenses/{license_.id}" + (f"/{action}" if action else "")


def status_of(session_id) -> str:
    with scopes_disabled():
        return LicenseSession.objects.get(id=session_id).status


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_suspend_refuses_acquire_and_ends_live_sessions(org_a, alice, license_a, store_kind):
    license_, key = license_a(seats=2)
    first = acquire(key, "a").json()
    second = acquire(key, "b").json()
    assert heartbeat(first).status_code == 200

    response = client_for(alice).post(url(org_a, license_, "suspend"))
    assert response.status_code == 200
    assert response.json()["status"] == "suspended" and response.json()["seats_used"] == 0

    refused = acquire(key, "c")
    assert refused.status_code == 403 and error_code(refused) == "license_suspended"
    for seat in (first, second):
        gone = heartbeat(seat)
        assert gone.status_code == 410 and error_code(gone) == "session_expired"
        assert status_of(seat["session_id"]) == "revoked"
    assert get_seat_store().count(str(license_.id)) == 0
    with scope(org=org_a):
        kinds = list(SeatEvent.objects.filter(kind="revoke").values_list("session_id", flat=True))
        actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert sorted(map(str, kinds)) == sorted([first["session_id"], second["session_id"]])
    assert actions.count("license.suspend") == 1

    # Suspending again changes nothing and is not audited twice.
    assert client_for(alice).post(url(org_a, license_, "suspend")).status_code == 200
    with scope(org=org_a):
        assert AuditEvent.objects.filter(action="license.suspend").count() == 1

    resumed = client_for(alice).post(url(org_a, license_, "resume"))
    assert resumed.status_code == 200 and resumed.json()["status"] == "active"
    assert acquire(key, "c").status_code == 201
    assert status_of(first["session_id"]) == "revoked"  # the suspend's ends stay ended


def test_a_session_that_raced_a_suspend_is_revoked_by_the_reaper(org_a, license_a, store_kind):
    license_, key = license_a(seats=2)
    # As if its acquire passed the license check just before the suspend committed.
    late = services.session_acquire(license_key=key, hardware_id="late")
    with scopes_disabled():
        License.objects.filter(id=license_.id).update(is_suspended=True)
    report = services.sessions_reap()
    assert report.revoked == 1
    assert status_of(late.session.id) == "revoked"
    assert heartbeat(late).status_code == 410
    assert get_seat_store().count(str(license_.id)) == 0
    assert services.sessions_reap().revoked == 0


def test_rotate_key_refuses_the_old_key_at_once(org_a, alice, license_a, store_kind):
    license_, old_key = license_a(seats=2)
    live = acquire(old_key, "a").json()
    response = client_for(alice).post(url(org_a, license_, "rotate-key"))
    assert response.status_code == 200
    new_key = response.json()["license_key"]
    assert new_key != old_key and response.json()["license"]["key_prefix"] == new_key[:12]

    refused = acquire(old_key, "b")
    assert refused.status_code == 401 and error_code(refused) == "invalid_license_key"
    assert acquire(new_key, "b").status_code == 201
    # Sessions are authenticated by their secret: the live one keeps its seat.
    assert heartbeat(live).status_code == 200
    with scope(org=org_a):
        event = AuditEvent.objects.get(action="license.rotate_key")
    assert event.before == {"key_prefix": old_key[:12]}
    assert event.after == {"key_prefix": new_key[:12]}
    assert old_key not in str(event.before) and new_key not in str(event.after)


def test_delete_ends_sessions_then_deletes_the_license(org_a, alice, license_a, store_kind):
    license_, key = license_a(seats=2)
    live = acquire(key, "a").json()
    response = client_for(alice).delete(url(org_a, license_))
    assert response.status_code == 204

    # The session is gone with its license: nothing is left to confirm it existed.
    gone = heartbeat(live)
    assert gone.status_code == 401 and error_code(gone) == "invalid_session_secret"
    refused = acquire(key, "b")
    assert refused.status_code == 401 and error_code(refused) == "invalid_license_key"
    assert get_seat_store().count(str(license_.id)) == 0
    with scopes_disabled():
        assert not License.objects.filter(id=license_.id).exists()
        assert not LicenseSession.objects.filter(license_id=license_.id).exists()
        assert not SeatLease.objects.filter(license_id=license_.id).exists()
    with scope(org=org_a):
        # The history stays: the organization's analytics still count that seat time.
        kinds = list(SeatEvent.objects.order_by("id").values_list("kind", flat=True))
        deleted = AuditEvent.objects.get(action="license.delete")
    assert kinds == ["acquire", "revoke"]
    assert deleted.before["sessions_revoked"] == 1 and deleted.before["name"] == license_.name
    assert client_for(alice).get(url(org_a, license_)).status_code == 404


def test_revoke_frees_the_seat_at_once(org_a, alice, license_a, store_kind):
    _, key = license_a(seats=1)
    seat = acquire(key, "a").json()
    live = seat["session_id"]
    assert acquire(key, "b").status_code == 409
    response = client_for(alice).post(f"/api/v1/orgs/{org_a.slug}/sessions/{live}/revoke")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked" and response.json()["ended_at"]
    gone = heartbeat(seat)
    assert gone.status_code == 410 and error_code(gone) == "session_expired"
    assert acquire(key, "b").status_code == 201
    # Revoking an ended session changes nothing and is not audited again.
    again = client_for(alice).post(f"/api/v1/orgs/{org_a.slug}/sessions/{live}/revoke")
    assert again.status_code == 200 and again.json()["status"] == "revoked"
    with scope(org=org_a):
        [event] = AuditEvent.objects.filter(action="session.revoke")
    assert event.target_id == live and event.after == {"status": "revoked"}
    assert event.actor_id == alice.id


def test_lowering_seats_below_use_keeps_live_sessions_and_refuses_new_ones(
    org_a, alice, license_a, store_kind
):
    license_, key = license_a(seats=3)
    sessions = [acquire(key, f"m{i}").json() for i in range(3)]
    response = client_for(alice).patch(url(org_a, license_), {"seats_total": 1}, format="json")
    assert response.status_code == 200 and response.json()["seats_used"] == 3
    for seat in sessions:
        assert heartbeat(seat).status_code == 200
    again = acquire(key, "m0")  # a live client re-acquiring keeps its seat
    assert again.status_code == 200 and again.json()["session_id"] == sessions[0]["session_id"]
    sessions[0] = again.json()  # with a new secret
    refused = acquire(key, "new")
    assert refused.status_code == 409 and error_code(refused) == "no_seats_available"
    release(sessions[1])
    assert acquire(key, "new").status_code == 409  # 2 in use, 1 allowed
    release(sessions[2])
    assert acquire(key, "new").status_code == 409  # 1 in use, 1 allowed
    release(sessions[0])
    assert acquire(key, "new").status_code == 201
