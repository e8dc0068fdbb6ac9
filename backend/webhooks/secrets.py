"""Endpoint signing secrets: ``whsec_`` + base64 of 32 random bytes (the Standard
Webhooks format that the ``standardwebhooks`` and ``svix`` libraries read), kept
encrypted at rest with a key derived from ``WEBHOOK_SECRETS_KEY`` (default: the
deployment's SECRET_KEY). Changing that key makes the stored secrets unreadable: rotate
every endpoint's secret after changing it."""

import base64
import secrets
from functools import cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "whsec_"


def new_signing_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def display_prefix(secret: str) -> str:
    return secret[: len(PREFIX) + 4]


@cache
def _fernet(key: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"coditect webhook secrets"
    ).derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _key() -> str:
    return settings.WEBHOOK_SECRETS_KEY or settings.SECRET_KEY


def encrypt(secret: str) -> str:
    return _fernet(_key()).encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(_key()).decrypt(token.encode()).decode()
