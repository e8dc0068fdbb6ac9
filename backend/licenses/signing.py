"""License token signing: compact JWS (JWT) with EdDSA (Ed25519) or RS256/PS256 (RSA-4096).

The *root* private key comes from ``SIGNING_KEY`` / ``SIGNING_KEY_FILE`` (a
PEM), or in the embedded default from ``DATA_DIR/signing/<alg>.pem``,
generated on first use. Its public half is recorded as a ``SigningKey`` so the
JWKS keeps publishing it after a rotation for as long as a token it signed can
live.

Online keys (DESIGN §7): an RSA-4096 root signs about 235 times a second per
core, which would cap acquire throughput. With ``TOKEN_ONLINE_KEYS`` (on by
default for an RSA root) each API process makes a short-lived Ed25519 key in
memory, the root certifies it once, and tokens are signed by it. The online
key's JWK carries ``cert``: a JWT signed by the root whose ``sub`` is the
online key's ``kid`` and whose ``nbf``/``exp`` bound when it may sign. Stock
JWT libraries verify tokens from the JWKS alone; a strict client pins the root
key and checks the chain (see docs/tokens.md).
"""

import base64
import fcntl
import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from licenses.models import SigningKey

logger = logging.getLogger(__name__)

# Longest a token may live (the License.offline_grace ceiling): a retired key
# stays published this long.
MAX_TOKEN_LIFETIME = timedelta(days=30)
ONLINE_KEY_LIFETIME = timedelta(hours=24)
CLOCK_SKEW_SECONDS = 60
PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class Signer:
    kid: str
    algorithm: str
    private_key: PrivateKey

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims, self.private_key, algorithm=self.algorithm, headers={"kid": self.kid}
        )


def public_jwk(private_key: PrivateKey, algorithm: str) -> dict[str, Any]:
    public = private_key.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        jwk = OKPAlgorithm.to_jwk(public, as_dict=True)
    else:
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
    jwk["kid"] = jwk_thumbprint(jwk)
    jwk["alg"] = algorithm
    jwk["use"] = "sig"
    return jwk


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint: a stable key id derived from the public key alone."""
    required = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("e", "kty", "n")
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def generate_private_key(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


def _pem(private_key: PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _load_pem(data: bytes, algorithm: str) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SIGNING_KEY: not a readable PEM private key ({exc})") from None
    wants_ed = algorithm == "EdDSA"
    if wants_ed and not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ImproperlyConfigured(
            "SIGNING_KEY: TOKEN_SIGNING_ALGORITHM=EdDSA needs an Ed25519 key"
        )
    if not wants_ed and not isinstance(key, rsa.RSAPrivateKey):
        raise ImproperlyConfigured(f"SIGNING_KEY: {algorithm} needs an RSA key")
    return key


def _local_key(algorithm: str) -> PrivateKey:
    folder = settings.DATA_DIR / "signing"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{algorithm.lower()}.pem"
    # Several server processes may start at once: one generates, the others read.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            logger.info("generating a %s token signing key in %s", algorithm, path)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(_pem(generate_private_key(algorithm)))
        return _load_pem(path.read_bytes(), algorithm)


def register_signing_key(private_key: PrivateKey, algorithm: str) -> SigningKey:
    """Record the key as active; any other active key retires but stays published."""
    jwk = public_jwk(private_key, algorithm)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                key, _ = SigningKey.objects.get_or_create(
                    kid=jwk["kid"], defaults={"algorithm": algorithm, "public_jwk": jwk}
                )
        except IntegrityError:
            key = SigningKey.objects.get(kid=jwk["kid"])
        if key.state != SigningKey.State.ACTIVE:
            key.state, key.retired_at, key.verify_until = SigningKey.State.ACTIVE, None, None
            key.save(update_fields=["state", "retired_at", "verify_until"])
        # Root keys are the active ones without an end date; online keys end by themselves.
        SigningKey.objects.filter(state=SigningKey.State.ACTIVE, verify_until__isnull=True).exclude(
            kid=key.kid
        ).update(
            state=SigningKey.State.RETIRED, retired_at=now, verify_until=now + MAX_TOKEN_LIFETIME
        )
    return key


@cache
def root_signer() -> Signer:
    algorithm = settings.TOKEN_SIGNING_ALGORITHM
    if settings.SIGNING_KEY_PEM:
        private_key = _load_pem(settings.SIGNING_KEY_PEM.encode(), algorithm)
    else:
        private_key = _local_key(algorithm)
    key = register_signing_key(private_key, algorithm)
    return Signer(kid=key.kid, algorithm=algorithm, private_key=private_key)


@dataclass(frozen=True)
class OnlineKey:
    signer: Signer
    renew_after: datetime


_online_lock = threading.Lock()
_online: OnlineKey | None = None


def certify_online_key(root: Signer, private_key: ed25519.Ed25519PrivateKey) -> SigningKey:
    """Have the root sign a certificate for a new online key and publish both."""
    jwk = public_jwk(private_key, "EdDSA")
    now = timezone.now()
    not_after = now + ONLINE_KEY_LIFETIME
    jwk["cert"] = jwt.encode(
        {
            "iss": settings.TOKEN_ISSUER,
            "sub": jwk["kid"],
            "iat": int(now.timestamp()),
            # Tokens take iat from the seat store's clock: allow for skew with this process.
            "nbf": int(now.timestamp()) - CLOCK_SKEW_SECONDS,
            "exp": int(not_after.timestamp()),
        },
        root.private_key,
        algorithm=root.algorithm,
        headers={"kid": root.kid, "typ": "key-cert+jwt"},
    )
    return SigningKey.objects.create(
        kid=jwk["kid"],
        algorithm="EdDSA",
        public_jwk=jwk,
        verify_until=not_after + MAX_TOKEN_LIFETIME,
    )


def current_signer() -> Signer:
    """The key that signs tokens now: the root, or this process's certified online key."""
    root = root_signer()
    if not settings.TOKEN_ONLINE_KEYS:
        return root
    global _online
    online = _online
    if online is not None and timezone.now() < online.renew_after:
        return online.signer
    with _online_lock:
        if _online is None or timezone.now() >= _online.renew_after:
            private_key = ed25519.Ed25519PrivateKey.generate()
            record = certify_online_key(root, private_key)
            # Renewed well before the certificate ends, so no token outlives its signer's cert
            # by more than the token's own lifetime.
            renew_after = timezone.now() + ONLINE_KEY_LIFETIME - timedelta(hours=1)
            _online = OnlineKey(Signer(record.kid, "EdDSA", private_key), renew_after)
        return _online.signer


def reset_signers() -> None:
    """Forget cached keys (settings changed, e.g. in tests or after a key rotation)."""
    global _online
    root_signer.cache_clear()
    _online = None


def published_keys() -> list[dict[str, Any]]:
    """Every key that may still verify a live token: active, or retired but within reach."""
    current_signer()
    now = timezone.now()
    keys = SigningKey.objects.exclude(verify_until__lte=now).order_by("-created_at")
    return [key.public_jwk for key in keys]
