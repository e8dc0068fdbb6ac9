"""An organization's sign-in policy: SSO only, two-factor for admins, auto-join."""

import pytest
from django_scopes import scope
from rest_framework.test import APIClient

from tenants.models import Membership
from tests.fixtures.world import client_for
from users.tests.test_sign_in_providers import AUTH, callback, sign_in_with_corp, start
from users.tests.test_two_factor import turn_on

pytestmark = pytest.mark.sqlite

POLICY = "/api/v1/orgs/org-a/sign-in-policy"


def set_policy(user, **policy):
    return client_for(user).patch(POLICY, policy, format="json")


def password_login(user, password: str):
    return APIClient().post(
        f"{AUTH}/login", {"email": user.email, "password": password}, format="json"
    )


def with_password(user, password: str = "a fine long passphrase 9"):
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def test_the_policy_is_off_by_default_and_owners_change_it(db, org_a, alice, bob, providers):
    assert client_for(alice).get(POLICY).json() == {
        "require_two_factor": False,
        "sign_in_provider": "",
        "sso_only": False,
        "sign_in_domains": [],
        "auto_join": False,
    }
    answer = set_policy(
        alice, sign_in_provider="corp", sign_in_domains=["Corp.Example", "corp.example"]
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["sign_in_domains"] == ["corp.example"]
    assert set_policy(bob, sso_only=False).status_code == 403
    assert set_policy(alice, sign_in_domains=["not a domain"]).status_code == 400


def test_another_organization_cannot_see_or_set_it(db, org_a, org_b, charlie):
    assert client_for(charlie).get(POLICY).status_code == 404
    assert set_policy(charlie, sso_only=True).status_code == 404


def test_sso_only_needs_a_provider_offered_here(db, org_a, alice, providers):
    refused = set_policy(alice, sso_only=True)
    assert refused.status_code == 400
    assert "sign_in_provider" in refused.json()["error"]["details"]["fields"]
    unknown = set_policy(alice, sign_in_provider="okta")
    assert unknown.status_code == 400


def test_members_of_an_sso_only_organization_cannot_use_their_password(
    db, org_a, alice, bob, providers, dana
):
    assert set_policy(alice, sign_in_provider="corp", sso_only=True).status_code == 200
    password = with_password(bob)
    refused = password_login(bob, password)
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "sso_required"
    assert error["details"] == {"organization": "org-a", "provider": "corp"}
    assert "Org A" in error["message"]
    # People outside the organization are not affected.
    assert password_login(dana, "correct horse battery staple").status_code == 200


def test_members_of_an_sso_only_organization_cannot_use_another_provider(
    db, org_a, alice, bob, providers, oidc, github
):
    from users.models import ExternalIdentity

    assert set_policy(alice, sign_in_provider="corp", sso_only=True).status_code == 200
    ExternalIdentity.objects.create(user=bob, provider="corp", subject="bob-at-corp")
    ExternalIdentity.objects.create(user=bob, provider="github", subject="42")
    oidc.person("bob-at-corp", email=bob.email, email_verified=True)
    assert sign_in_with_corp(oidc, APIClient(), "bob-at-corp").status_code == 200

    github.accounts["bob"] = (
        {"id": 42, "login": "bob"},
        [{"email": bob.email, "primary": True, "verified": True}],
    )
    browser = APIClient()
    code, state = github.approve(start(browser, "github"), "bob")
    refused = callback(browser, "github", code, state)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "sso_required"


def test_admins_without_two_factor_are_told_to_turn_it_on(db, org_a, alice, bob):
    assert set_policy(alice, require_two_factor=True).status_code == 200
    refused = client_for(alice).get("/api/v1/orgs/org-a/api-tokens")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "two_factor_required_by_organization"
    assert "two-factor" in error["message"]
    # Reading the organization still works, and so does a member's work.
    assert client_for(alice).get("/api/v1/orgs/org-a").status_code == 200
    assert client_for(bob).get("/api/v1/orgs/org-a/licenses").status_code == 200
    assert client_for(alice).get(f"{AUTH}/two-factor").json()["required_by"] == ["org-a"]

    turn_on(alice)
    assert client_for(alice).get("/api/v1/orgs/org-a/api-tokens").status_code == 200


def test_the_organizations_own_provider_satisfies_its_two_factor_rule(
    db, org_a, alice, providers, oidc
):
    from users.models import ExternalIdentity

    set_policy(alice, require_two_factor=True, sign_in_provider="corp")
    assert client_for(alice).get("/api/v1/orgs/org-a/api-tokens").status_code == 403
    ExternalIdentity.objects.create(user=alice, provider="corp", subject="alice-at-corp")
    assert client_for(alice).get("/api/v1/orgs/org-a/api-tokens").status_code == 200


def test_new_people_of_the_domain_join_when_auto_join_is_on(db, org_a, alice, providers, oidc):
    set_policy(alice, sign_in_provider="corp", sign_in_domains=["corp.example"], auto_join=True)
    oidc.person("aj-1", email="newbie@corp.example", email_verified=True)
    oidc.person("aj-2", email="outsider@elsewhere.example", email_verified=True)
    joined = sign_in_with_corp(oidc, APIClient(), "aj-1").json()["user"]
    assert [(m["org"]["slug"], m["role"]) for m in joined["memberships"]] == [("org-a", "member")]
    outsider = sign_in_with_corp(oidc, APIClient(), "aj-2").json()["user"]
    assert outsider["memberships"] == []


def test_auto_join_is_off_by_default(db, org_a, alice, providers, oidc):
    set_policy(alice, sign_in_provider="corp", sign_in_domains=["corp.example"])
    oidc.person("aj-3", email="quiet@corp.example", email_verified=True)
    assert sign_in_with_corp(oidc, APIClient(), "aj-3").json()["user"]["memberships"] == []
    with scope(org=org_a):
        assert Membership.objects.count() == 2
