"""The server's public keys (JWKS), cached on disk with the time they were fetched.

A client that has fetched the JWKS once can verify tokens with no network.
When a token names a key the cache does not hold (the server rotated its
keys), the JWKS is fetched again, at most once per ``min_refetch_interval``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from .cache import DiskCache, digest
from .errors import TokenInvalid, TransientError

JWKS_PATH = "/.well-known/jwks.json"

Fetcher = Callable[[], dict[str, Any]]


class KeySource(Protocol):
    def get_key(self, kid: str | None) -> dict[str, Any]:
        """The JWK (as a dict) that verifies tokens signed with ``kid``."""
        ...


def _check_jwks(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise TokenInvalid("the JWKS has no 'keys' list", code="jwks_invalid")
    return data


def _find(jwks: dict[str, Any] | None, kid: str | None) -> dict[str, Any] | None:
    if not jwks:
        return None
    keys = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("use", "sig") == "sig"]
    if kid is None:
        return keys[0] if len(keys) == 1 else None
    return next((k for k in keys if k.get("kid") == kid), None)


class StaticJWKS:
    """A JWKS given as a document (for instance read from a file); never fetched."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks = _check_jwks(jwks)

    @classmethod
    def from_file(cls, path: str | Path) -> StaticJWKS:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    def get_key(self, kid: str | None) -> dict[str, Any]:
        key = _find(self.jwks, kid)
        if key is None:
            raise TokenInvalid(f"no key {kid!r} in the JWKS", code="unknown_kid")
        return key


class JWKSCache:
    """The JWKS of one server: in memory, on disk, fetched when missing or stale.

    ``fetcher`` returns the JWKS document (it may raise :class:`TransientError`
    when the server is unreachable: the cached copy is then used whatever its
    age). With no fetcher the cache is offline only.
    """

    def __init__(
        self,
        server_url: str,
        *,
        fetcher: Fetcher | None = None,
        cache: DiskCache | None = None,
        max_age: float = 24 * 3600.0,
        min_refetch_interval: float = 30.0,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.fetcher = fetcher
        self.cache = cache
        self.max_age = max_age
        self.min_refetch_interval = min_refetch_interval
        self._name = "jwks-" + digest(self.server_url)
        self._jwks: dict[str, Any] | None = None
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._lock = threading.Lock()

    @property
    def fetched_at(self) -> float | None:
        """Epoch seconds of the fetch the keys in use come from, if any."""
        self._load()
        return self._fetched_at

    def _load(self) -> None:
        if self._jwks is not None or self.cache is None:
            return
        entry = self.cache.read(self._name)
        if not entry or entry.get("server_url") != self.server_url:
            return
        try:
            self._jwks = _check_jwks(entry.get("jwks"))
        except TokenInvalid:
            return
        self._fetched_at = float(entry.get("fetched_at") or 0)

    def refresh(self) -> dict[str, Any]:
        """Fetch the JWKS now and store it (raises if the fetch fails)."""
        if self.fetcher is None:
            raise TokenInvalid("no JWKS cached and no server to fetch it from", code="no_jwks")
        self._last_attempt = time.monotonic()
        jwks = _check_jwks(self.fetcher())
        self._jwks, self._fetched_at = jwks, time.time()
        if self.cache is not None:
            self.cache.write(
                self._name,
                {"server_url": self.server_url, "fetched_at": self._fetched_at, "jwks": jwks},
            )
        return jwks

    def _may_refetch(self) -> bool:
        if self.fetcher is None:
            return False
        last = self._last_attempt
        return last is None or time.monotonic() - last >= self.min_refetch_interval

    def _try_refresh(self) -> None:
        try:
            self.refresh()
        except TransientError:
            if self._jwks is None:
                raise

    def get_key(self, kid: str | None) -> dict[str, Any]:
        with self._lock:
            self._load()
            stale = self._fetched_at is None or time.time() - self._fetched_at > self.max_age
            if (self._jwks is None or stale) and self.fetcher is not None and self._may_refetch():
                self._try_refresh()
            key = _find(self._jwks, kid)
            if key is None and self._may_refetch():
                self._try_refresh()
                key = _find(self._jwks, kid)
            if key is None:
                if self._jwks is None:
                    raise TokenInvalid("no JWKS available to verify the token", code="no_jwks")
                raise TokenInvalid(f"no key {kid!r} in the server's JWKS", code="unknown_kid")
            return key
