"""Sign-in with an OpenID Connect provider and GitHub ends in our own token pair."""

from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from users.models import ExternalIdentity, User

pytestmark = pytest.mark.sqlite

AUTH = "/api/v1/auth"


def start(browser: APIClient, provider: str, **body) -> str:
    answer = browser.post(f"{AUTH}/providers/{provider}/start", body, format="json")
    assert answer.status_code == 200, answer.json()
    return answer.json()["authorization_url"]


def callback(browser: APIClient, provider: str, code: str, state: str):
    return browser.post(
        f"{AUTH}/providers/{provider}/callback", {"code": code, "state": state}, format="json"
    )


def sign_in_with_corp(oidc, browser: APIClient, sub: str):
    code, state = oidc.approve(start(browser, "corp"), sub)
    return callback(browser, "corp", code, state)


def test_no_provider_is_offered_without_credentials(db, settings):
    settings.SIGN_IN_PROVIDERS = []
    answer = APIClient().get(f"{AUTH}/providers")
    assert answer.status_code == 200
    assert answer.json() == {"providers": [], "id_token_exchange": False}
    refused = APIClient().post(f"{AUTH}/providers/google/start", {}, format="json")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "unknown_provider"


def test_configured_providers_are_offered_by_id_and_name_only(db, providers):
    answer = APIClient().get(f"{AUTH}/providers")
    assert answer.json()["providers"] == [
        {"id": "corp", "name": "Corp SSO"},
        {"id": "github", "name": "GitHub"},
    ]
    assert "secret" not in answer.content.decode()


def test_the_authorization_request_carries_pkce_state_and_nonce(db, providers, oidc, settings):
    query = parse_qs(urlsplit(start(APIClient(), "corp")).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == [f"{settings.PUBLIC_URL}/sign-in/callback/corp"]
    assert query["client_id"] == ["coditect-dashboard"]


def test_a_new_person_signs_in_and_gets_the_password_logins_token_pair(db, providers, oidc):
    oidc.person("new-1", email="Erin@Corp.example", email_verified=True, name="Erin")
    browser = APIClient()
    answer = sign_in_with_corp(oidc, browser, "new-1")
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["user"]["email"] == "erin@corp.example"
    assert body["user"]["name"] == "Erin"

    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.get(f"{AUTH}/me").json()["email"] == "erin@corp.example"
    refreshed = APIClient().post(f"{AUTH}/refresh", {"refresh": body["refresh"]}, format="json")
    assert refreshed.status_code == 200

    user = User.objects.get(email="erin@corp.example")
    assert not user.has_usable_password()
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject) == ("corp", "new-1")


def test_the_same_provider_account_signs_the_same_person_in_again(db, providers, oidc):
    oidc.person("again-1", email="fay@corp.example", email_verified=True)
    first = sign_in_with_corp(oidc, APIClient(), "again-1").json()["user"]["id"]
    # Even with another address at the provider now: the account, not the email, counts.
    oidc.person("again-1", email="fay.new@corp.example", email_verified=True)
    second = sign_in_with_corp(oidc, APIClient(), "again-1")
    assert second.status_code == 200
    assert second.json()["user"]["id"] == first
    assert User.objects.count() == 1
    assert ExternalIdentity.objects.get().email == "fay.new@corp.example"


def test_a_person_signs_in_with_github(db, providers, github):
    github.accounts["octocat"] = (
        {"id": 583231, "login": "octocat", "name": "The Octocat"},
        [
            {"email": "octo@old.example", "primary": False, "verified": True},
            {"email": "Octo@GitHub.example", "primary": True, "verified": True},
        ],
    )
    browser = APIClient()
    url = start(browser, "github")
    assert parse_qs(urlsplit(url).query)["code_challenge_method"] == ["S256"]
    code, state = github.approve(url, "octocat")
    answer = callback(browser, "github", code, state)
    assert answer.status_code == 200, answer.json()
    assert answer.json()["user"]["email"] == "octo@github.example"
    identity = ExternalIdentity.objects.get()
    assert (identity.provider, identity.subject) == ("github", "583231")


def test_a_disabled_person_cannot_sign_in_with_a_provider(db, providers, oidc):
    oidc.person("gone-1", email="gus@corp.example", email_verified=True)
    assert sign_in_with_corp(oidc, APIClient(), "gone-1").status_code == 200
    User.objects.filter(email="gus@corp.example").update(is_active=False)
    refused = sign_in_with_corp(oidc, APIClient(), "gone-1")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "account_disabled"
