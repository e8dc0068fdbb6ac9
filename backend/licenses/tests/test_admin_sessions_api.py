"""Session lists (per license and organization-wide) and their filters."""

import pytest
from django_scopes import scope, scopes_disabled

from licenses.models import LicenseSession
from licenses.tests.helpers import acquire, release
from projects.models import Project
from tests.fixtures.world import client_for

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
    b_seat = acquire(first_key, "box-b").json()
    b = b_seat["session_id"]
    c = acquire(second_key, "box-a").json()["session_id"]
    release(b_seat)
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
    license_, key = license_a(seats=5)
    made = [acquire(key, f"m{i}").json()["session_id"] for i in range(5)]
    api = client_for(alice)
    per_license = api.get(
        f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}/sessions", {"page_size": 2}
    ).json()
    assert per_license["count"] == 5
    assert [i["id"] for i in per_license["results"]] == made[::-1][:2]
    org_wide = api.get(f"/api/v1/orgs/{org_a.slug}/sessions", {"page_size": 2}).json()
    assert "count" not in org_wide and org_wide["previous"] is None
    assert [i["id"] for i in org_wide["results"]] == made[::-1][:2]


def walk(api, url: str, query: dict | None = None) -> list[str]:
    """Every item id, following ``next`` from the first page."""
    seen, page = [], api.get(url, query).json()
    while True:
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            return seen
        page = api.get(page["next"]).json()


def test_org_session_pages_never_repeat_or_skip_while_sessions_start(org_a, alice, license_a):
    """Newest first with page numbers, a session that starts between two page reads
    pushes the last item of page 1 onto page 2; a cursor walk sees each session once."""
    _, key = license_a(seats=40)
    before = [acquire(key, f"old{i}").json()["session_id"] for i in range(7)]
    api = client_for(alice)
    url = f"/api/v1/orgs/{org_a.slug}/sessions"
    page = api.get(url, {"page_size": 3}).json()
    seen, started = [item["id"] for item in page["results"]], []
    while page["next"]:
        # A client starts between every two page reads.
        started.append(acquire(key, f"new{len(seen)}").json()["session_id"])
        page = api.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]
    assert seen == before[::-1] and len(started) == 2
    assert walk(api, url, {"page_size": 4}) == (before + started)[::-1]


def test_org_session_cursor_keeps_the_filters_and_a_bad_cursor_is_a_404(org_a, alice, license_a):
    first, first_key = license_a(seats=9)
    _, second_key = license_a(seats=9)
    made = [
        acquire((first_key, second_key)[i % 2], f"box-{i}").json()["session_id"] for i in range(9)
    ]
    api = client_for(alice)
    url = f"/api/v1/orgs/{org_a.slug}/sessions"
    assert walk(api, url, {"page_size": 2, "license": str(first.id)}) == made[0::2][::-1]
    response = api.get(url, {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "query", [{"status": "alive"}, {"user": "bob"}, {"project": "1"}, {"hardware_id": "x" * 129}]
)
def test_bad_session_filters_are_a_400(org_a, alice, query):
    response = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
