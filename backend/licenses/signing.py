"""License token signing: compact JWS (JWT) signed by a root or by online keys it certifies.

The *root* (DESIGN §7) lives where ``SIGNING_BACKEND`` says: a PEM file (``file``,
the embedded default: ``SIGNING_KEY``/``SIGNING_KEY_FILE`` or a key generated under
``DATA_DIR/signing``), a PKCS#11 token (``pkcs11``) or Cloud KMS (``gcp-kms``); each
backend is a ``licenses.signers`` module behind the ``RootSigner`` interface. Every
root is a ``SigningKey`` row (``role=root``): ``next`` (published, not certifying
yet), ``active`` (the one that certifies) or ``retired`` (published until every
token it vouched for has expired). ``licenses.services.signing_roots`` rotates them.

Online keys: an RSA-4096 root, let alone one in an HSM or a KMS, cannot sign on
acquire's hot path. With ``TOKEN_ONLINE_KEYS`` (on by default unless the root is a
local Ed25519 file) each API process makes a short-lived Ed25519 key in memory, the
root certifies it once, and tokens are signed by it. The certificate (a JWT the root
signs, ``typ: key-cert+jwt``) carries the online key's public JWK; it is published
as the online key's ``cert`` in the JWKS and travels in every token's header
(``kcert``), so a client verifies a token with nothing but a root from any JWKS it
holds (docs/tokens.md).

Failing closed: when the root cannot certify, a process keeps signing with its
online key while the key's certificate covers a token's issue time; after that
``current_signer`` raises and acquire answers ``503 signing_unavailable``. The root
is asked again at most every ``SIGNING_RETRY_SECONDS``, so recovery needs no restart.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from licenses.models import SigningKey
from licenses.signers.base import RootSigner, RootUnavailable, compact_jws, jwk_of, jwk_thumbprint
from licenses.signers.file import FileRootSigner, default_reference, generate_private_key

logger = logging.getLogger(__name__)

# Longest a token may live (the License.offline_grace ceiling): a retired key
# stays published this long after the last token it vouched for was issued.
MAX_TOKEN_LIFETIME = timedelta(days=30)
# Tokens take iat from the seat store's clock: a certificate starts this much earlier.
CLOCK_SKEW_SECONDS = 60

__all__ = [
    "MAX_TOKEN_LIFETIME",
    "RootUnavailable",
    "active_root",
    "current_signer",
    "generate_private_key",
    "jwk_thumbprint",
    "open_root",
    "published_keys",
    "reset_signers",
]


class TokenSigner(Protocol):
    kid: str

    def sign(self, claims: dict[str, Any]) -> str: ...


class SigningRefused(Exception):
    """This process has no key that may sign the token now."""


def open_root(backend: str, reference: str, algorithm: str) -> RootSigner:
    """The root signer of a backend; nothing is asked of the backend until it is used."""
    if backend == "file":
        return FileRootSigner(reference, algorithm)
    if backend == "pkcs11":
        from licenses.signers.pkcs11 import Pkcs11RootSigner

        return Pkcs11RootSigner(reference, algorithm)
    if backend == "gcp-kms":
        from licenses.signers.gcp_kms import GcpKmsRootSigner

        return GcpKmsRootSigner(reference)
    raise ImproperlyConfigured(f"SIGNING_BACKEND: unknown backend {backend!r}")


def configured_reference() -> str:
    backend = settings.TOKEN_ROOT_BACKEND
    if backend == "file":
        return default_reference()
    if backend == "pkcs11":
        if not settings.PKCS11_TOKEN_LABEL:
            raise ImproperlyConfigured("SIGNING_BACKEND=pkcs11 needs PKCS11_TOKEN_LABEL")
        return settings.PKCS11_KEY_LABEL
    if not settings.GCP_KMS_KEY_VERSION:
        raise ImproperlyConfigured("SIGNING_BACKEND=gcp-kms needs GCP_KMS_KEY_VERSION")
    return settings.GCP_KMS_KEY_VERSION


def record_root(root: RootSigner, state: str) -> SigningKey:
    """The root's row, created in ``state`` when it is new (publishing it)."""
    jwk = root.public_jwk()
    defaults = {
        "algorithm": root.algorithm,
        "public_jwk": jwk,
        "state": state,
        "role": SigningKey.Role.ROOT,
        "backend": root.backend,
        "reference": root.reference,
    }
    try:
        with transaction.atomic():
            key, _ = SigningKey.objects.get_or_create(kid=jwk["kid"], defaults=defaults)
    except IntegrityError:
        key = SigningKey.objects.get(kid=jwk["kid"])
    return key


def retirement_end(root_kid: str) -> Any:
    """When a root may leave the JWKS: after the last token it or its online keys signed."""
    now = timezone.now()
    online = SigningKey.objects.filter(certified_by=root_kid).aggregate(end=Max("verify_until"))
    ends = [now + MAX_TOKEN_LIFETIME]
    if online["end"] is not None:
        ends.append(online["end"])
    return max(ends)


@transaction.atomic
def make_root_active(kid: str) -> SigningKey:
    """Move certification to ``kid``; every other active root retires but stays published.

    The row locks serialize this with ``_certify``: once it commits, no retired root
    certifies again, so its end date covers every certificate it ever made.
    """
    roots = SigningKey.objects.select_for_update().filter(role=SigningKey.Role.ROOT)
    key = roots.get(kid=kid)
    now = timezone.now()
    for old in roots.filter(state=SigningKey.State.ACTIVE).exclude(kid=kid):
        old.state, old.retired_at = SigningKey.State.RETIRED, now
        old.verify_until = retirement_end(old.kid)
        old.save(update_fields=["state", "retired_at", "verify_until"])
    key.state, key.activated_at, key.retired_at, key.verify_until = (
        SigningKey.State.ACTIVE,
        now,
        None,
        None,
    )
    key.save(update_fields=["state", "activated_at", "retired_at", "verify_until"])
    return key


# The active root, as this process last read it ------------------------------------

_root_lock = threading.RLock()
_bootstrapped = False
_active_kid: str | None = None
_active_read_at = 0.0
_roots: dict[str, RootSigner] = {}


def _bootstrap() -> None:
    """Make the configured root active if the database has never seen it: a fresh
    install, or an operator who configured a new key (an immediate switch; the
    ``signing_root`` command rotates with a publication period instead)."""
    global _bootstrapped
    backend, reference = settings.TOKEN_ROOT_BACKEND, configured_reference()
    known = SigningKey.objects.filter(
        role=SigningKey.Role.ROOT, backend=backend, reference=reference
    ).exists()
    if known and backend != "file":
        # Already on record: after a rotation the configured (first) root may be
        # retired and its key disabled, so it is not asked for anything.
        _bootstrapped = True
        return
    configured = open_root(backend, reference, settings.TOKEN_SIGNING_ALGORITHM)
    kid = configured.kid
    _roots[kid] = configured
    if not SigningKey.objects.filter(kid=kid).exists():
        had_root = SigningKey.objects.filter(
            role=SigningKey.Role.ROOT, state=SigningKey.State.ACTIVE
        ).exists()
        record_root(configured, SigningKey.State.NEXT)
        make_root_active(kid)
        if had_root:
            logger.warning(
                "a newly configured signing root %s replaced the active one at once; "
                "`manage.py signing_root rotate` publishes the next root first",
                kid,
            )
    _bootstrapped = True


def _active_row() -> SigningKey | None:
    return (
        SigningKey.objects.filter(role=SigningKey.Role.ROOT, state=SigningKey.State.ACTIVE)
        .order_by("-activated_at")
        .first()
    )


def active_root_kid() -> str:
    """The active root's kid, read again every ``SIGNING_ROOT_REFRESH_SECONDS``."""
    global _active_kid, _active_read_at
    now = time.monotonic()
    if _active_kid is not None and now - _active_read_at < settings.SIGNING_ROOT_REFRESH_SECONDS:
        return _active_kid
    with _root_lock:
        if not _bootstrapped:
            _bootstrap()
        row = _active_row()
        if row is None:
            # No active root on record (a database restored from before the first
            # one): the configured root becomes it again.
            _bootstrap()
            row = _active_row()
        if row is None:
            row = _configured_root_made_active()
        if row is None:
            raise RootUnavailable("no active signing root")
        if row.kid not in _roots:
            _roots[row.kid] = open_root(row.backend, row.reference, row.algorithm)
        _active_kid, _active_read_at = row.kid, now
        return row.kid


def _configured_root_made_active() -> SigningKey | None:
    """With no active root at all, the configured root's row becomes the active one. It
    is on record but not active when another process's bootstrap recorded it and has
    not made it active yet (two workers starting on an empty database); the row locks
    of ``make_root_active`` serialize the two."""
    configured = SigningKey.objects.filter(
        role=SigningKey.Role.ROOT,
        backend=settings.TOKEN_ROOT_BACKEND,
        reference=configured_reference(),
    ).first()
    if configured is None:
        return None
    make_root_active(configured.kid)
    return _active_row()


def active_root() -> RootSigner:
    kid = active_root_kid()
    return _roots[kid]


# Token signers -----------------------------------------------------------------


@dataclass(frozen=True)
class RootTokenSigner:
    """Tokens signed by the root itself (``TOKEN_ONLINE_KEYS`` off)."""

    root: RootSigner

    @property
    def kid(self) -> str:
        return self.root.kid

    def sign(self, claims: dict[str, Any]) -> str:
        return compact_jws(self.root, claims, {"typ": "JWT"})


@dataclass(frozen=True)
class OnlineKey:
    kid: str
    private_key: ed25519.Ed25519PrivateKey
    cert: str
    root_kid: str
    not_before: int
    not_after: int
    renew_after: float

    def covers(self, moment: float) -> bool:
        return self.not_before <= moment <= self.not_after

    def sign(self, claims: dict[str, Any]) -> str:
        # The strict check a client makes (cert.nbf <= iat <= cert.exp): never sign a
        # token the certificate does not cover.
        if not self.covers(claims["iat"]):
            raise SigningRefused("the online key's certificate does not cover this token")
        return jwt.encode(
            claims,
            self.private_key,
            algorithm="EdDSA",
            headers={"kid": self.kid, "kcert": self.cert},
        )


_online_lock = threading.Lock()
_online: OnlineKey | None = None
_retry_at = 0.0
_last_failure = ""


def _certify(root_kid: str) -> OnlineKey:
    """Have the active root certify a new online key, and publish the key."""
    root = _roots[root_kid]
    private_key = ed25519.Ed25519PrivateKey.generate()
    jwk = jwk_of(private_key.public_key(), "EdDSA")
    now = int(time.time())
    lifetime = settings.TOKEN_ONLINE_KEY_LIFETIME
    claims = {
        "iss": settings.TOKEN_ISSUER,
        "sub": jwk["kid"],
        "iat": now,
        "nbf": now - CLOCK_SKEW_SECONDS,
        "exp": now + lifetime,
        "jwk": jwk,
    }
    with transaction.atomic():
        # Locked against make_root_active: a root retired meanwhile certifies nothing.
        row = (
            SigningKey.objects.select_for_update()
            .filter(kid=root_kid, role=SigningKey.Role.ROOT, state=SigningKey.State.ACTIVE)
            .first()
        )
        if row is None:
            raise RootUnavailable("the signing root was rotated; retrying with the new one")
        if root.kid != root_kid:
            raise RootUnavailable(f"this process cannot open the active root {root_kid}")
        cert = compact_jws(root, claims, {"typ": "key-cert+jwt"})
        SigningKey.objects.create(
            kid=jwk["kid"],
            algorithm="EdDSA",
            role=SigningKey.Role.ONLINE,
            certified_by=root_kid,
            public_jwk={**jwk, "cert": cert},
            verify_until=timezone.now() + timedelta(seconds=lifetime) + MAX_TOKEN_LIFETIME,
        )
    margin = min(3600, lifetime // 4)
    return OnlineKey(
        kid=jwk["kid"],
        private_key=private_key,
        cert=cert,
        root_kid=root_kid,
        not_before=claims["nbf"],
        not_after=claims["exp"],
        renew_after=now + lifetime - margin,
    )


def _wants_new_key(online: OnlineKey | None) -> bool:
    if online is None or time.time() >= online.renew_after:
        return True
    try:
        return active_root_kid() != online.root_kid
    except Exception:
        # Cannot read the active root (database or backend): keep the key while it lasts.
        logger.warning("could not read the active signing root", exc_info=True)
        return False


def current_signer() -> TokenSigner:
    """The key that signs tokens now: the root, or this process's certified online key.

    Raises (``RootUnavailable``, ``SigningRefused``...) when nothing may sign: the
    caller answers 503 and never hands out a token that does not verify.
    """
    global _online, _retry_at, _last_failure
    if not settings.TOKEN_ONLINE_KEYS:
        return RootTokenSigner(active_root())
    online = _online
    if not _wants_new_key(online):
        return online  # type: ignore[return-value]
    with _online_lock:
        online = _online
        if not _wants_new_key(online):
            return online  # type: ignore[return-value]
        now = time.time()
        if now < _retry_at:
            if online is not None and online.covers(now):
                return online
            raise RootUnavailable(_last_failure)
        try:
            try:
                _online = _certify(active_root_kid())
            except RootUnavailable as exc:
                if "rotated" not in str(exc):
                    raise
                _forget_active_root()
                _online = _certify(active_root_kid())
        except ImproperlyConfigured:
            raise
        except Exception as exc:
            _retry_at, _last_failure = now + settings.SIGNING_RETRY_SECONDS, str(exc)
            logger.warning("the signing root could not certify an online key: %s", exc)
            if online is not None and online.covers(now):
                return online
            raise
        _retry_at = 0.0
        return _online


def check_signer() -> None:
    """Raise ``RootUnavailable`` (or another error) when this process cannot sign a token."""
    signer = current_signer()
    remote = settings.TOKEN_ROOT_BACKEND != "file"  # noqa: S105 (a backend name)
    if isinstance(signer, RootTokenSigner) and remote:
        signer.root.sign(b"readiness probe")


def _forget_active_root() -> None:
    global _active_kid
    _active_kid = None


def reset_signers() -> None:
    """Forget cached keys (settings changed, e.g. in tests, or a backend reconfigured)."""
    global _online, _bootstrapped, _active_kid, _retry_at, _last_failure
    with _root_lock, _online_lock:
        _online = None
        _bootstrapped = False
        _active_kid = None
        _roots.clear()
        _retry_at, _last_failure = 0.0, ""


def published_keys() -> list[dict[str, Any]]:
    """Every key that may still verify a live token: roots next, active, or retired but
    within reach, and the online keys they certified. Served even while the root
    cannot sign: a client must always be able to verify what it holds."""
    try:
        current_signer()
    except Exception:
        logger.warning("publishing the JWKS while no key can sign", exc_info=True)
    now = timezone.now()
    keys = SigningKey.objects.exclude(verify_until__lte=now).order_by("-created_at")
    return [key.public_jwk for key in keys]
