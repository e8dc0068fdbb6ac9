"""ID tokens from a configured issuer, traded for a sign-in (POST /auth/id-token).

For clients that signed in already through the issuer's own SDK (Google Identity
Platform's is ``https://securetoken.google.com/<project>``). PyJWT verifies the
token against the issuer's published keys (``PyJWKClient``, which caches them):
signature with an asymmetric algorithm only (never ``none`` nor an HMAC keyed with
a public key), ``iss``, ``aud``, ``exp``, ``iat`` and, when the client sent one,
``nonce``.
"""

import hmac
import logging
from functools import lru_cache

import jwt
from django.conf import settings

from users.providers import InvalidIdToken, ProviderAccount, UnknownProvider

logger = logging.getLogger(__name__)

PROVIDER_ID = "id-token"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


@lru_cache(maxsize=4)
def _keys(jwks_url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(jwks_url, cache_keys=True, timeout=settings.SIGN_IN_PROVIDER_TIMEOUT)


def _signing_key(id_token: str) -> jwt.PyJWK:
    """The issuer's key the token names; an issuer with one key may name none."""
    keys = _keys(settings.ID_TOKEN_JWKS_URL)
    kid = jwt.get_unverified_header(id_token).get("kid")
    if kid:
        return keys.get_signing_key(kid)
    published = keys.get_signing_keys()
    if len(published) != 1:
        raise jwt.InvalidTokenError("the token names no key (kid) and the issuer has several")
    return published[0]


def id_token_exchange_enabled() -> bool:
    return bool(settings.ID_TOKEN_ISSUER)


def id_token_account(*, id_token: str, nonce: str = "") -> ProviderAccount:
    """Who the ID token says signed in, once every check passed."""
    if not id_token_exchange_enabled():
        raise UnknownProvider("No ID-token issuer is configured.")
    try:
        key = _signing_key(id_token)
        claims = jwt.decode(
            id_token,
            key.key,
            algorithms=ALGORITHMS,
            audience=settings.ID_TOKEN_AUDIENCE,
            issuer=settings.ID_TOKEN_ISSUER,
            leeway=settings.ID_TOKEN_LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientConnectionError:
        logger.warning("ID-token issuer keys unreachable")
        raise InvalidIdToken("The issuer's keys could not be fetched; try again.") from None
    except jwt.PyJWTError as exc:
        # The reason only: the token itself stays out of the log.
        logger.info("ID token refused: %s", type(exc).__name__)
        raise InvalidIdToken(f"The ID token is not valid: {exc}") from None
    if nonce and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise InvalidIdToken("The ID token is not valid: the nonce is not the one sent.")
    return ProviderAccount(
        provider=PROVIDER_ID,
        subject=str(claims["sub"]),
        email=claims.get("email") or "",
        email_verified=claims.get("email_verified") is True,
        name=claims.get("name") or "",
    )
