"""Charlie owns org B. Every org A path answers him 404, and nothing of A changes."""

import pytest
from django.core import mail
from django_scopes import scope

from audit.services import audit_record
from core.actor import Actor
from tenants.services import invitation_create
from tests.fixtures.world import client_for


@pytest.fixture
def invitation_a(org_a, alice):
    from core.roles import Role

    with scope(org=org_a):
        invitation = invitation_create(
            org=org_a,
            email="pending@a.example",
            role="admin",
            acting_role=Role.OWNER,
            actor=Actor.system_named("tests"),
        )
        audit_record(org=org_a, actor=Actor.system_named("tests"), action="test.seed", target=org_a)
    mail.outbox.clear()
    return invitation


def test_charlie_gets_404_on_every_org_a_path_and_nothing_changes(
    org_a, org_b, alice, bob, charlie, invitation_a, snapshot
):
    before = snapshot(org_a)
    api = client_for(charlie)
    for ref in ("org-a", str(org_a.id)):
        base = f"/api/v1/orgs/{ref}"
        calls = [
            api.get(base),
            api.patch(base, {"name": "pwned", "slug": "pwned"}, format="json"),
            api.delete(base),
            api.get(f"{base}/members"),
            api.patch(f"{base}/members/{bob.id}", {"role": "owner"}, format="json"),
            api.patch(f"{base}/members/{charlie.id}", {"role": "owner"}, format="json"),
            api.delete(f"{base}/members/{bob.id}"),
            api.delete(f"{base}/members/{alice.id}"),
            api.delete(f"{base}/members/me"),
            api.get(f"{base}/invitations"),
            api.post(
                f"{base}/invitations", {"email": "x@b.example", "role": "owner"}, format="json"
            ),
            api.delete(f"{base}/invitations/{invitation_a.id}"),
            api.get(f"{base}/audit-events"),
        ]
        for response in calls:
            assert response.status_code == 404, (response.request, response.content)
            assert response.json()["error"]["code"] == "not_found"
    assert snapshot(org_a) == before
    assert mail.outbox == []


def test_charlie_cannot_reach_org_a_objects_through_org_b(
    org_a, org_b, alice, bob, charlie, invitation_a, snapshot
):
    before = snapshot(org_a)
    api = client_for(charlie)
    base = "/api/v1/orgs/org-b"
    assert (
        api.patch(f"{base}/members/{bob.id}", {"role": "viewer"}, format="json").status_code == 404
    )
    assert api.delete(f"{base}/members/{bob.id}").status_code == 404
    assert api.delete(f"{base}/invitations/{invitation_a.id}").status_code == 404
    assert api.get(f"{base}/invitations").json()["count"] == 0
    members = api.get(f"{base}/members").json()["results"]
    assert [m["email"] for m in members] == ["charlie@b.example"]
    assert api.get(f"{base}/audit-events").json()["count"] == 0
    assert snapshot(org_a) == before


def test_an_org_b_api_token_gets_404_on_org_a(org_a, org_b, bob, api_token, invitation_a, snapshot):
    before = snapshot(org_a)
    api = client_for(api_token=api_token(org_b, "owner"))
    assert api.get("/api/v1/orgs/org-a").status_code == 404
    assert api.delete("/api/v1/orgs/org-a").status_code == 404
    assert api.get("/api/v1/orgs/org-a/members").status_code == 404
    assert api.delete(f"/api/v1/orgs/org-a/members/{bob.id}").status_code == 404
    assert api.delete(f"/api/v1/orgs/org-a/invitations/{invitation_a.id}").status_code == 404
    assert api.get("/api/v1/orgs/org-a/audit-events").status_code == 404
    assert snapshot(org_a) == before


def test_a_missing_organization_answers_like_a_foreign_one(charlie):
    response = client_for(charlie).get("/api/v1/orgs/no-such-org/members")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
