"""Alice owns org A, Bob is a member of A, Charlie owns org B.

Charlie gets 404 on every org A path (by A's slug, or by B's slug with A's ids) and
nothing of A changes; Bob reads but every write is a 403 that changes nothing.
"""

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from licenses.tests.helpers import acquire, heartbeat
from tests.fixtures.world import client_for

BODIES = {"post": {"name": "x", "seats_total": 9}, "patch": {"name": "pwned", "seats_total": 9}}


def paths(org_slug: str, license_id, session_id) -> list[tuple[str, str]]:
    base = f"/api/v1/orgs/{org_slug}"
    lic = f"{base}/licenses/{license_id}"
    return [
        ("get", f"{base}/licenses"),
        ("post", f"{base}/licenses"),
        ("get", lic),
        ("patch", lic),
        ("post", f"{lic}/suspend"),
        ("post", f"{lic}/resume"),
        ("post", f"{lic}/rotate-key"),
        ("get", f"{lic}/sessions"),
        ("get", f"{base}/sessions"),
        ("post", f"{base}/sessions/{session_id}/revoke"),
        ("get", f"{lic}/utilization"),
        ("get", f"{base}/analytics/utilization"),
        ("get", f"{base}/analytics/breakdown?by=project"),
        ("delete", lic),
    ]


def call(api, method: str, path: str):
    return getattr(api, method)(path, BODIES.get(method), format="json")


@pytest.fixture
def a_world(org_a, org_b, license_a, store_kind, snapshot):
    license_, key = license_a(seats=2)
    seat = acquire(key, "a").json()
    return license_, key, seat, snapshot(org_a)


def assert_nothing_of_a_changed(org_a, a_world, snapshot):
    license_, key, seat, before = a_world
    session_id = seat["session_id"]
    assert snapshot(org_a) == before
    with scope(org=org_a):
        assert [a for (a,) in AuditEvent.objects.values_list("action")] == ["license.create"]
    with scopes_disabled():
        assert LicenseSession.objects.get(id=session_id).status == "active"
    assert get_seat_store().count(str(license_.id)) == 1
    assert heartbeat(seat).status_code == 200
    assert acquire(key, "a").json()["session_id"] == session_id


def test_charlie_gets_404_on_every_org_a_path_and_nothing_changes(
    org_a, org_b, charlie, a_world, snapshot
):
    license_, _, seat, _ = a_world
    session_id = seat["session_id"]
    api = client_for(charlie)
    for org_slug in (org_a.slug, org_b.slug):
        for method, path in paths(org_slug, license_.id, session_id):
            if org_slug == org_b.slug and path.endswith(("/licenses", "/sessions")):
                continue  # B's own collections: allowed, and empty of A
            if org_slug == org_b.slug and "/analytics/" in path:
                continue
            response = call(api, method, path)
            assert response.status_code == 404, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "not_found"
    # B's own lists show nothing of A.
    assert client_for(charlie).get(f"/api/v1/orgs/{org_b.slug}/licenses").json()["count"] == 0
    assert client_for(charlie).get(f"/api/v1/orgs/{org_b.slug}/sessions").json()["results"] == []
    breakdown = client_for(charlie).get(
        f"/api/v1/orgs/{org_b.slug}/analytics/breakdown", {"by": "project"}
    )
    assert breakdown.json()["groups"] == []
    assert_nothing_of_a_changed(org_a, a_world, snapshot)


def test_bob_reads_but_every_write_is_a_403(org_a, bob, a_world, snapshot):
    license_, _, seat, _ = a_world
    session_id = seat["session_id"]
    api = client_for(bob)
    for method, path in paths(org_a.slug, license_.id, session_id):
        response = call(api, method, path)
        if method == "get":
            assert response.status_code == 200, (path, response.json())
        else:
            assert response.status_code == 403, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "permission_denied"
    assert_nothing_of_a_changed(org_a, a_world, snapshot)
