"""Hostile input and forged credentials get clear 4xx answers; headers protect the dashboard."""

import base64
import json
import time
import uuid

import jwt
import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.fixtures.world import client_for


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def projects(org) -> str:
    return f"/api/v1/orgs/{org.slug}/projects"


def test_a_real_access_token_works(org_a, alice):
    assert client_for(alice).get(projects(org_a)).status_code == 200


def test_alg_none_is_refused(org_a, alice):
    real = AccessToken.for_user(alice)
    forged = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(dict(real.payload))}."
    assert bearer(forged).get(projects(org_a)).status_code == 401


def test_a_token_signed_with_another_key_is_refused(org_a, alice):
    payload = dict(AccessToken.for_user(alice).payload)
    forged = jwt.encode(payload, "not-our-secret-key-but-long-enough-32", algorithm="HS256")
    assert bearer(forged).get(projects(org_a)).status_code == 401


def test_an_expired_token_is_refused(org_a, alice):
    payload = dict(AccessToken.for_user(alice).payload)
    payload["exp"] = int(time.time()) - 10
    expired = jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")
    response = bearer(expired).get(projects(org_a))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_an_unknown_api_token_is_refused(org_a):
    assert bearer("cot_" + uuid.uuid4().hex).get(projects(org_a)).status_code == 401


def _bad_token(kind: str, user) -> str:
    payload = dict(AccessToken.for_user(user).payload)
    if kind == "another_key":
        return jwt.encode(payload, "not-our-secret-key-but-long-enough-32", algorithm="HS256")
    if kind == "expired":
        payload["exp"] = int(time.time()) - 10
        return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")
    if kind == "refresh_as_access":
        from rest_framework_simplejwt.tokens import RefreshToken

        return str(RefreshToken.for_user(user))
    if kind == "garbage":
        return "not.a.jwt"
    return "cot_" + uuid.uuid4().hex


@pytest.mark.parametrize(
    "kind", ["another_key", "expired", "refresh_as_access", "garbage", "unknown_api_token"]
)
def test_a_bad_bearer_token_is_invalid_token_in_plain_words(org_a, alice, kind):
    response = bearer(_bad_token(kind, alice)).get(projects(org_a))
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "invalid_token",
            "message": "The bearer token is invalid, expired or revoked.",
            "details": {},
        }
    }


def test_other_authentication_failures_say_what_happened_in_plain_words(org_a, alice):
    malformed = APIClient()
    malformed.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    gone = bearer(str(AccessToken.for_user(alice)))
    alice.delete()
    for client, message in [
        (malformed, "Authorization header must contain two space-delimited values"),
        (gone, "User not found"),
    ]:
        response = client.get(projects(org_a))
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "authentication_failed",
            "message": message,
            "details": {},
        }


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"license_key": "' + "\\ud800" + '", "hardware_id": "x"}',
        "null",
        "[]",
        '"just a string"',
    ],
)
def test_hostile_json_is_a_clean_4xx(db, body):
    response = APIClient().post(
        "/api/v1/licenses/acquire", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.content[:200]
    assert "error" in response.json()


# What a fingerprint may hold is up to the database (PostgreSQL refuses a NUL in text).
@pytest.mark.sqlite
@pytest.mark.parametrize(
    "hardware_id",
    ["\u202eevil", "' OR 1=1 --", "x\u0000y", "\uff21\uff44\uff4d\uff49\uff4e", "😀" * 40, "a\nb"],
)
def test_odd_fingerprints_are_stored_verbatim_or_refused(store_kind, make_license, hardware_id):
    from django_scopes import scopes_disabled

    from licenses.models import LicenseSession

    _, key = make_license(seats=2)
    response = APIClient().post(
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": hardware_id},
        format="json",
    )
    assert response.status_code in (201, 400), response.content[:200]
    with scopes_disabled():
        stored = list(LicenseSession.objects.values_list("hardware_id", flat=True))
    assert stored == ([hardware_id] if response.status_code == 201 else [])


def test_huge_pagination_values_are_clamped_or_refused(org_a, alice):
    api = client_for(alice)
    assert api.get(projects(org_a) + "?page_size=1000000").status_code == 200
    assert api.get(projects(org_a) + "?page=99999999999").status_code == 404


def test_security_headers(db, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    (tmp_path / "index.html").write_text("<!doctype html>")
    page = Client().get("/")
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    api = Client().get("/healthz")
    assert api["X-Content-Type-Options"] == "nosniff"


def test_cors_allows_only_configured_origins(db, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    allowed = Client().get("/.well-known/jwks.json", HTTP_ORIGIN="https://app.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example"
    other = Client().get("/.well-known/jwks.json", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
