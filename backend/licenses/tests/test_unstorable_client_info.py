"""A client_info that could not be stored and served back is refused (issue #14): it
once turned both session lists into a permanent 500."""

import httpx
import pytest
from django.db import DataError, connection, transaction
from django_scopes import scopes_disabled
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from licenses.models import LicenseSession
from licenses.tests.helpers import release
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite

SURROGATE = "Surrogate characters are not allowed: U+{}."
NUL = "Null characters are not allowed."
NON_FINITE = "Numbers must be finite: no NaN, Infinity or overflowing values such as 1e999."

BAD_CLIENT_INFO = [
    ('{"k": "\\udfff"}', "client_info.k", SURROGATE.format("DFFF")),
    ('{"\\udfff": "v"}', "client_info.\\udfff", SURROGATE.format("DFFF")),
    ('{"k": "a\\u0000"}', "client_info.k", NUL),
    ('{"n": 1e999}', "client_info.n", NON_FINITE),
    ('{"n": NaN}', "client_info.n", NON_FINITE),
    ('{"a": [{"b": "\\ud800"}]}', "client_info.a.0.b", SURROGATE.format("D800")),
]


def acquire_raw(key: str, hardware_id: str, client_info: str):
    body = (
        f'{{"license_key": "{key}", "hardware_id": "{hardware_id}", "client_info": {client_info}}}'
    )
    return APIClient().post("/api/v1/licenses/acquire", body, content_type="application/json")


def session_lists(org, owner, license_) -> list[list[dict]]:
    api = client_for(owner)
    urls = (
        f"/api/v1/orgs/{org.slug}/sessions",
        f"/api/v1/orgs/{org.slug}/licenses/{license_.id}/sessions",
    )
    responses = [api.get(url) for url in urls]
    assert [r.status_code for r in responses] == [200, 200], [r.content[:200] for r in responses]
    return [r.json()["results"] for r in responses]


@pytest.mark.parametrize(("client_info", "path", "message"), BAD_CLIENT_INFO)
def test_an_unstorable_client_info_is_refused_and_session_lists_stay_200(
    store_kind, org_a, alice, license_a, client_info, path, message
):
    license_, key = license_a(seats=2)
    response = acquire_raw(key, "box-1", client_info)
    assert response.status_code == 400, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["fields"] == {path: [message]}
    assert session_lists(org_a, alice, license_) == [[], []]

    # Escaped non-ASCII, a valid surrogate pair and a big integer are all storable.
    good = acquire_raw(
        key, "box-1", '{"host": "Zo\\u00eb \\ud83d\\ude00", "n": 1' + "0" * 300 + "}"
    )
    assert good.status_code == 201, good.content[:300]
    listed = session_lists(org_a, alice, license_)
    assert [s["client_info"] for s in listed[0]] == [{"host": "Zoë 😀", "n": 10**300}]
    assert listed[0] == listed[1]
    assert release(good.json()).status_code == 200
    assert [s["status"] for s in session_lists(org_a, alice, license_)[0]] == ["released"]


def test_a_surrogate_stored_before_the_fix_no_longer_breaks_the_lists(org_a, alice, license_a):
    """SQLite kept the lone surrogates sent before the parser refused them (PostgreSQL
    never could hold one): the lists send it as its escape instead of a 500."""
    license_, key = license_a(seats=2)
    session_id = acquire_raw(key, "box-1", '{"k": "v"}').json()["session_id"]
    with scopes_disabled():
        stored = LicenseSession.objects.filter(id=session_id)
        if connection.vendor == "postgresql":
            with pytest.raises(DataError), transaction.atomic():
                stored.update(client_info={"k": "\udfff"})
            return
        stored.update(client_info={"k": "\udfff", "ok": "é"})
    for listed in session_lists(org_a, alice, license_):
        assert [s["client_info"] for s in listed] == [{"k": "\udfff", "ok": "é"}]


@pytest.mark.server
def test_over_real_http_the_reported_body_is_a_400_and_the_lists_stay_200(
    live_api, org_a, alice, license_a
):
    """The issue's own request, to gunicorn: 201 and then a 500 on every list before."""
    license_, key = license_a(seats=2)
    headers = {"Authorization": f"Bearer {AccessToken.for_user(alice)}"}
    with httpx.Client(base_url=live_api.url, timeout=30) as http:
        body = f'{{"license_key": "{key}", "hardware_id": "h", "client_info": {{"k": "\\udfff"}}}}'
        refused = http.post(
            "/api/v1/licenses/acquire",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["details"]["fields"] == {
            "client_info.k": [SURROGATE.format("DFFF")]
        }
        granted = http.post(
            "/api/v1/licenses/acquire", json={"license_key": key, "hardware_id": "h"}
        )
        assert granted.status_code == 201, granted.text
        for url in (
            f"/api/v1/orgs/{org_a.slug}/sessions",
            f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/sessions",
        ):
            listed = http.get(url, headers=headers)
            assert listed.status_code == 200, listed.text
            assert [s["hardware_id"] for s in listed.json()["results"]] == ["h"]
