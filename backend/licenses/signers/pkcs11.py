"""The root in any PKCS#11 token (an HSM; SoftHSM2 in tests), through python-pkcs11.

The private key never leaves the token: it is generated there as sensitive and
non-extractable (``generate_root_key``, used by ``manage.py signing_root``), and
found again by its label. A failing token (removed, PIN changed, HSM restarted)
raises ``RootUnavailable``; the next call re-initializes the library and opens a
new session, so the process recovers without a restart.
"""

import hashlib
import threading
from dataclasses import dataclass
from typing import Any

import pkcs11
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from django.conf import settings
from pkcs11 import MGF, Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

from licenses.signers.base import RootUnavailable, check_key_fits, jwk_of

# One library instance per process and module; re-initializing it ends every session,
# so all use of it goes through one lock (the root signs rarely: online keys sign tokens).
_lock = threading.RLock()
_libs: dict[str, Any] = {}
_generation: dict[str, int] = {}
_needs_reset: set[str] = set()

_MECHANISMS = {
    "RS256": (Mechanism.SHA256_RSA_PKCS, None),
    "PS256": (Mechanism.SHA256_RSA_PKCS_PSS, (Mechanism.SHA256, MGF.SHA256, 32)),
    "ES256": (Mechanism.ECDSA, None),
}


def _library(module: str) -> Any:
    lib = _libs.get(module)
    if lib is None:
        lib = _libs[module] = pkcs11.lib(module)
        _generation[module] = 0
    elif module in _needs_reset:
        # A session failed: drop every session and re-read the token list (a token put
        # back, a restarted HSM), so the next open sees the token as it is now.
        for key in [key for key in _sessions if key[0] == module]:
            del _sessions[key]
        lib.reinitialize()
        _generation[module] += 1
    _needs_reset.discard(module)
    return lib


_sessions: dict[tuple[str, str], Any] = {}


def _open_session(module: str, token_label: str, pin: str, rw: bool = True) -> Any:
    """The process's one session with the token. PKCS#11 logs in per application, not
    per session (a second login fails), so every signer shares it; it is read-write
    so the same session can also generate keys."""
    lib = _library(module)
    key = (module, token_label)
    session = _sessions.get(key)
    if session is None or session.generation != _generation[module]:
        token = lib.get_token(token_label=token_label)
        session = _Session(token.open(user_pin=pin, rw=rw), _generation[module])
        _sessions[key] = session
    return session.session


@dataclass
class _Session:
    session: Any
    generation: int


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__} {exc}".strip()


class Pkcs11RootSigner:
    backend = "pkcs11"

    def __init__(
        self,
        reference: str,
        algorithm: str,
        *,
        module: str | None = None,
        token_label: str | None = None,
        pin: str | None = None,
    ) -> None:
        if algorithm not in _MECHANISMS:
            raise ValueError(f"PKCS#11 roots sign RS256, PS256 or ES256, not {algorithm}")
        self.reference = reference
        self._algorithm = algorithm
        self._module = module or settings.PKCS11_MODULE
        self._token_label = token_label or settings.PKCS11_TOKEN_LABEL
        self._pin = pin if pin is not None else settings.PKCS11_PIN
        self._session: Any = None
        self._private: Any = None
        self._session_generation = -1
        self._jwk: dict[str, Any] | None = None

    @property
    def algorithm(self) -> str:
        return self._algorithm

    @property
    def kid(self) -> str:
        return self.public_jwk()["kid"]

    def _ensure_session(self) -> None:
        lib_generation = _generation.get(self._module)
        if (
            self._private is not None
            and self._module not in _needs_reset
            and self._session_generation == lib_generation
        ):
            return
        self._session = _open_session(self._module, self._token_label, self._pin)
        self._session_generation = _generation[self._module]
        self._private = self._session.get_key(
            object_class=ObjectClass.PRIVATE_KEY, label=self.reference
        )
        if self._jwk is None:
            public = _public_key(
                self._session.get_key(object_class=ObjectClass.PUBLIC_KEY, label=self.reference)
            )
            check_key_fits(public, self._algorithm, f"PKCS#11 key {self.reference!r}")
            self._jwk = jwk_of(public, self._algorithm)

    def _fail(self, exc: Exception) -> RootUnavailable:
        self._session = self._private = None
        _needs_reset.add(self._module)
        return RootUnavailable(
            f"PKCS#11 token {self._token_label!r} cannot sign with {self.reference!r}: "
            f"{_describe(exc)}"
        )

    def public_jwk(self) -> dict[str, Any]:
        with _lock:
            if self._jwk is None:
                try:
                    self._ensure_session()
                except (pkcs11.PKCS11Error, RuntimeError) as exc:
                    raise self._fail(exc) from exc
            assert self._jwk is not None
            return dict(self._jwk)

    def sign(self, data: bytes) -> bytes:
        mechanism, parameters = _MECHANISMS[self._algorithm]
        if self._algorithm == "ES256":
            # The token's plain ECDSA signs a digest; its answer is already r||s.
            data = hashlib.sha256(data).digest()
        with _lock:
            try:
                self._ensure_session()
                return bytes(
                    self._private.sign(data, mechanism=mechanism, mechanism_param=parameters)
                )
            except (pkcs11.PKCS11Error, RuntimeError) as exc:
                raise self._fail(exc) from exc


def _public_key(public: Any) -> Any:
    if public.key_type == KeyType.EC:
        return load_der_public_key(encode_ec_public_key(public))
    numbers = rsa.RSAPublicNumbers(
        e=int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
        n=int.from_bytes(public[Attribute.MODULUS], "big"),
    )
    return numbers.public_key()


def generate_root_key(
    label: str,
    algorithm: str,
    *,
    module: str | None = None,
    token_label: str | None = None,
    pin: str | None = None,
) -> None:
    """Generate a root key pair inside the token: sensitive, never extractable."""
    if algorithm not in _MECHANISMS:
        raise ValueError(f"PKCS#11 roots sign RS256, PS256 or ES256, not {algorithm}")
    module = module or settings.PKCS11_MODULE
    token_label = token_label or settings.PKCS11_TOKEN_LABEL
    pin = pin if pin is not None else settings.PKCS11_PIN
    private_template = {
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.SIGN: True,
    }
    public_template = {Attribute.TOKEN: True, Attribute.VERIFY: True}
    with _lock:
        session = _open_session(module, token_label, pin)
        existing = list(session.get_objects({Attribute.LABEL: label}))
        if existing:
            raise ValueError(f"the token already holds a key labelled {label!r}")
        if algorithm == "ES256":
            parameters = session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            parameters.generate_keypair(
                store=True,
                label=label,
                public_template=public_template,
                private_template=private_template,
            )
        else:
            session.generate_keypair(
                KeyType.RSA,
                4096,
                store=True,
                label=label,
                public_template=public_template,
                private_template=private_template,
            )
