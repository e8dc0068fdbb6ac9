import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from core.secrets import secret_digest
from tenants.models import ApiToken, Membership
from tests.fixtures.world import client_for


def url(org, token=None):
    base = f"/api/v1/orgs/{org.slug}/api-tokens"
    return f"{base}/{token if isinstance(token, str) else token.id}" if token else base


def mint(api, org, name="ci", role="admin") -> dict:
    response = api.post(url(org), {"name": name, "role": role}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def audit_rows(org) -> list[dict]:
    with scope(org=org):
        return list(AuditEvent.objects.order_by("created_at").values())


def test_an_api_token_lives_is_used_and_is_revoked(org_a, alice):
    api = client_for(alice)
    created = mint(api, org_a, name="Deploy bot", role="admin")
    secret = created["token"]
    assert secret.startswith("cot_") and len(secret) > 40
    assert created["prefix"] == secret[:12]
    assert created["name"] == "Deploy bot" and created["role"] == "admin"
    assert created["created_by"]["email"] == "alice@a.example"
    assert created["last_used_at"] is None and created["revoked_at"] is None
    with scope(org=org_a):
        stored = ApiToken.objects.get(id=created["id"])
    assert stored.digest == secret_digest(secret) and secret not in stored.digest

    listed = api.get(url(org_a))
    assert listed.status_code == 200
    assert secret not in listed.content.decode()
    [row] = listed.json()["results"]
    assert "token" not in row and "digest" not in row
    assert row["id"] == created["id"] and row["prefix"] == created["prefix"]

    robot = client_for(api_token=secret)
    assert robot.get(f"/api/v1/orgs/{org_a.slug}/projects").status_code == 200
    [row] = robot.get(url(org_a)).json()["results"]
    assert row["last_used_at"] is not None

    assert api.delete(url(org_a, created["id"])).status_code == 204
    refused = robot.get(f"/api/v1/orgs/{org_a.slug}/projects")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_token"
    [row] = api.get(url(org_a)).json()["results"]
    assert row["revoked_at"] is not None
    # Revoking again changes nothing and records nothing.
    assert api.delete(url(org_a, created["id"])).status_code == 204

    rows = audit_rows(org_a)
    assert [(r["action"], r["actor_id"]) for r in rows] == [
        ("api_token.create", alice.id),
        ("api_token.revoke", alice.id),
    ]
    assert rows[0]["after"]["role"] == "admin" and rows[1]["after"]["revoked_at"]
    assert not any(secret in str(r) for r in rows)
    assert not any(stored.digest in str(r) for r in rows)


def test_an_api_token_cannot_create_api_tokens(org_a, alice):
    owner_token = mint(client_for(alice), org_a, role="owner")["token"]
    robot = client_for(api_token=owner_token)
    response = robot.post(url(org_a), {"name": "child", "role": "viewer"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    with scope(org=org_a):
        assert ApiToken.objects.count() == 1


def test_an_admin_token_can_list_and_revoke_tokens(org_a, alice):
    api = client_for(alice)
    robot = client_for(api_token=mint(api, org_a, name="robot")["token"])
    other = mint(api, org_a, name="other")
    assert robot.get(url(org_a)).json()["count"] == 2
    assert robot.delete(url(org_a, other["id"])).status_code == 204
    with scope(org=org_a):
        event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor is None and event.actor_token.name == "robot"


def test_a_token_role_may_not_exceed_the_creators(org_a, alice, bob):
    with scope(org=org_a):
        Membership.objects.filter(user=bob).update(role=Membership.Role.ADMIN)
    response = client_for(bob).post(url(org_a), {"name": "x", "role": "owner"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "role_above_your_own"
    assert mint(client_for(bob), org_a, role="admin")["role"] == "admin"
    assert mint(client_for(alice), org_a, role="owner")["role"] == "owner"


def test_a_member_may_not_see_or_manage_tokens(org_a, alice, bob):
    token = mint(client_for(alice), org_a)
    api = client_for(bob)
    for response in [
        api.get(url(org_a)),
        api.post(url(org_a), {"name": "mine", "role": "member"}, format="json"),
        api.delete(url(org_a, token["id"])),
    ]:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"
    with scope(org=org_a):
        assert ApiToken.objects.get().revoked_at is None


def test_a_low_role_token_may_not_manage_tokens(org_a, alice):
    viewer = client_for(api_token=mint(client_for(alice), org_a, role="viewer")["token"])
    assert viewer.get(url(org_a)).status_code == 403
    assert (
        viewer.post(url(org_a), {"name": "x", "role": "viewer"}, format="json").status_code == 403
    )


def test_another_organization_sees_nothing(org_a, org_b, alice, charlie):
    token = mint(client_for(alice), org_a)
    api = client_for(charlie)
    assert api.get(url(org_a)).status_code == 404
    assert api.post(url(org_a), {"name": "x", "role": "viewer"}, format="json").status_code == 404
    assert api.delete(url(org_a, token["id"])).status_code == 404
    assert api.delete(url(org_b, token["id"])).status_code == 404
    assert api.get(url(org_b)).json()["count"] == 0
    with scope(org=org_a):
        assert ApiToken.objects.get().revoked_at is None
        assert ApiToken.objects.count() == 1
    assert [r["action"] for r in audit_rows(org_a)] == ["api_token.create"]
    assert audit_rows(org_b) == []


def test_a_token_works_only_in_its_own_organization(org_a, org_b, alice, charlie):
    secret = mint(client_for(alice), org_a, role="owner")["token"]
    b_token = mint(client_for(charlie), org_b)
    robot = client_for(api_token=secret)
    assert robot.get(url(org_b)).status_code == 404
    assert robot.get(f"/api/v1/orgs/{org_b.slug}/projects").status_code == 404
    assert robot.delete(url(org_b, b_token["id"])).status_code == 404
    assert robot.delete(url(org_a, b_token["id"])).status_code == 404
    with scopes_disabled():
        assert ApiToken.objects.get(id=b_token["id"]).revoked_at is None


def test_an_api_token_is_no_person(org_a, alice):
    robot = client_for(api_token=mint(client_for(alice), org_a)["token"])
    assert robot.get("/api/v1/auth/me").status_code == 401
    body = {"old_password": "x", "new_password": "y"}
    assert robot.post("/api/v1/auth/password/change", body, format="json").status_code == 401


def test_a_made_up_token_is_refused(org_a):
    robot = client_for(api_token="cot_" + "A" * 43)
    response = robot.get(url(org_a))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_anonymous_callers_get_401(org_a):
    assert client_for().get(url(org_a)).status_code == 401
    assert client_for().post(url(org_a), {"name": "x", "role": "viewer"}).status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [({"name": "", "role": "admin"}, "name"), ({"name": "x", "role": "god"}, "role"), ({}, "name")],
)
def test_bad_input_is_a_400_with_field_errors(org_a, alice, body, field):
    response = client_for(alice).post(url(org_a), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]


def test_an_unknown_token_id_is_a_404(org_a, alice):
    api = client_for(alice)
    assert api.delete(url(org_a, "00000000-0000-0000-0000-000000000000")).status_code == 404
    assert api.delete(f"{url(org_a)}/not-a-uuid").status_code == 404
