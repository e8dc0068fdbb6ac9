"""Linking a provider account needs the person signed in; unlinking keeps a way in."""

import pytest
from rest_framework.test import APIClient

from tests.fixtures.world import client_for
from users.models import ExternalIdentity, User
from users.tests.conftest import PASSWORD
from users.tests.test_sign_in_providers import AUTH, callback, sign_in_with_corp, start

pytestmark = pytest.mark.sqlite


def signed_in_browser(email: str, password: str = PASSWORD) -> APIClient:
    """One browser (its session cookie) holding the person's bearer token."""
    browser = APIClient()
    answer = browser.post(f"{AUTH}/login", {"email": email, "password": password}, format="json")
    browser.credentials(HTTP_AUTHORIZATION=f"Bearer {answer.json()['access']}")
    return browser


def link(browser: APIClient, provider: str, code: str, state: str):
    body = {"provider": provider, "code": code, "state": state}
    return browser.post(f"{AUTH}/identities", body, format="json")


def test_a_signed_in_person_links_an_account_and_signs_in_with_it(db, providers, oidc, dana):
    oidc.person("dana-corp", email="dana@example.com", email_verified=True)
    browser = signed_in_browser(dana.email)
    code, state = oidc.approve(start(browser, "corp", intent="link"), "dana-corp")
    linked = link(browser, "corp", code, state)
    assert linked.status_code == 201, linked.json()
    assert linked.json()["provider"] == "corp"
    assert linked.json()["email"] == "dana@example.com"

    answer = sign_in_with_corp(oidc, APIClient(), "dana-corp")
    assert answer.status_code == 200
    assert answer.json()["user"]["id"] == str(dana.pk)
    listed = browser.get(f"{AUTH}/identities").json()
    assert [i["provider"] for i in listed] == ["corp"]


def test_an_account_with_another_address_can_be_linked_too(db, providers, github, dana):
    github.accounts["dana-gh"] = (
        {"id": 99, "login": "dana-gh"},
        [{"email": "dana@home.example", "primary": True, "verified": True}],
    )
    browser = signed_in_browser(dana.email)
    code, state = github.approve(start(browser, "github", intent="link"), "dana-gh")
    assert link(browser, "github", code, state).status_code == 201
    assert ExternalIdentity.objects.get().user == dana


def test_linking_needs_a_signed_in_person(db, providers):
    answer = APIClient().post(f"{AUTH}/providers/corp/start", {"intent": "link"}, format="json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"


def test_a_link_started_by_one_person_cannot_be_finished_by_another(
    db, providers, oidc, dana, alice
):
    oidc.person("dana-corp-2", email="dana@example.com", email_verified=True)
    browser = signed_in_browser(dana.email)
    code, state = oidc.approve(start(browser, "corp", intent="link"), "dana-corp-2")
    browser.credentials(**client_for(alice)._credentials)
    answer = link(browser, "corp", code, state)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_state"
    assert not ExternalIdentity.objects.exists()


def test_a_sign_in_flow_cannot_link_and_a_link_flow_cannot_sign_in(db, providers, oidc, dana):
    oidc.person("mixed", email="dana@example.com", email_verified=True)
    browser = signed_in_browser(dana.email)
    code, state = oidc.approve(start(browser, "corp"), "mixed")
    assert link(browser, "corp", code, state).json()["error"]["code"] == "invalid_state"
    code, state = oidc.approve(start(browser, "corp", intent="link"), "mixed")
    assert callback(browser, "corp", code, state).json()["error"]["code"] == "invalid_state"
    assert not ExternalIdentity.objects.exists()


def test_an_account_linked_to_someone_else_is_not_moved(db, providers, oidc, dana):
    oidc.person("owned", email="olga@corp.example", email_verified=True)
    assert sign_in_with_corp(oidc, APIClient(), "owned").status_code == 200
    browser = signed_in_browser(dana.email)
    code, state = oidc.approve(start(browser, "corp", intent="link"), "owned")
    answer = link(browser, "corp", code, state)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "identity_linked_elsewhere"
    assert ExternalIdentity.objects.get().user.email == "olga@corp.example"


def test_an_identity_is_removed_while_a_password_remains(db, providers, oidc, dana):
    oidc.person("rm-1", email="dana@example.com", email_verified=True)
    browser = signed_in_browser(dana.email)
    code, state = oidc.approve(start(browser, "corp", intent="link"), "rm-1")
    identity = link(browser, "corp", code, state).json()["id"]
    assert browser.delete(f"{AUTH}/identities/{identity}").status_code == 204
    assert not ExternalIdentity.objects.exists()


def test_the_last_way_in_is_not_removed(db, providers, oidc, github):
    oidc.person("only-1", email="pat@corp.example", email_verified=True)
    body = sign_in_with_corp(oidc, APIClient(), "only-1").json()
    browser = APIClient()
    browser.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    only = browser.get(f"{AUTH}/identities").json()[0]["id"]
    answer = browser.delete(f"{AUTH}/identities/{only}")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "last_sign_in_method"

    github.accounts["pat"] = (
        {"id": 5, "login": "pat"},
        [{"email": "pat@corp.example", "primary": True, "verified": True}],
    )
    code, state = github.approve(start(browser, "github", intent="link"), "pat")
    assert link(browser, "github", code, state).status_code == 201
    assert browser.delete(f"{AUTH}/identities/{only}").status_code == 204
    assert list(User.objects.get().identities.values_list("provider", flat=True)) == ["github"]


def test_another_persons_identity_is_not_found(db, providers, oidc, dana):
    oidc.person("theirs", email="quinn@corp.example", email_verified=True)
    sign_in_with_corp(oidc, APIClient(), "theirs")
    theirs = ExternalIdentity.objects.get().pk
    answer = signed_in_browser(dana.email).delete(f"{AUTH}/identities/{theirs}")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert ExternalIdentity.objects.filter(pk=theirs).exists()
