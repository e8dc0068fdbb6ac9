"""The client endpoints over HTTP (in-process), against both seat stores."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from licenses.models import LicenseSession
from licenses.session_secrets import session_secret_new
from licenses.tests.helpers import proof

pytestmark = pytest.mark.sqlite


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def acquire(api, key, hwid="laptop-1", **extra):
    return api.post(
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": hwid, **extra},
        format="json",
    )


def test_acquire_grants_a_seat_with_a_token(api, store_kind, make_license):
    license_, key = make_license(seats=2)
    response = acquire(api, key, client_info={"version": "1.2.3"})
    assert response.status_code == 201
    body = response.json()
    assert body["seats_total"] == 2 and body["seats_used"] == 1
    assert body["heartbeat_interval"] == 120 and body["heartbeat_ttl"] == 360
    assert body["license_id"] == str(license_.id)
    with scope(org=license_.org):
        session = LicenseSession.objects.get(id=body["session_id"])
    assert session.status == "active" and session.client_info == {"version": "1.2.3"}
    assert session.org_id == license_.org_id


def test_acquire_is_idempotent_per_fingerprint(api, store_kind, make_license):
    license_, key = make_license(seats=2)
    first = acquire(api, key).json()
    again = acquire(api, key)
    assert again.status_code == 200
    assert again.json()["session_id"] == first["session_id"]
    assert again.json()["seats_used"] == 1
    with scope(org=license_.org):
        assert LicenseSession.objects.filter(status="active").count() == 1


def test_client_instances_on_one_machine_take_separate_seats(api, store_kind, make_license):
    _, key = make_license(seats=2)
    a = acquire(api, key, client_instance="ide").json()
    b = acquire(api, key, client_instance="cli").json()
    assert a["session_id"] != b["session_id"] and b["seats_used"] == 2


def test_it_refuses_a_seat_past_the_limit(api, store_kind, make_license):
    _, key = make_license(seats=1)
    acquire(api, key, "a")
    response = acquire(api, key, "b")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "no_seats_available",
        "message": "Every seat of this license is in use.",
        "details": {"seats_total": 1, "seats_used": 1},
    }


def test_unknown_key_is_401(api, store_kind, db):
    response = acquire(api, "lic_" + "x" * 32)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_license_key"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"is_suspended": True}, "license_suspended"),
        ({"is_active": False}, "license_inactive"),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "license_expired"),
    ],
)
def test_an_unusable_license_is_403(api, store_kind, make_license, change, code):
    license_, key = make_license()
    with scopes_disabled():
        type(license_).objects.filter(id=license_.id).update(**change)
    response = acquire(api, key)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == code


def test_heartbeat_keeps_and_release_frees(api, store_kind, make_license):
    _, key = make_license(seats=1)
    seat = acquire(api, key, "a").json()
    session_id = seat["session_id"]
    beat = api.post("/api/v1/licenses/heartbeat", proof(seat), format="json")
    assert beat.status_code == 200 and beat.json()["session_id"] == session_id
    for _ in range(2):
        released = api.post("/api/v1/licenses/release", proof(seat), format="json")
        assert released.status_code == 200 and released.json()["released"] is True
    gone = api.post("/api/v1/licenses/heartbeat", proof(seat), format="json")
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "session_expired"
    assert acquire(api, key, "b").status_code == 201
    with scopes_disabled():
        assert LicenseSession.objects.get(id=session_id).status == "released"


def test_heartbeat_for_an_unknown_session_is_401(api, store_kind, make_license):
    license_, _ = make_license()
    unknown = {"session_id": str(uuid.uuid4()), "session_secret": session_secret_new(license_.id)}
    for path in ("heartbeat", "release"):
        response = api.post(f"/api/v1/licenses/{path}", unknown, format="json")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_session_secret"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"license_key": "k"},
        {"license_key": "k", "hardware_id": ""},
        {"license_key": "k", "hardware_id": "x" * 129},
        {"license_key": "k", "hardware_id": "a\x00b"},
        {"license_key": "k", "hardware_id": "a", "client_info": "nope"},
        {"license_key": "k", "hardware_id": "a", "client_info": {str(i): i for i in range(30)}},
        {"license_key": ["k"], "hardware_id": "a"},
    ],
)
def test_bad_acquire_input_is_a_400_with_field_errors(api, db, body):
    response = api.post("/api/v1/licenses/acquire", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["details"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": "nope", "session_secret": "sks_x"},
        {"session_id": str(uuid.uuid4())},
        {"session_id": str(uuid.uuid4()), "session_secret": "s" * 129},
        {"session_id": str(uuid.uuid4()), "session_secret": ["sks_x"]},
        {"session_secret": "sks_x"},
    ],
)
def test_bad_session_input_is_a_400(api, db, body):
    for path in ("heartbeat", "release"):
        response = api.post(f"/api/v1/licenses/{path}", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"


def test_malformed_json_is_a_400(api, db):
    response = api.post("/api/v1/licenses/acquire", data="{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_wrong_content_type_is_a_415(api, db):
    response = api.post("/api/v1/licenses/acquire", data="a=b", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_an_oversized_body_is_a_413(api, db):
    response = api.post(
        "/api/v1/licenses/acquire",
        data='{"license_key": "' + "x" * 70_000 + '"}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_wrong_method_is_a_405(api, db):
    response = api.get("/api/v1/licenses/acquire")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_unknown_path_is_a_json_404(api, db):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_key_is_stored_only_as_a_digest(store_kind, make_license):
    license_, key = make_license()
    assert key.startswith("lic_") and len(key) >= 36
    assert key not in (license_.key_digest, license_.key_prefix)
    assert license_.key_prefix == key[:12]


def test_a_failed_session_insert_gives_the_seat_back(store_kind, make_license):
    from licenses import services
    from licenses.seatstore import get_seat_store

    license_, key = make_license(seats=1)
    with pytest.raises(TypeError):
        # A value JSON cannot hold makes the insert itself fail, after the seat step.
        services.session_acquire(license_key=key, hardware_id="a", client_info={"x": {1, 2}})
    assert get_seat_store().count(str(license_.id)) == 0
    with scopes_disabled():
        assert not LicenseSession.objects.filter(license=license_).exists()
    assert services.session_acquire(license_key=key, hardware_id="b").created


@pytest.mark.parametrize("expiring", [False, True])
def test_seat_responses_match_their_serializers(api, store_kind, make_license, expiring):
    """The seat views render by hand (hot path); the bodies must stay what the
    serializers in the OpenAPI contract would render, field for field."""
    from licenses.api import serializers as s

    expires = timezone.now() + timedelta(days=3) if expiring else None
    license_, key = make_license(seats=2, expires_at=expires)
    body = acquire(api, key).json()
    with scope(org=license_.org):
        session = LicenseSession.objects.get(id=body["session_id"])
    assert (
        body
        == s.AcquireOutputSerializer(
            {
                "session_id": session.id,
                "session_secret": body["session_secret"],
                "token": body["token"],
                "expires_at": session.expires_at,
                "heartbeat_interval": license_.heartbeat_interval,
                "heartbeat_ttl": license_.heartbeat_ttl,
                "seats_total": 2,
                "seats_used": 1,
                "license_id": license_.id,
                "license_expires_at": license_.expires_at,
                "offline_grace": license_.offline_grace,
                "overage": False,
                "grace": False,
            }
        ).data
    )
    beat = api.post("/api/v1/licenses/heartbeat", proof(body), format="json").json()
    checked = s.HeartbeatOutputSerializer(data=beat)
    assert checked.is_valid(), checked.errors
    assert s.HeartbeatOutputSerializer(checked.validated_data).data == beat
    assert beat["session_id"] == body["session_id"] and beat["heartbeat_interval"] == 120
