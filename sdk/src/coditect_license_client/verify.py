"""Offline verification of a license token against the server's JWKS.

The server's root key (a file, an HSM or Cloud KMS) certifies short-lived online
keys, and online keys sign tokens. The chain is checked here: token -> online key
(its certificate, from the token header's ``kcert`` or the JWKS entry's ``cert``)
-> a root from the JWKS, or from ``root_keys`` for a client that pins its roots.
A certificate carries the online key itself, so a token verifies with any JWKS
that holds its root, even one fetched before the online key existed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt

from .errors import LicenseExpired, TokenExpired, TokenInvalid
from .jwks import KeySource

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "RS256", "PS256", "ES256"})
CERT_TYPE = "key-cert+jwt"
_THUMBPRINT_MEMBERS = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint of a public JWK: the server's kids are these."""
    members = _THUMBPRINT_MEMBERS.get(jwk.get("kty", ""), ("e", "kty", "n"))
    try:
        canonical = json.dumps({k: jwk[k] for k in members}, separators=(",", ":"), sort_keys=True)
    except KeyError as exc:
        raise TokenInvalid(f"the key lacks {exc}") from None
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class _Certified:
    jwk: dict[str, Any]
    not_before: float
    not_after: float


def _certified_key(
    cert: str, kid: str | None, roots: KeySource, issuer: str | None, jwks_entry: Any
) -> _Certified:
    """Check an online key's certificate against a root; return the key it vouches for."""
    try:
        header = jwt.get_unverified_header(cert)
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid(f"the key certificate is not a valid JWS: {exc}") from exc
    alg = header.get("alg")
    if header.get("typ") != CERT_TYPE or alg not in ALLOWED_ALGORITHMS:
        raise TokenInvalid("the key certificate is not a key-cert+jwt of a known algorithm")
    root = roots.get_key(header.get("kid"))
    if "cert" in root:
        raise TokenInvalid("a key certificate must be signed by a root key, not an online key")
    try:
        claims = jwt.decode(
            cert,
            key=jwt.PyJWK(root, algorithm=alg),
            algorithms=[alg],
            issuer=issuer,
            options={
                "verify_exp": False,  # the token's iat is checked against nbf/exp below
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "require": ["sub", "nbf", "exp"],
            },
        )
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"key certificate rejected: {exc}") from exc
    if claims["sub"] != kid:
        raise TokenInvalid("the key certificate is for another key")
    public = claims.get("jwk") if isinstance(claims.get("jwk"), dict) else jwks_entry
    if not isinstance(public, dict) or jwk_thumbprint(public) != kid:
        raise TokenInvalid("the certified key does not match its kid")
    public = {k: v for k, v in public.items() if k != "cert"}
    return _Certified(public, float(claims["nbf"]), float(claims["exp"]))


@dataclass(frozen=True)
class TokenClaims:
    """The verified claims of a license token."""

    session_id: str
    license_id: str | None
    org: str | None
    hardware_id: str | None
    seats: int | None
    issued_at: float
    expires_at: float
    license_expires_at: float | None
    issuer: str | None
    kid: str | None
    algorithm: str
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry (the license's offline grace)."""
        return self.expires_at - self.issued_at

    def seconds_left(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)


def _number(claims: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenInvalid(f"claim {name!r} is missing or not a number")
    return float(value)


def _claims_from(claims: dict[str, Any], kid: str | None, alg: str) -> TokenClaims:
    issued_at = _number(claims, "iat", required=True)
    expires_at = _number(claims, "exp", required=True)
    assert issued_at is not None and expires_at is not None
    seats = claims.get("seats")
    return TokenClaims(
        session_id=str(claims["sub"]),
        license_id=claims.get("lic"),
        org=claims.get("org"),
        hardware_id=claims.get("hwid"),
        seats=seats if isinstance(seats, int) and not isinstance(seats, bool) else None,
        issued_at=issued_at,
        expires_at=expires_at,
        license_expires_at=_number(claims, "lic_exp", required=False),
        issuer=claims.get("iss"),
        kid=kid,
        algorithm=alg,
        raw=claims,
    )


def decode_unverified(token: str) -> TokenClaims:
    """The claims of ``token`` WITHOUT checking its signature (for display, or when
    verification is switched off)."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"not a valid JWS: {exc}") from exc
    if "sub" not in claims:
        raise TokenInvalid("token has no 'sub' claim")
    return _claims_from(claims, header.get("kid"), str(header.get("alg")))


def verify_token(
    token: str,
    keys: KeySource,
    *,
    hardware_id: str | None = None,
    issuer: str | None = None,
    leeway: float = 0.0,
    now: float | None = None,
    check_expiry: bool = True,
    root_keys: KeySource | None = None,
) -> TokenClaims:
    """Check the signature and validity of ``token``; return its claims.

    A token signed by an online key verifies only through a certificate from a root
    key: one of ``root_keys`` when given (a client that pins its roots), else one
    of ``keys``.

    Raises :class:`TokenInvalid` (malformed, unknown key, bad signature, wrong
    machine or issuer), :class:`TokenExpired` (past ``exp``: the offline grace
    is used up) or :class:`LicenseExpired` (past the license's own ``lic_exp``).
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid(f"not a valid JWS: {exc}") from exc
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise TokenInvalid(f"token algorithm {alg!r} is not accepted")
    kid = header.get("kid")
    roots = root_keys or keys
    certified: _Certified | None = None
    if isinstance(header.get("kcert"), str):
        # The token carries its key's certificate: only the root is looked up.
        certified = _certified_key(header["kcert"], kid, roots, issuer, None)
        jwk = certified.jwk
    else:
        jwk = keys.get_key(kid)
        if isinstance(jwk.get("cert"), str):
            certified = _certified_key(jwk["cert"], kid, roots, issuer, jwk)
            jwk = certified.jwk
        elif root_keys is not None:
            # A pinned client takes a key without a certificate only from its roots.
            jwk = root_keys.get_key(kid)
    if jwk.get("alg") not in (None, alg):
        raise TokenInvalid(f"key {kid!r} is for {jwk.get('alg')}, token says {alg}")
    try:
        key = jwt.PyJWK(jwk, algorithm=alg)
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[alg],
            issuer=issuer,
            options={
                "verify_exp": False,  # checked below, against an injectable clock
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
                "require": ["exp", "iat", "sub"],
            },
        )
    except jwt.PyJWTError as exc:
        raise TokenInvalid(f"token rejected: {exc}") from exc

    result = _claims_from(claims, kid, alg)
    if certified is not None and not (
        certified.not_before <= result.issued_at <= certified.not_after
    ):
        raise TokenInvalid("the token was issued outside its key's certificate")
    now = time.time() if now is None else now
    if check_expiry:
        if now > result.expires_at + leeway:
            raise TokenExpired(f"token expired {now - result.expires_at:.0f} s ago")
        lic_exp = result.license_expires_at
        if lic_exp is not None and now > lic_exp + leeway:
            raise LicenseExpired("the license has expired (token claim lic_exp)")
    if hardware_id is not None and result.hardware_id != hardware_id:
        raise TokenInvalid("token was issued to another machine (hwid mismatch)")
    return result
