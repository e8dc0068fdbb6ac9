"""A person's sign-in for the CLI: the OAuth 2.0 device authorization grant (RFC 8628)
against the license server, and the rotating refresh token it yields, kept in the OS
keyring (the ``keyring`` package) or, where there is none, in a 0600 file.

The server's sign-in is its own refresh-token family (revocable, rotated at every
refresh, revoked whole when an old token comes back), so this module only keeps the
newest refresh token and trades it for short-lived access tokens, one refresh at a
time per process. ``PersonAuth.access_token()`` is what an acquire sends as
``Authorization: Bearer``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ._version import __version__
from .errors import NotSignedIn, SignInFailed
from .transport import USER_AGENT, Transport

log = logging.getLogger("coditect_license_client")

CLIENT_ID = "coditect-cli"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
KEYRING_SERVICE = "coditect-license"
ENV_CREDENTIALS_FILE = "CODITECT_CREDENTIALS_FILE"
# Refresh this long before the access token's expiry, so a request never carries a
# token that lapses on its way.
_EARLY = 30.0


def default_credentials_file() -> Path:
    override = os.environ.get(ENV_CREDENTIALS_FILE)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "coditect" / "credentials.json"


class CredentialStore:
    """The refresh token of each server's sign-in: the OS keyring when a usable one
    exists, else a JSON file readable by its owner only (0600, written atomically).
    ``CODITECT_CREDENTIALS_FILE`` forces the file (and names it)."""

    def __init__(self, path: Path | None = None, *, use_keyring: bool | None = None) -> None:
        self.path = path or default_credentials_file()
        if use_keyring is None:
            use_keyring = not os.environ.get(ENV_CREDENTIALS_FILE) and _keyring_usable()
        self.use_keyring = use_keyring

    @property
    def where(self) -> str:
        return "the OS keyring" if self.use_keyring else str(self.path)

    def load(self, server: str) -> dict[str, Any] | None:
        if self.use_keyring:
            import keyring

            raw = keyring.get_password(KEYRING_SERVICE, server)
            return json.loads(raw) if raw else None
        return self._file().get(server)

    def save(self, server: str, record: dict[str, Any]) -> None:
        if self.use_keyring:
            import keyring

            keyring.set_password(KEYRING_SERVICE, server, json.dumps(record))
            return
        records = self._file()
        records[server] = record
        self._write(records)

    def delete(self, server: str) -> None:
        if self.use_keyring:
            import keyring
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, server)
            return
        records = self._file()
        if records.pop(server, None) is not None:
            self._write(records)

    def _file(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, records: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(records, handle)
        os.replace(temp, self.path)


def _keyring_usable() -> bool:
    """A real keyring backend (not keyring's "fail" or "null" stand-ins)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:
        return False
    if isinstance(backend, fail.Keyring):
        return False
    return getattr(backend, "priority", 0) > 0 and "null" not in type(backend).__module__


def device_info() -> dict[str, str]:
    """What the approval page shows the person about this CLI."""
    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(terse=True),
        "client_version": __version__,
    }


@dataclass(frozen=True)
class DeviceCode:
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str
    expires_in: int
    interval: int


class DeviceLogin:
    """One RFC 8628 sign-in: ask for a code, then poll until the person decides."""

    def __init__(
        self,
        server_url: str,
        *,
        http_client: httpx.Client | None = None,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._http = http_client or httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
        self._sleep = sleep

    def start(self) -> DeviceCode:
        response = self._post("/api/v1/auth/device/code", {"client_id": CLIENT_ID, **device_info()})
        body = _json(response)
        if response.status_code != 200:
            raise SignInFailed(f"the server refused a sign-in code: {_oauth_error(body)}")
        return DeviceCode(
            device_code=body["device_code"],
            user_code=body["user_code"],
            verification_uri=body["verification_uri"],
            verification_uri_complete=body.get("verification_uri_complete")
            or body["verification_uri"],
            expires_in=int(body["expires_in"]),
            interval=int(body.get("interval") or 5),
        )

    def wait(self, code: DeviceCode) -> dict[str, Any]:
        """Poll the token endpoint every ``interval`` seconds (five more after each
        ``slow_down``) until the person approves (the token answer), denies, or the
        code expires (``SignInFailed``)."""
        interval = code.interval
        deadline = time.monotonic() + code.expires_in
        while True:
            self._sleep(interval)
            response = self._post(
                "/api/v1/auth/device/token",
                {
                    "grant_type": DEVICE_GRANT,
                    "device_code": code.device_code,
                    "client_id": CLIENT_ID,
                },
            )
            body = _json(response)
            if response.status_code == 200 and body.get("refresh_token"):
                return body
            error = body.get("error")
            if error == "authorization_pending":
                pass
            elif error == "slow_down":
                interval += 5
            elif error == "access_denied":
                raise SignInFailed("the sign-in was denied")
            elif error == "expired_token":
                raise SignInFailed("the code expired before it was approved; run login again")
            else:
                raise SignInFailed(f"the server refused the sign-in: {_oauth_error(body)}")
            if time.monotonic() > deadline:
                raise SignInFailed("the code expired before it was approved; run login again")

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, form: dict[str, str]) -> httpx.Response:
        try:
            return self._http.post(self.server_url + path, data=form)
        except httpx.TransportError as exc:
            raise SignInFailed(f"cannot reach {self.server_url}: {exc!r}") from exc


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _oauth_error(body: dict[str, Any]) -> str:
    error = body.get("error")
    if isinstance(error, dict):  # the platform's JSON error shape
        return str(error.get("code"))
    return str(error or "no answer")


class PersonAuth:
    """The signed-in person of one server, as the SDK uses it: a fresh access token on
    demand (refreshing, and storing the rotated refresh token, under a lock), who they
    are, and logging out."""

    def __init__(
        self,
        server_url: str,
        *,
        store: CredentialStore | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.store = store or CredentialStore()
        self.transport = transport or Transport(self.server_url)
        self._lock = threading.Lock()
        self._access: str | None = None
        self._access_expires = 0.0

    @property
    def signed_in(self) -> bool:
        return self.store.load(self.server_url) is not None

    def save_tokens(self, tokens: dict[str, Any], *, email: str = "") -> None:
        """Keep what a sign-in (or a refresh) returned."""
        self.store.save(self.server_url, {"refresh": tokens["refresh_token"], "email": email})
        with self._lock:
            self._access = tokens["access_token"]
            self._access_expires = time.time() + float(tokens.get("expires_in") or 300)

    def access_token(self) -> str:
        with self._lock:
            if self._access and time.time() < self._access_expires - _EARLY:
                return self._access
            record = self.store.load(self.server_url)
            if not record:
                raise NotSignedIn("not signed in: run `coditect-license login`")
            _, pair = self.transport.request(
                "POST", "/api/v1/auth/refresh", {"refresh": record["refresh"]}
            )
            # The old refresh token is spent the moment the server answers: store the
            # new one before anything else can fail.
            self.store.save(self.server_url, {**record, "refresh": pair["refresh"]})
            self._access = pair["access"]
            self._access_expires = _expiry(pair["access"])
            return self._access

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token()}"}

    def whoami(self) -> dict[str, Any]:
        return self.transport.request("GET", "/api/v1/auth/me", headers=self.headers())[1]

    def logout(self) -> bool:
        """Revoke this sign-in on the server and forget it here; False if there was none."""
        record = self.store.load(self.server_url)
        if not record:
            return False
        try:
            self.transport.request("POST", "/api/v1/auth/logout", {"refresh": record["refresh"]})
        except NotSignedIn:
            pass  # revoked or expired already: nothing left to end on the server
        finally:
            self.store.delete(self.server_url)
            with self._lock:
                self._access, self._access_expires = None, 0.0
        return True


def _expiry(access_token: str) -> float:
    """The ``exp`` of an access token (read, not verified: the server checks it)."""
    import jwt

    try:
        claims = jwt.decode(access_token, options={"verify_signature": False})
        return float(claims["exp"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return time.time() + 60
