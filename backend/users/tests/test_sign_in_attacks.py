"""Every way of forging or replaying a sign-in with a provider is refused with a clear
JSON error, and nothing secret reaches the log."""

import base64
import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rest_framework.test import APIClient

from users.models import ExternalIdentity, User
from users.tests.conftest import PASSWORD
from users.tests.sign_in_support import CLIENT_SECRET, oidc_provider
from users.tests.test_sign_in_providers import AUTH, callback, sign_in_with_corp, start

pytestmark = pytest.mark.sqlite


def refused(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code and error["message"]
    assert "access" not in answer.json()


# The authorization-code flow ---------------------------------------------------------


def test_a_callback_without_state_is_refused(db, providers, oidc):
    oidc.person("st-1", email="st1@corp.example", email_verified=True)
    browser = APIClient()
    code, _ = oidc.approve(start(browser, "corp"), "st-1")
    refused(callback(browser, "corp", code, ""), 400, "validation_error")
    no_state = browser.post(f"{AUTH}/providers/corp/callback", {"code": code}, format="json")
    refused(no_state, 400, "validation_error")
    assert not User.objects.exists()


def test_a_callback_with_a_wrong_state_is_refused(db, providers, oidc):
    oidc.person("st-2", email="st2@corp.example", email_verified=True)
    browser = APIClient()
    code, state = oidc.approve(start(browser, "corp"), "st-2")
    refused(callback(browser, "corp", code, state[:-2] + "xx"), 400, "invalid_state")
    assert not User.objects.exists()


def test_a_flow_started_in_another_browser_is_refused(db, providers, oidc):
    """Login CSRF: the attacker's own code and state, pushed into the victim's browser."""
    oidc.person("attacker", email="mallory@corp.example", email_verified=True)
    code, state = oidc.approve(start(APIClient(), "corp"), "attacker")
    refused(callback(APIClient(), "corp", code, state), 400, "invalid_state")


def test_a_state_of_another_provider_is_refused(db, providers, oidc):
    oidc.person("st-3", email="st3@corp.example", email_verified=True)
    browser = APIClient()
    code, state = oidc.approve(start(browser, "corp"), "st-3")
    refused(callback(browser, "github", code, state), 400, "invalid_state")


def test_a_replayed_code_is_refused(db, providers, oidc):
    oidc.person("rp-1", email="rp1@corp.example", email_verified=True)
    browser = APIClient()
    code, state = oidc.approve(start(browser, "corp"), "rp-1")
    assert callback(browser, "corp", code, state).status_code == 200
    # The state is used up with the first answer...
    refused(callback(browser, "corp", code, state), 400, "invalid_state")
    # ...and under a fresh state of the same browser the provider refuses the used code.
    fresh = parse_qs(urlsplit(start(browser, "corp")).query)["state"][0]
    refused(callback(browser, "corp", code, fresh), 400, "provider_refused")


def test_an_id_token_with_another_nonce_is_refused(db, providers, oidc):
    """An authorization request whose nonce was swapped (an injected ID token)."""
    oidc.person("nonce-1", email="nonce1@corp.example", email_verified=True)
    browser = APIClient()
    url = urlsplit(start(browser, "corp"))
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    query["nonce"] = "the-attackers-nonce"
    code, state = oidc.approve(urlunsplit(url._replace(query=urlencode(query))), "nonce-1")
    answer = callback(browser, "corp", code, state)
    refused(answer, 401, "invalid_id_token")
    assert "nonce" in answer.json()["error"]["message"].lower()
    assert not User.objects.exists()


def test_an_unverified_email_never_signs_into_the_existing_person(db, providers, oidc, dana):
    oidc.person("fake-dana", email="Dana@example.com", email_verified=False)
    refused(sign_in_with_corp(oidc, APIClient(), "fake-dana"), 403, "email_not_verified")
    assert not ExternalIdentity.objects.exists()
    assert User.objects.count() == 1


def test_a_verified_email_of_an_existing_person_is_not_linked_by_signing_in(
    db, providers, oidc, dana
):
    oidc.person("dana-at-corp", email="dana@example.com", email_verified=True)
    refused(sign_in_with_corp(oidc, APIClient(), "dana-at-corp"), 409, "account_exists")
    assert not ExternalIdentity.objects.exists()


def test_an_unverified_email_creates_nobody(db, providers, oidc):
    oidc.person("unverified", email="nobody@corp.example")
    refused(sign_in_with_corp(oidc, APIClient(), "unverified"), 403, "email_not_verified")
    assert not User.objects.exists()


def test_a_github_address_github_has_not_verified_signs_nobody_in(db, providers, github, dana):
    github.accounts["fakedana"] = (
        {"id": 7, "login": "fakedana"},
        [{"email": "dana@example.com", "primary": True, "verified": False}],
    )
    browser = APIClient()
    code, state = github.approve(start(browser, "github"), "fakedana")
    refused(callback(browser, "github", code, state), 403, "email_not_verified")
    assert not ExternalIdentity.objects.exists()


def test_a_github_code_is_worth_nothing_without_our_pkce_verifier(db, providers, github):
    github.accounts["octo"] = ({"id": 8, "login": "octo"}, [])
    browser = APIClient()
    code, _ = github.approve(start(browser, "github"), "octo")
    state = parse_qs(urlsplit(start(browser, "github")).query)["state"][0]
    refused(callback(browser, "github", code, state), 400, "provider_refused")


def test_an_unreachable_provider_is_a_clear_502(db, settings):
    settings.SIGN_IN_PROVIDERS = [
        {
            "id": "down",
            "name": "Down",
            "kind": "oidc",
            "issuer": "http://127.0.0.1:9",
            "client_id": "x",
            "client_secret": "y",
        }
    ]
    refused(
        APIClient().post(f"{AUTH}/providers/down/start", {}, format="json"),
        502,
        "provider_unavailable",
    )


# The ID-token exchange (Identity Platform) -------------------------------------------


@pytest.fixture
def exchange(settings, oidc):
    settings.ID_TOKEN_ISSUER = oidc.issuer
    settings.ID_TOKEN_AUDIENCE = "coditect-project"
    settings.ID_TOKEN_JWKS_URL = f"{oidc.issuer}/jwks"
    return oidc


def trade(id_token: str, **extra):
    return APIClient().post(f"{AUTH}/id-token", {"id_token": id_token, **extra}, format="json")


def _segments(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(header))),
        json.loads(base64.urlsafe_b64decode(pad(payload))),
    )


def _kid(header: dict) -> dict:
    return {"kid": header["kid"]} if "kid" in header else {}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_an_issuers_id_token_signs_a_person_in(db, exchange):
    exchange.person("ip-1", email="ivy@corp.example", email_verified=True, name="Ivy")
    answer = trade(exchange.id_token("ip-1", audience="coditect-project"))
    assert answer.status_code == 200, answer.json()
    assert answer.json()["user"]["email"] == "ivy@corp.example"
    assert {"access", "refresh"} <= answer.json().keys()
    assert APIClient().get(f"{AUTH}/providers").json()["id_token_exchange"] is True


def test_the_exchange_is_off_without_an_issuer(db, settings):
    settings.ID_TOKEN_ISSUER = ""
    refused(trade("a.b.c"), 404, "unknown_provider")


def test_an_id_token_for_another_audience_is_refused(db, exchange):
    exchange.person("ip-2", email="ip2@corp.example", email_verified=True)
    answer = trade(exchange.id_token("ip-2", audience="some-other-app"))
    refused(answer, 401, "invalid_id_token")
    assert "audience" in answer.json()["error"]["message"].lower()


def test_an_id_token_of_another_issuer_is_refused(db, exchange):
    exchange.person("ip-3", email="ip3@corp.example", email_verified=True)
    port = urlsplit(exchange.issuer).port
    token = exchange.id_token("ip-3", audience="coditect-project", via=f"http://127.0.0.1:{port}")
    assert _segments(token)[1]["iss"] != exchange.issuer
    answer = trade(token)
    refused(answer, 401, "invalid_id_token")
    assert "issuer" in answer.json()["error"]["message"].lower()


def test_an_expired_id_token_is_refused(db, settings):
    with oidc_provider(access_token_max_age=timedelta(seconds=1)) as short:
        settings.ID_TOKEN_ISSUER = short.issuer
        settings.ID_TOKEN_AUDIENCE = "coditect-project"
        settings.ID_TOKEN_JWKS_URL = f"{short.issuer}/jwks"
        settings.ID_TOKEN_LEEWAY = 0
        short.person("ip-4", email="ip4@corp.example", email_verified=True)
        token = short.id_token("ip-4", audience="coditect-project")
        import time

        time.sleep(2.1)
        answer = trade(token)
    refused(answer, 401, "invalid_id_token")
    assert "expired" in answer.json()["error"]["message"].lower()


def test_an_id_token_with_a_bad_signature_is_refused(db, exchange):
    exchange.person("ip-5", email="ip5@corp.example", email_verified=True)
    header, claims = _segments(exchange.id_token("ip-5", audience="coditect-project"))
    claims["sub"] = "someone-else"
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, impostor, algorithm="RS256", headers=_kid(header))
    refused(trade(forged), 401, "invalid_id_token")
    # The issuer's own signature over other claims is no better.
    real = exchange.id_token("ip-5", audience="coditect-project")
    head, _, signature = real.split(".")
    refused(trade(f"{head}.{_b64(claims)}.{signature}"), 401, "invalid_id_token")


def test_an_unsigned_id_token_is_refused(db, exchange):
    exchange.person("ip-6", email="ip6@corp.example", email_verified=True)
    header, claims = _segments(exchange.id_token("ip-6", audience="coditect-project"))
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', **_kid(header)})}.{_b64(claims)}."
    answer = trade(unsigned)
    refused(answer, 401, "invalid_id_token")
    assert "alg" in answer.json()["error"]["message"].lower()


def test_an_id_token_with_another_nonce_is_refused_by_the_exchange(db, exchange):
    exchange.person("ip-7", email="ip7@corp.example", email_verified=True)
    token = exchange.id_token("ip-7", audience="coditect-project", nonce="theirs")
    refused(trade(token, nonce="ours"), 401, "invalid_id_token")
    assert trade(token, nonce="theirs").status_code == 200


def test_the_exchange_never_links_an_unverified_email(db, exchange, dana):
    exchange.person("ip-8", email="dana@example.com", email_verified=False)
    refused(
        trade(exchange.id_token("ip-8", audience="coditect-project")), 403, "email_not_verified"
    )
    assert not ExternalIdentity.objects.exists()


# Logs ------------------------------------------------------------------------------


def test_no_code_state_token_or_client_secret_is_logged(db, providers, oidc, caplog, dana):
    caplog.set_level(logging.DEBUG)
    oidc.person("log-1", email="log1@corp.example", email_verified=True)
    oidc.person("log-2", email="dana@example.com", email_verified=False)
    browser = APIClient()
    secrets_seen = [CLIENT_SECRET, PASSWORD]

    url = start(browser, "corp")
    query = parse_qs(urlsplit(url).query)
    secrets_seen += [query["state"][0], query["nonce"][0], query["code_challenge"][0]]
    code, state = oidc.approve(url, "log-1")
    secrets_seen.append(code)
    body = callback(browser, "corp", code, state).json()
    secrets_seen += [body["access"], body["refresh"]]
    callback(browser, "corp", code, state)  # replayed

    code, state = oidc.approve(start(browser, "corp"), "log-2")
    secrets_seen.append(code)
    callback(browser, "corp", code, state)  # unverified email

    # The provider's own log (its server and the mock) is not ours.
    ours = [r for r in caplog.records if not r.name.startswith(("werkzeug", "oidc_provider"))]
    assert ours, "the refusals were logged"
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in ours)
    for secret in secrets_seen:
        assert secret not in logged
