"""Session secrets: the credential of a running client's session (DESIGN §6).

A session id is an identifier admins see (dashboards, logs, screenshots); it proves
nothing. Acquire hands the client, once, a secret that heartbeat and release must
present. The server keeps only its keyed digest (``core.secrets``), in the session row
and beside the seat in the seat store, where the heartbeat script compares digests:
comparing digests of a high-entropy secret leaks nothing useful through timing, so the
Lua script needs no constant-time compare.

The secret carries the id of its license (``sks_<license hex>.<random>``): it is how a
heartbeat finds the license's seat set (one Redis Cluster slot) without a route lookup.
The license id is not a secret, and the digest covers the whole string, so editing the
license part only makes the secret wrong. Clients treat the secret as opaque.

Every acquire, idempotent re-acquires included, issues a new secret and the previous one
stops working at once. Whoever holds the license key owns the license's seats: a client
that lost its memory (a crash, a restart) re-acquires with the key and gets its session
back with a fresh secret, and a stale copy of the old secret can no longer touch it.
"""

import secrets
import uuid

from core.secrets import secret_digest

PREFIX = "sks_"
# 24 random bytes: 192 bits, past the 128 the design asks for.
_RANDOM_BYTES = 24


def session_secret_new(license_id: uuid.UUID | str) -> str:
    return f"{PREFIX}{uuid.UUID(str(license_id)).hex}.{secrets.token_urlsafe(_RANDOM_BYTES)}"


def session_secret_digest(secret: str) -> str:
    return secret_digest(secret)


def session_secret_license(secret: str) -> str | None:
    """The license id a well-formed secret names (canonical text), else None."""
    if (
        not secret.isascii()
        or not secret.startswith(PREFIX)
        or secret[len(PREFIX) + 32 : len(PREFIX) + 33] != "."
    ):
        return None
    try:
        return str(uuid.UUID(hex=secret[len(PREFIX) : len(PREFIX) + 32]))
    except ValueError:
        return None
