"""Digests of bearer secrets (API tokens, invitation and reset tokens): keyed, compared in
constant time, never stored in the clear."""

import hashlib
import hmac
import secrets

from django.conf import settings


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def secret_digest(raw: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()


def secret_matches(raw: str, digest: str) -> bool:
    return hmac.compare_digest(secret_digest(raw), digest)
