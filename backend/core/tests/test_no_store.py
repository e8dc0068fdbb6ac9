"""Every response that carries a secret tells every cache not to keep it."""

import pytest
from django_scopes import scope
from rest_framework.test import APIClient

from core.actor import Actor
from licenses.services import license_create
from tests.fixtures.world import client_for

PASSWORD = "a long and unusual passphrase 42"


def _register(org, alice):
    return APIClient().post(
        "/api/v1/auth/register", {"email": "eve@example.com", "password": PASSWORD}, format="json"
    )


def _login(org, alice):
    alice.set_password(PASSWORD)
    alice.save(update_fields=["password"])
    body = {"email": alice.email, "password": PASSWORD}
    return APIClient().post("/api/v1/auth/login", body, format="json")


def _refresh(org, alice):
    refresh = _login(org, alice).json()["refresh"]
    return APIClient().post("/api/v1/auth/refresh", {"refresh": refresh}, format="json")


def _api_token_create(org, alice):
    body = {"name": "ci", "role": "member"}
    return client_for(alice).post(f"/api/v1/orgs/{org.slug}/api-tokens", body, format="json")


def _license_create(org, alice):
    body = {"name": "Build farm", "seats_total": 3}
    return client_for(alice).post(f"/api/v1/orgs/{org.slug}/licenses", body, format="json")


def _rotate_key(org, alice):
    license_id = _license_create(org, alice).json()["license"]["id"]
    url = f"/api/v1/orgs/{org.slug}/licenses/{license_id}/rotate-key"
    return client_for(alice).post(url, format="json")


def _acquire(org, alice):
    with scope(org=org):
        _, key = license_create(
            org=org, name="Seats", seats_total=1, actor=Actor.system_named("tests")
        )
    body = {"license_key": key, "hardware_id": "laptop"}
    return APIClient().post("/api/v1/licenses/acquire", body, format="json")


SECRET_BEARING = {
    "register (token pair)": (_register, "access"),
    "login (token pair)": (_login, "access"),
    "refresh (token pair)": (_refresh, "refresh"),
    "API token create": (_api_token_create, "token"),
    "license create (license key)": (_license_create, "license_key"),
    "rotate key (license key)": (_rotate_key, "license_key"),
    "acquire (license token)": (_acquire, "token"),
}


@pytest.mark.parametrize("endpoint", list(SECRET_BEARING))
def test_a_response_with_a_secret_is_never_stored(org_a, alice, endpoint):
    call, secret_field = SECRET_BEARING[endpoint]
    response = call(org_a, alice)
    assert response.status_code in (200, 201), response.content[:300]
    assert secret_field in response.json()
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "max-age=0"} <= directives
