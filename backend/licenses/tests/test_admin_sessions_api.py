"""Session lists (per license and organization-wide) and their filters."""

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for
from licenses.models import LicenseSession
from licenses.tests.helpers import acquire, release
from projects.models import Project

pytestmark = pytest.mark.sqlite


def ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


def test_sessions_are_listed_per_license_and_per_organization(org_a, alice, bob, license_a):
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    first, first_key = license_a(seats=3, project=apollo)
    second, second_key = license_a(seats=3)
    a = acquire(first_key, "box-a", client_info={"version": "2.0"}).json()["session_id"]
    b = acquire(first_key, "box-b").json()["session_id"]
    c = acquire(second_key, "box-a").json()["session_id"]
    release(b)
    with scopes_disabled():
        LicenseSession.objects.filter(id=c).update(user=bob)
    api = client_for(bob)  # a member reads sessions
    per_license = f"/api/v1/orgs/{org_a.slug}/licenses/{first.id}/sessions"
    org_wide = f"/api/v1/orgs/{org_a.slug}/sessions"

    assert ids(api.get(per_license)) == {a, b}
    assert ids(api.get(per_license, {"status": "active"})) == {a}
    assert ids(api.get(per_license, {"status": "released"})) == {b}
    assert ids(api.get(org_wide)) == {a, b, c}
    assert ids(api.get(org_wide, {"hardware_id": "box-a"})) == {a, c}
    assert ids(api.get(org_wide, {"project": str(apollo.id)})) == {a, b}
    assert ids(api.get(org_wide, {"user": str(bob.id)})) == {c}
    assert ids(api.get(org_wide, {"license": str(second.id)})) == {c}
    assert ids(api.get(org_wide, {"status": "active", "hardware_id": "box-b"})) == set()

    item = next(i for i in api.get(org_wide).json()["results"] if i["id"] == a)
    assert item["license"] == str(first.id) and item["project"] == str(apollo.id)
    assert item["client_info"] == {"version": "2.0"} and item["status"] == "active"
    assert item["ended_at"] is None and item["started_at"]


def test_session_lists_are_paginated_newest_first(org_a, alice, license_a):
    _, key = license_a(seats=5)
    made = [acquire(key, f"m{i}").json()["session_id"] for i in range(5)]
    page = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions", {"page_size": 2}).json()
    assert page["count"] == 5
    assert [i["id"] for i in page["results"]] == made[::-1][:2]


@pytest.mark.parametrize(
    "query", [{"status": "alive"}, {"user": "bob"}, {"project": "1"}, {"hardware_id": "x" * 129}]
)
def test_bad_session_filters_are_a_400(org_a, alice, query):
    response = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
