import uuid

import pytest
from django_scopes import scope

from audit.models import AuditEvent
from tenants.models import Membership
from tenants.tests.helpers import audit_rows, roles_of
from tests.fixtures.world import client_for

LEAVE = "/api/v1/orgs/org-a/members/me"


def url(org, user=None) -> str:
    base = f"/api/v1/orgs/{org.slug}/members"
    return f"{base}/{user.id}" if user is not None else base


def set_role(org, user, role: str) -> None:
    with scope(org=org):
        Membership.objects.filter(user=user).update(role=role)


# GET members -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member", "admin", "owner"])
def test_every_member_lists_the_members(org_a, alice, bob, person, role):
    caller = person(role, email=f"{role}@a.example")
    response = client_for(caller).get(url(org_a))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    with scope(org=org_a):
        joined = {m.user_id: m.created_at for m in Membership.objects.all()}
    assert body["results"] == [
        {
            "user_id": str(user.id),
            "email": user.email,
            "name": user.name,
            "role": user_role,
            "joined": joined[user.id].isoformat().replace("+00:00", "Z"),
        }
        for user, user_role in [(alice, "owner"), (bob, "member"), (caller, role)]
    ]


def test_an_api_token_lists_the_members(org_a, api_token):
    response = client_for(api_token=api_token(org_a, "viewer")).get(url(org_a))
    assert response.status_code == 200
    assert {m["email"] for m in response.json()["results"]} == {"alice@a.example", "bob@a.example"}


# PATCH members/<user> ------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_viewers_and_members_cannot_change_roles(org_a, bob, person, role):
    response = client_for(person(role)).patch(url(org_a, bob), {"role": "admin"}, format="json")
    assert response.status_code == 403
    assert roles_of(org_a)["bob@a.example"] == "member"


def test_an_admin_changes_a_members_role_and_it_is_audited(org_a, bob, person):
    admin = person("admin")
    response = client_for(admin).patch(url(org_a, bob), {"role": "viewer"}, format="json")
    assert response.status_code == 200
    assert (response.json()["user_id"], response.json()["role"]) == (str(bob.id), "viewer")
    assert roles_of(org_a)["bob@a.example"] == "viewer"
    with scope(org=org_a):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "member.role_change",
        admin.id,
        "users.user",
        str(bob.id),
    )
    assert event.before == {"email": "bob@a.example", "role": "member"}
    assert event.after == {"email": "bob@a.example", "role": "viewer"}


def test_an_admin_may_not_grant_the_owner_role(org_a, bob, person):
    response = client_for(person("admin")).patch(url(org_a, bob), {"role": "owner"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert roles_of(org_a)["bob@a.example"] == "member"


def test_an_admin_may_not_demote_an_owner(org_a, alice, bob, person):
    set_role(org_a, bob, "owner")
    response = client_for(person("admin")).patch(
        url(org_a, alice), {"role": "admin"}, format="json"
    )
    assert response.status_code == 403
    assert roles_of(org_a)["alice@a.example"] == "owner"
    assert audit_rows(org_a) == []


def test_an_admin_may_not_make_themself_owner(org_a, person):
    admin = person("admin")
    response = client_for(admin).patch(url(org_a, admin), {"role": "owner"}, format="json")
    assert response.status_code == 403
    assert roles_of(org_a)[admin.email] == "admin"


def test_an_owner_grants_and_takes_the_owner_role(org_a, alice, bob):
    api = client_for(alice)
    assert api.patch(url(org_a, bob), {"role": "owner"}, format="json").status_code == 200
    assert roles_of(org_a)["bob@a.example"] == "owner"
    assert api.patch(url(org_a, bob), {"role": "admin"}, format="json").status_code == 200
    assert roles_of(org_a)["bob@a.example"] == "admin"
    assert [row[0] for row in audit_rows(org_a)] == ["member.role_change", "member.role_change"]


def test_the_last_owner_cannot_be_demoted(org_a, alice):
    response = client_for(alice).patch(url(org_a, alice), {"role": "admin"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "last_owner"
    assert roles_of(org_a)["alice@a.example"] == "owner"
    assert audit_rows(org_a) == []


def test_one_of_two_owners_may_step_down(org_a, alice, bob):
    set_role(org_a, bob, "owner")
    response = client_for(alice).patch(url(org_a, alice), {"role": "member"}, format="json")
    assert response.status_code == 200
    assert roles_of(org_a) == {"alice@a.example": "member", "bob@a.example": "owner"}
    # Now Bob is the last owner.
    response = client_for(bob).patch(url(org_a, bob), {"role": "admin"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "last_owner"


def test_setting_the_same_role_changes_and_records_nothing(org_a, alice, bob):
    response = client_for(alice).patch(url(org_a, bob), {"role": "member"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "member"
    assert audit_rows(org_a) == []


def test_an_unknown_role_is_a_400(org_a, alice, bob):
    response = client_for(alice).patch(url(org_a, bob), {"role": "god"}, format="json")
    assert response.status_code == 400
    assert "role" in response.json()["error"]["details"]["fields"]


def test_a_non_member_is_a_404(org_a, alice, charlie):
    api = client_for(alice)
    assert api.patch(url(org_a, charlie), {"role": "admin"}, format="json").status_code == 404
    assert api.delete(f"/api/v1/orgs/org-a/members/{uuid.uuid4()}").status_code == 404


def test_an_admin_api_token_changes_a_role_and_is_the_audited_actor(org_a, bob, api_token):
    raw = api_token(org_a, "admin", name="deploy bot")
    response = client_for(api_token=raw).patch(url(org_a, bob), {"role": "admin"}, format="json")
    assert response.status_code == 200
    with scope(org=org_a):
        event = AuditEvent.objects.select_related("actor_token").get()
    assert event.actor_id is None and event.actor_token.name == "deploy bot"


# DELETE members/<user> -----------------------------------------------------------


def test_an_admin_removes_a_member_and_it_is_audited(org_a, bob, person):
    admin = person("admin")
    assert client_for(admin).delete(url(org_a, bob)).status_code == 204
    assert "bob@a.example" not in roles_of(org_a)
    with scope(org=org_a):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "member.remove",
        admin.id,
        "users.user",
        str(bob.id),
    )
    assert event.before == {"email": "bob@a.example", "role": "member"}
    assert event.after == {"left": False}
    assert client_for(bob).get(f"/api/v1/orgs/{org_a.slug}").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_viewers_and_members_cannot_remove_others(org_a, bob, person, role):
    response = client_for(person(role)).delete(url(org_a, bob))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "bob@a.example" in roles_of(org_a)


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_any_member_may_leave(org_a, person, role):
    leaver = person(role)
    assert client_for(leaver).delete(LEAVE).status_code == 204
    assert leaver.email not in roles_of(org_a)
    with scope(org=org_a):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_id, event.after) == (
        "member.remove",
        leaver.id,
        str(leaver.id),
        {"left": True},
    )
    assert client_for(leaver).get("/api/v1/orgs/org-a").status_code == 404


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_leaving_is_through_members_me_not_the_admin_path(org_a, person, role):
    leaver = person(role)
    assert client_for(leaver).delete(url(org_a, leaver)).status_code == 403
    assert leaver.email in roles_of(org_a)


def test_an_admin_may_remove_themself_by_id(org_a, person):
    admin = person("admin")
    assert client_for(admin).delete(url(org_a, admin)).status_code == 204
    assert admin.email not in roles_of(org_a)


def test_an_api_token_cannot_leave(org_a, api_token):
    response = client_for(api_token=api_token(org_a, "owner")).delete(LEAVE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert roles_of(org_a) == {"alice@a.example": "owner", "bob@a.example": "member"}


def test_an_admin_may_not_remove_an_owner(org_a, alice, person):
    response = client_for(person("admin")).delete(url(org_a, alice))
    assert response.status_code == 403
    assert roles_of(org_a)["alice@a.example"] == "owner"


def test_an_owner_removes_another_owner(org_a, alice, bob):
    set_role(org_a, bob, "owner")
    assert client_for(alice).delete(url(org_a, bob)).status_code == 204
    assert roles_of(org_a) == {"alice@a.example": "owner"}


def test_the_last_owner_cannot_leave_or_be_removed(org_a, alice, api_token):
    for response in (client_for(alice).delete(LEAVE), client_for(alice).delete(url(org_a, alice))):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "last_owner"
    owner_token = client_for(api_token=api_token(org_a, "owner"))
    assert owner_token.delete(url(org_a, alice)).status_code == 409
    assert roles_of(org_a)["alice@a.example"] == "owner"
    assert audit_rows(org_a) == []


def test_one_of_two_owners_may_leave(org_a, alice, bob):
    set_role(org_a, bob, "owner")
    assert client_for(bob).delete(LEAVE).status_code == 204
    assert roles_of(org_a) == {"alice@a.example": "owner"}
