"""The signing root behind one interface: a key file, a PKCS#11 token or Cloud KMS.

The root's only jobs are to certify online keys (and, with ``TOKEN_ONLINE_KEYS``
off, to sign tokens) and to publish itself in the JWKS. Every backend answers
``kid``, ``algorithm``, ``public_jwk()`` and ``sign(data)``; a backend that cannot
reach its key raises ``RootUnavailable``, and the caller fails closed.
"""

import base64
import hashlib
import json
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class RootUnavailable(Exception):
    """The root key cannot sign now (token removed, PIN refused, KMS unreachable...)."""


class RootSigner(Protocol):
    backend: str
    # Where the key lives, in the backend's own words: a file path, a PKCS#11 key
    # label, a Cloud KMS key version name. Recorded so every process can open it.
    reference: str

    @property
    def algorithm(self) -> str: ...

    @property
    def kid(self) -> str: ...

    def public_jwk(self) -> dict[str, Any]: ...

    def sign(self, data: bytes) -> bytes:
        """The JWS signature of ``data`` for ``algorithm`` (raw r||s for ES256)."""
        ...


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint: a stable key id derived from the public key alone."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}.get(
        jwk["kty"], ("e", "kty", "n")
    )
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def jwk_of(public: PublicKey, algorithm: str) -> dict[str, Any]:
    if isinstance(public, ed25519.Ed25519PublicKey):
        jwk = OKPAlgorithm.to_jwk(public, as_dict=True)
    elif isinstance(public, ec.EllipticCurvePublicKey):
        jwk = ECAlgorithm.to_jwk(public, as_dict=True)
    else:
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    jwk["kid"] = jwk_thumbprint(jwk)
    jwk["alg"] = algorithm
    jwk["use"] = "sig"
    return jwk


def check_key_fits(public: PublicKey, algorithm: str, where: str) -> None:
    """Refuse a key whose type does not match the configured algorithm."""
    wanted = {
        "EdDSA": ed25519.Ed25519PublicKey,
        "RS256": rsa.RSAPublicKey,
        "PS256": rsa.RSAPublicKey,
        "ES256": ec.EllipticCurvePublicKey,
    }[algorithm]
    if not isinstance(public, wanted):
        kind = {"EdDSA": "an Ed25519", "ES256": "a P-256 EC"}.get(algorithm, "an RSA")
        raise ValueError(f"{where}: {algorithm} needs {kind} key")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact_jws(root: RootSigner, claims: dict[str, Any], headers: dict[str, Any]) -> str:
    """A compact JWS (RFC 7515) whose signature the root makes: the root may live in
    a token or a KMS, so PyJWT (which wants the private key) cannot sign here. Any
    stock library verifies the result."""
    header = {"alg": root.algorithm, "kid": root.kid, **headers}
    signing_input = (
        _b64(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64(json.dumps(claims, separators=(",", ":")).encode())
    )
    return signing_input + "." + _b64(root.sign(signing_input.encode()))
