"""The admin side of people on licenses over HTTP: the license's people policy,
assignments (audited; unassigning ends sessions), a person's "revoke all", and the
sessions list naming person and license. Alice owns org A, Bob is a member, Charlie
(org B) is refused with 404."""

import pytest
from django_scopes import scope

from audit.models import AuditEvent
from licenses.models import LicenseSession
from licenses.tests.helpers import heartbeat
from licenses.tests.test_person_seats import person_acquire, sign_in
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


def test_an_admin_sets_the_people_policy_and_assigns(store_kind, org_a, alice, bob, license_a):
    license_, _ = license_a(seats=5)
    base = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}"
    changed = client_for(alice).patch(
        base,
        {
            "assignment": "assigned",
            "max_machines_per_person": 2,
            "person_limit_action": "evict_oldest",
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["assignment"] == "assigned"
    assert changed.json()["max_machines_per_person"] == 2
    assert (
        client_for(bob)
        .post(f"{base}/assignments", {"user": str(bob.id)}, format="json")
        .status_code
        == 403
    )
    added = client_for(alice).post(f"{base}/assignments", {"user": str(bob.id)}, format="json")
    assert added.status_code == 201 and added.json()["person"]["email"] == bob.email
    listed = client_for(bob).get(f"{base}/assignments").json()["results"]
    assert [a["person"]["email"] for a in listed] == [bob.email]

    access = sign_in(bob)["access"]
    held = person_acquire(access, "bob-laptop", license_id=str(license_.id))
    assert held.status_code == 201
    sessions = client_for(alice).get(f"/api/v1/orgs/{org_a.slug}/sessions?user={bob.id}").json()
    assert sessions["results"][0]["person"]["email"] == bob.email
    assert sessions["results"][0]["license_name"] == license_.name

    removed = client_for(alice).delete(f"{base}/assignments/{bob.id}")
    assert removed.status_code == 200 and removed.json() == {"sessions_ended": 1}
    assert heartbeat(held.json()).status_code == 410
    with scope(org=org_a):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"license.update", "license.assign", "license.unassign"} <= actions


def test_an_outsider_reaches_none_of_it(store_kind, org_a, org_b, bob, charlie, license_a):
    license_, _ = license_a()
    base = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}"
    outsider = client_for(charlie)
    assert outsider.get(f"{base}/assignments").status_code == 404
    assert (
        outsider.post(f"{base}/assignments", {"user": str(bob.id)}, format="json").status_code
        == 404
    )
    assert outsider.delete(f"{base}/assignments/{bob.id}").status_code == 404
    path = f"/api/v1/orgs/{org_a.slug}/people/{bob.id}/sessions/revoke"
    assert outsider.post(path).status_code == 404


def test_assigning_an_outsider_is_refused(store_kind, org_a, org_b, alice, charlie, license_a):
    license_, _ = license_a(assignment="assigned")
    base = f"/api/v1/orgs/{org_a.slug}/licenses/{license_.id}"
    reply = client_for(alice).post(f"{base}/assignments", {"user": str(charlie.id)}, format="json")
    assert reply.status_code == 404


def test_revoke_all_ends_every_live_session_of_the_person(store_kind, org_a, alice, bob, license_a):
    first, _ = license_a(seats=3)
    second, _ = license_a(seats=3)
    access = sign_in(bob)["access"]
    seats = [
        person_acquire(access, "laptop", license_id=str(first.id)).json(),
        person_acquire(access, "desktop", license_id=str(second.id)).json(),
    ]
    path = f"/api/v1/orgs/{org_a.slug}/people/{bob.id}/sessions/revoke"
    assert client_for(bob).post(path).status_code == 403
    reply = client_for(alice).post(path)
    assert reply.status_code == 200 and reply.json() == {"sessions_ended": 2}
    assert [heartbeat(seat).status_code for seat in seats] == [410, 410]
    with scope(org=org_a):
        assert not LicenseSession.objects.filter(user=bob, status="active").exists()
