"""Sign-in providers: who they are, and the protocol spoken with them (Authlib).

A provider is an entry of ``settings.SIGN_IN_PROVIDERS`` (settings.py builds them
from the environment; only providers with credentials exist). Authlib speaks the
protocol: the authorization-code flow with PKCE (S256), ``state`` kept in the
Django session of the browser that started the flow, and for OpenID Connect a
``nonce`` and the ID token checked against the issuer's JWKS (signature, ``iss``,
``aud``, ``exp``, ``iat``, ``nonce``). Nothing here touches our database: the
result is a ``ProviderAccount`` that ``users.identities`` turns into a sign-in.
"""

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from authlib.integrations.django_client.apps import DjangoOAuth2App
from django.conf import settings
from joserfc.errors import JoseError

from core.errors import DomainError

logger = logging.getLogger(__name__)

KIND_OIDC = "oidc"
KIND_GITHUB = "github"


class UnknownProvider(DomainError):
    code = "unknown_provider"
    message = "No sign-in provider with this id is configured."


class InvalidState(DomainError):
    code = "invalid_state"
    message = (
        "The sign-in did not start in this browser, was finished already or is too old "
        "(state missing or unknown); start again."
    )


class ProviderRefused(DomainError):
    code = "provider_refused"
    message = "The provider refused the authorization code (used already, expired or forged)."


class InvalidIdToken(DomainError):
    code = "invalid_id_token"
    message = "The ID token is not valid."


class ProviderUnavailable(DomainError):
    code = "provider_unavailable"
    message = "The sign-in provider could not be reached or gave an answer we cannot use."


class NoEmail(DomainError):
    code = "provider_gave_no_email"
    message = "The provider did not tell us an email address for this account."


@dataclass(frozen=True)
class ProviderAccount:
    """Who the provider says signed in. ``subject`` is its stable account id."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    kind: str
    client: DjangoOAuth2App
    issuer: str = ""


def _register(oauth: OAuth, config: dict[str, str]) -> Provider:
    common = {
        "name": config["id"],
        "client_id": config["client_id"],
        "client_secret": config["client_secret"],
    }
    session = {
        "code_challenge_method": "S256",
        "default_timeout": settings.SIGN_IN_PROVIDER_TIMEOUT,
    }
    if config["kind"] == KIND_GITHUB:
        client = oauth.register(
            **common,
            authorize_url=f"{config['url']}/login/oauth/authorize",
            access_token_url=f"{config['url']}/login/oauth/access_token",
            api_base_url=f"{config['api_url']}/",
            client_kwargs={**session, "scope": "read:user user:email"},
        )
        return Provider(id=config["id"], name=config["name"], kind=KIND_GITHUB, client=client)
    client = oauth.register(
        **common,
        server_metadata_url=f"{config['issuer']}/.well-known/openid-configuration",
        client_kwargs={**session, "scope": "openid email profile"},
    )
    return Provider(
        id=config["id"], name=config["name"], kind=KIND_OIDC, client=client, issuer=config["issuer"]
    )


@lru_cache(maxsize=4)
def _providers(configuration: str) -> dict[str, Provider]:
    """One Authlib client per provider, kept while the settings stay the same: each
    caches its provider's discovery document and keys."""
    oauth = OAuth()
    return {config["id"]: _register(oauth, config) for config in json.loads(configuration)}


def offered() -> list[Provider]:
    return list(_providers(json.dumps(settings.SIGN_IN_PROVIDERS, sort_keys=True)).values())


def provider_get(provider_id: str) -> Provider:
    found = _providers(json.dumps(settings.SIGN_IN_PROVIDERS, sort_keys=True)).get(provider_id)
    if found is None:
        raise UnknownProvider()
    return found


def redirect_uri(provider: Provider) -> str:
    """The dashboard page the provider sends the browser back to (registered there)."""
    return f"{settings.PUBLIC_URL}/sign-in/callback/{provider.id}"


def authorization_start(*, provider: Provider, session: Any, data: dict[str, Any]) -> str:
    """The provider's authorization URL; the flow's secrets (state, PKCE verifier,
    nonce) and ``data`` stay in the browser's server-side session."""
    try:
        started = provider.client.create_authorization_url(redirect_uri(provider))
    except (requests.RequestException, ValueError) as exc:
        logger.warning("sign-in provider %s unreachable: %s", provider.id, type(exc).__name__)
        raise ProviderUnavailable() from None
    provider.client.save_authorize_data(
        SimpleNamespace(session=session), redirect_uri=redirect_uri(provider), **started, **data
    )
    return started["url"]


def authorization_data(*, provider: Provider, session: Any, state: str) -> dict[str, Any]:
    """What ``authorization_start`` kept for this state; an unknown state is refused."""
    data = provider.client.framework.get_state_data(session, state) if state else None
    if not data:
        raise InvalidState()
    return data


def authorization_finish(
    *, provider: Provider, session: Any, code: str, state: str
) -> ProviderAccount:
    """Trade the code for tokens (the state is used up whatever happens) and say who
    signed in."""
    authorization_data(provider=provider, session=session, state=state)
    callback = SimpleNamespace(method="POST", POST={"code": code, "state": state}, session=session)
    try:
        token = provider.client.authorize_access_token(
            callback,
            claims_options={"iss": {"essential": True, "values": [provider.issuer]}},
            leeway=settings.ID_TOKEN_LEEWAY,
        )
        if provider.kind == KIND_GITHUB:
            return _github_account(provider, token)
        return _oidc_account(provider, token)
    except OAuthError as exc:
        # The error code is the provider's (invalid_grant…), never the code or a token.
        logger.info("sign-in provider %s refused the code: %s", provider.id, exc.error)
        raise ProviderRefused() from None
    except JoseError as exc:
        logger.info("sign-in provider %s: ID token refused: %s", provider.id, type(exc).__name__)
        reason = getattr(exc, "description", None) or exc.error
        raise InvalidIdToken(f"The provider's ID token is not valid: {reason}.") from None
    except (requests.RequestException, ValueError, KeyError) as exc:
        logger.warning("sign-in provider %s failed: %s", provider.id, type(exc).__name__)
        raise ProviderUnavailable() from None


def _verified(value: object) -> bool:
    # Some issuers send the claim as a string.
    return value is True or value == "true"


def _oidc_account(provider: Provider, token: dict[str, Any]) -> ProviderAccount:
    claims = token.get("userinfo")
    if claims is None:
        raise InvalidIdToken("The provider sent no ID token.")
    if not claims.get("email"):
        # Some issuers keep the email out of the ID token; the userinfo endpoint has it.
        info = provider.client.userinfo(token=token)
        if info.get("sub") != claims["sub"]:
            raise InvalidIdToken("The userinfo answer is about another account.")
        claims = {**info, **claims}
    if not claims.get("email"):
        raise NoEmail()
    return ProviderAccount(
        provider=provider.id,
        subject=str(claims["sub"]),
        email=claims["email"],
        email_verified=_verified(claims.get("email_verified")),
        name=claims.get("name") or "",
    )


def _github_account(provider: Provider, token: dict[str, Any]) -> ProviderAccount:
    """GitHub speaks OAuth 2.0 without ID tokens: the account from ``/user``, the
    address from ``/user/emails``, which alone says whether GitHub verified it."""
    user = provider.client.get("user", token=token)
    user.raise_for_status()
    emails = provider.client.get("user/emails", token=token)
    emails.raise_for_status()
    profile = user.json()
    addresses = emails.json()
    primary = next((e for e in addresses if e.get("primary")), None) or next(
        (e for e in addresses if e.get("verified")), None
    )
    if primary is None:
        raise NoEmail()
    return ProviderAccount(
        provider=provider.id,
        subject=str(profile["id"]),
        email=primary["email"],
        email_verified=primary.get("verified") is True,
        name=profile.get("name") or profile.get("login") or "",
    )
