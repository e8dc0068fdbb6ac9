"""A session id is an identifier, not a credential (issue #14): heartbeat and release
need the session secret of the session's latest acquire, on both seat stores."""

import pytest
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from core.actor import Actor
from licenses.models import LicenseSession, SeatLease
from licenses.seatstore import get_seat_store
from licenses.session_secrets import session_secret_digest, session_secret_license
from licenses.tests.helpers import acquire, heartbeat, proof, release
from tenants.models import Membership
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def status_of(session_id: str) -> str:
    with scopes_disabled():
        return LicenseSession.objects.get(id=session_id).status


def error_code(response) -> str:
    return response.json()["error"]["code"]


def attempts(session_id: str, other_secret: str) -> list[dict]:
    """What someone who saw only the session id (and holds some other secret) sends."""
    return [
        {"session_id": session_id, "session_secret": other_secret},
        {"session_id": session_id, "session_secret": other_secret[:-4] + "AAAA"},
        {"session_id": session_id, "session_secret": "sks_" + "0" * 32 + ".guess"},
        {"session_id": session_id, "session_secret": "not-a-secret"},
    ]


def test_acquire_hands_out_a_secret_that_is_stored_as_a_digest(store_kind, license_a):
    license_, key = license_a(seats=1)
    seat = acquire(key).json()
    secret = seat["session_secret"]
    assert len(secret) >= 60 and session_secret_license(secret) == str(license_.id)
    with scopes_disabled():
        row = LicenseSession.objects.values().get(id=seat["session_id"])
    assert row["secret_digest"] == session_secret_digest(secret)
    assert secret not in str(row)


def test_a_viewer_who_lists_sessions_can_neither_extend_nor_end_them(
    store_kind, org_a, license_a, charlie
):
    license_, key = license_a(seats=2)
    seat = acquire(key, "a").json()
    with scope(org=org_a):
        Membership.objects.create(org=org_a, user=charlie, role=Membership.Role.VIEWER)
    listed = client_for(charlie).get(f"/api/v1/orgs/{org_a.slug}/sessions")
    assert listed.status_code == 200
    [shown] = listed.json()["results"]
    assert shown["id"] == seat["session_id"]
    assert seat["session_secret"] not in listed.content.decode()
    # The viewer can take a seat of their own, and so holds a real secret: not this one.
    own = acquire(key, "viewer-laptop").json()

    for body in [{"session_id": shown["id"]}, {"session_id": shown["id"], "license_key": key}]:
        for path in ("heartbeat", "release"):
            response = APIClient().post(f"/api/v1/licenses/{path}", body, format="json")
            assert response.status_code == 400
    for body in attempts(shown["id"], own["session_secret"]):
        for path in ("heartbeat", "release"):
            response = APIClient().post(f"/api/v1/licenses/{path}", body, format="json")
            assert response.status_code == 401, response.content
            assert error_code(response) == "invalid_session_secret"

    assert status_of(seat["session_id"]) == "active"
    assert get_seat_store().count(str(license_.id)) == 2
    assert heartbeat(seat).status_code == 200


def test_org_a_cannot_touch_a_session_of_org_b(store_kind, org_a, org_b, license_a):
    _, key_a = license_a(seats=1)
    with scope(org=org_b):
        from licenses.services import license_create

        license_b, key_b = license_create(
            org=org_b, name="B", seats_total=1, actor=Actor.system_named("tests")
        )
    mine = acquire(key_a, "a").json()
    theirs = acquire(key_b, "b").json()
    for body in attempts(theirs["session_id"], mine["session_secret"]):
        for path in ("heartbeat", "release"):
            response = APIClient().post(f"/api/v1/licenses/{path}", body, format="json")
            assert response.status_code == 401
    assert status_of(theirs["session_id"]) == "active"
    assert get_seat_store().count(str(license_b.id)) == 1


def test_a_re_acquire_issues_a_new_secret_and_retires_the_old_one(store_kind, license_a):
    _, key = license_a(seats=1)
    first = acquire(key, "a").json()
    again = acquire(key, "a").json()  # a client that lost its memory, with the key
    assert again["session_id"] == first["session_id"]
    assert again["session_secret"] != first["session_secret"]
    stale = heartbeat(first)
    assert stale.status_code == 401 and error_code(stale) == "invalid_session_secret"
    assert release(first).status_code == 401
    assert heartbeat(again).status_code == 200
    assert status_of(first["session_id"]) == "active"


def test_an_ended_session_answers_by_its_secret(store_kind, license_a):
    _, key = license_a(seats=1)
    seat = acquire(key, "a").json()
    stranger = acquire(key, "b")  # no seat left, but the point is the ended one below
    assert stranger.status_code == 409
    assert release(seat).status_code == 200
    assert release(seat).status_code == 200  # twice is not an error, for the owner
    gone = heartbeat(seat)
    assert gone.status_code == 410 and error_code(gone) == "session_expired"
    wrong = {**proof(seat), "session_secret": seat["session_secret"][:-4] + "AAAA"}
    for path in ("heartbeat", "release"):
        response = APIClient().post(f"/api/v1/licenses/{path}", wrong, format="json")
        assert response.status_code == 401


def test_a_session_without_a_secret_must_acquire_again(store_kind, license_a):
    """Sessions started before secrets existed have an empty digest: no secret opens
    them, and an acquire with the key gives the client its seat back with one."""
    _, key = license_a(seats=1)
    seat = acquire(key, "a").json()
    with scopes_disabled():
        LicenseSession.objects.filter(id=seat["session_id"]).update(secret_digest="")
        SeatLease.objects.filter(holder=seat["session_id"]).update(secret_digest="")
    if store_kind == "redis":
        get_seat_store().drop_license(seat["license_id"])  # rebuilt from the database
    assert heartbeat(seat).status_code == 401
    again = acquire(key, "a")
    assert again.status_code == 200 and again.json()["session_id"] == seat["session_id"]
    assert heartbeat(again.json()).status_code == 200
