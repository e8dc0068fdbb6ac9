"""The embedded default: the root is a PEM file (or the ``SIGNING_KEY`` setting)."""

import fcntl
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from licenses.signers.base import RootUnavailable, check_key_fits, jwk_of

logger = logging.getLogger(__name__)

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
# The reference of a root given as the SIGNING_KEY setting rather than as a file.
FROM_SETTINGS = "setting:SIGNING_KEY"


def generate_private_key(algorithm: str) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=4096)


def pem_of(private_key: PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_pem(data: bytes, algorithm: str) -> PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SIGNING_KEY: not a readable PEM private key ({exc})") from None
    try:
        check_key_fits(key.public_key(), algorithm, "SIGNING_KEY")  # type: ignore[arg-type]
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    return key  # type: ignore[return-value]


def write_new_key(path: Path, algorithm: str) -> None:
    """Create a key file once; several processes may race, one wins (O_EXCL)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return
        logger.info("generating a %s token signing key in %s", algorithm, path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem_of(generate_private_key(algorithm)))


def default_reference() -> str:
    if settings.SIGNING_KEY_PEM:
        return FROM_SETTINGS
    return str(settings.DATA_DIR / "signing" / f"{settings.TOKEN_SIGNING_ALGORITHM.lower()}.pem")


class FileRootSigner:
    backend = "file"

    def __init__(self, reference: str, algorithm: str) -> None:
        self.reference = reference
        self._algorithm = algorithm
        if reference == FROM_SETTINGS:
            self._key = load_pem(settings.SIGNING_KEY_PEM.encode(), algorithm)
        else:
            path = Path(reference)
            if not path.exists() and path.parent == settings.DATA_DIR / "signing":
                write_new_key(path, algorithm)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise RootUnavailable(f"the root key file cannot be read: {exc}") from None
            self._key = load_pem(data, algorithm)
        self._jwk = jwk_of(self._key.public_key(), algorithm)  # type: ignore[arg-type]

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def kid(self) -> str:
        return self._jwk["kid"]

    def public_jwk(self) -> dict[str, Any]:
        return dict(self._jwk)

    def sign(self, data: bytes) -> bytes:
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        if self._algorithm == "PS256":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            return key.sign(data, pss, hashes.SHA256())
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
