"""``LicenseClient``: the seat protocol (acquire, heartbeat, release) over HTTP."""

from __future__ import annotations

import contextlib
import logging
import platform
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ._version import __version__
from .cache import DiskCache, digest
from .errors import (
    InvalidLicenseKey,
    InvalidSessionSecret,
    LicenseChoiceError,
    LicenseError,
    LicenseNotUsable,
    NoSeatsAvailable,
    NotAcquired,
    NotSignedIn,
    SessionExpired,
    TokenError,
    TransientError,
    UnexpectedResponse,
    WaitCancelled,
    WaitTimedOut,
)
from .fingerprint import hardware_fingerprint, validate_hardware_id
from .jwks import JWKS_PATH, JWKSCache
from .lease import ClientStatus, HeartbeatResult, Lease, WaitStatus, parse_time
from .retry import RetryPolicy
from .transport import USER_AGENT, Transport
from .verify import TokenClaims, decode_unverified, verify_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from .seat import Seat
    from .sign_in import PersonAuth

log = logging.getLogger("coditect_license_client")

API = "/api/v1/licenses"

# The server's ways of saying "this session is no longer yours": it is gone (410),
# or its secret was replaced by a newer acquire with the same key (401).
SESSION_GONE = (SessionExpired, InvalidSessionSecret)


def default_client_info() -> dict[str, Any]:
    return {
        "version": __version__,
        "sdk": USER_AGENT,
        "hostname": socket.gethostname(),
        "platform": platform.platform(terse=True),
    }


class LicenseClient:
    """Acquire, keep and release one seat of a license.

    One client holds at most one seat at a time (its current :attr:`lease`).
    The (license key, ``hardware_id``, ``client_instance``) triple names the
    seat: acquiring again with the same triple returns the same live session
    (with a fresh token), so retries and restarts never take a second seat.
    Give each concurrently running copy on one machine its own
    ``client_instance`` if each must hold its own seat.

    Every call retries network errors, 5xx and 429 answers with exponential
    backoff and jitter (``retry``), honouring ``Retry-After``.

    Each acquire returns a new session secret and voids the previous one: two
    copies sharing one triple take the session from each other at every
    heartbeat (each one's 401 makes it acquire again). Hence the separate
    ``client_instance`` per running copy.

    Arguments:
        server_url: base URL of the license server.
        license_key: the license key (never written to disk or logs).
        hardware_id: this machine's id (default: :func:`hardware_fingerprint`,
            or ``$CODITECT_HARDWARE_ID``); 1 to 128 characters.
        client_instance: names one of several copies on one machine (<= 64 chars).
        project: slug of the project the seat counts against (reservations, caps).
        client_info: merged over the defaults (version, sdk, hostname, platform)
            and shown to the license's admins; pass ``{"hostname": ""}`` to hide it.
        cache_dir: where the JWKS and the last lease are kept (default
            ``$CODITECT_LICENSE_CACHE`` or the user's cache folder);
            ``use_cache=False`` keeps nothing on disk, ``cache_lease=False``
            keeps the JWKS only.
        timeout: seconds per HTTP request. ``retry``: the :class:`RetryPolicy`.
        verify: verify every token against the JWKS (on by default).
        issuer: if set, tokens must carry this ``iss``.
        allow_offline_start: let :meth:`acquire` fall back on the cached token
            of this seat when the server is unreachable.
        http_client: an ``httpx.Client`` to use (proxies, TLS settings).
    """

    def __init__(
        self,
        server_url: str,
        license_key: str | None = None,
        *,
        person: PersonAuth | None = None,
        license_id: str | None = None,
        hardware_id: str | None = None,
        client_instance: str | None = None,
        client_info: dict[str, Any] | None = None,
        project: str | None = None,
        cache_dir: str | Path | None = None,
        use_cache: bool = True,
        cache_lease: bool = True,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        verify: bool = True,
        issuer: str | None = None,
        allow_offline_start: bool = True,
        http_client: httpx.Client | None = None,
    ) -> None:
        if not license_key and person is None:
            raise ValueError("a license_key, or a signed-in person, is required")
        if client_instance is not None and not 1 <= len(client_instance) <= 64:
            raise ValueError("client_instance must be 1 to 64 characters")
        self.server_url = server_url.rstrip("/")
        self._license_key = license_key
        # A person's sign-in (``sign_in.PersonAuth``): used when there is no key.
        self.person = None if license_key else person
        self.license_id = license_id
        self.hardware_id = (
            validate_hardware_id(hardware_id) if hardware_id else hardware_fingerprint()
        )
        self.client_instance = client_instance
        # The slug of the organization's project the seat counts against (its
        # reservation and cap on the license); None: the license's own project.
        self.project = project
        self.client_info = {**default_client_info(), **(client_info or {})}
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.verify = verify
        self.issuer = issuer
        self.allow_offline_start = allow_offline_start
        self.cache = DiskCache(cache_dir) if use_cache else None
        self.cache_lease = cache_lease and use_cache
        self.transport = Transport(
            self.server_url, timeout=timeout, retry=self.retry, http_client=http_client
        )
        self.jwks = JWKSCache(self.server_url, fetcher=self.fetch_jwks, cache=self.cache)
        self._lease: Lease | None = None
        self._lock = threading.RLock()
        seat_of = license_key or f"person:{license_id or ''}"
        self._lease_name = "lease-" + digest(
            self.server_url, seat_of, self.hardware_id, client_instance
        )
        # A person's borrowed seat is kept apart from a key's, per license named.
        self._borrow_name = "borrow-" + digest(
            self.server_url, seat_of, self.hardware_id, client_instance
        )

    # -- life cycle ---------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections (does not release the seat)."""
        self.transport.close()

    def __enter__(self) -> LicenseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<LicenseClient {self.server_url} hwid={self.hardware_id[:12]}…>"

    @property
    def lease(self) -> Lease | None:
        """The seat currently held, if any."""
        return self._lease

    def _request(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
    ) -> tuple[int, dict[str, Any]]:
        return self.transport.request(method, path, payload, retry=retry, timeout=timeout)

    def _who(self) -> dict[str, str]:
        """Whose seat a request asks for: the license key, or for a person (their access
        token names them) the license named, else the one assigned to them."""
        if self.person is None:
            return {"license_key": self._license_key or ""}
        return {"license_id": self.license_id} if self.license_id else {}

    def _person_headers(self) -> dict[str, str] | None:
        return None if self.person is None else self.person.headers()

    def fetch_jwks(self) -> dict[str, Any]:
        """GET the server's JWKS (retried like every call)."""
        return self.transport.request("GET", JWKS_PATH)[1]

    # -- the protocol ---------------------------------------------------------

    def acquire(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        offline_fallback: bool | None = None,
        wait: bool = False,
        wait_timeout: float | None = None,
        on_wait: Callable[[WaitStatus], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Lease:
        """Acquire a seat (or get back the one this fingerprint already holds).

        When the server cannot be reached and ``offline_fallback`` (default:
        ``allow_offline_start``) is on, a cached token of this same seat that
        still verifies (inside the license's offline grace) is used instead;
        the lease is then marked ``offline``. Raises the typed error otherwise.

        ``wait``: on a full license that keeps a line, wait in it for a seat:
        ask again when the server says (``retry_after``), calling ``on_wait``
        with each :class:`WaitStatus`, until a seat is granted, ``wait_timeout``
        seconds have passed (:class:`WaitTimedOut`) or ``should_stop`` returns
        true (:class:`WaitCancelled`). Whatever ends the wait without a seat
        (those, an error, Ctrl-C) cancels the ticket first. A license without a
        line answers at once, as without ``wait``.
        """
        payload: dict[str, Any] = {
            "hardware_id": self.hardware_id,
            "client_info": self.client_info,
            **self._who(),
        }
        if self.client_instance:
            payload["client_instance"] = self.client_instance
        if self.project:
            payload["project"] = self.project
        if wait:
            payload["wait"] = True
        try:
            status, body = self._ask_in_line(
                payload, retry, timeout, wait_timeout, on_wait, should_stop
            )
        except TransientError as exc:
            fallback = self.allow_offline_start if offline_fallback is None else offline_fallback
            lease = self._offline_lease() if fallback else None
            if lease is None:
                raise
            log.warning("license server unreachable (%s); starting offline on a cached token", exc)
            with self._lock:
                self._lease = lease
            return lease
        except (
            InvalidLicenseKey,
            LicenseNotUsable,
            NoSeatsAvailable,
            NotSignedIn,
            LicenseChoiceError,
        ):
            # The server is up and said no: a cached token must not outlive that.
            self._forget_cached_lease()
            raise
        try:
            lease = Lease.from_acquire(body, created=status == 201)
        except (KeyError, TypeError) as exc:
            raise UnexpectedResponse(f"acquire answer lacks {exc}") from exc
        lease.claims = self._claims(lease.token)
        with self._lock:
            self._lease = lease
        if self.cache is not None and self.cache_lease:
            self.cache.write(self._lease_name, lease.to_cache())
        return lease

    def _ask_in_line(
        self,
        payload: dict[str, Any],
        retry: RetryPolicy | None,
        timeout: float | None,
        wait_timeout: float | None,
        on_wait: Callable[[WaitStatus], None] | None,
        should_stop: Callable[[], bool] | None,
    ) -> tuple[int, dict[str, Any]]:
        """The acquire, asked again while the server answers 202 (a place in the line).
        A person's access token is read for each ask: a long wait outlives one."""
        started = time.monotonic()
        deadline = None if wait_timeout is None else started + wait_timeout
        first: tuple[float, int] | None = None
        ticket: str | None = None
        line_of: str | None = None
        try:
            while True:
                status, body = self.transport.request(
                    "POST",
                    f"{API}/acquire",
                    payload,
                    retry=retry,
                    timeout=timeout,
                    headers=self._person_headers(),
                )
                if status != 202:
                    return status, body
                try:
                    ticket = str(body["ticket"])
                    position = int(body["position"])
                    line_length = int(body.get("line_length", position))
                    retry_after = max(1, int(body.get("retry_after", 1)))
                    line_of = body.get("license_id") or line_of
                except (KeyError, TypeError, ValueError) as exc:
                    raise UnexpectedResponse(f"acquire's 202 lacks {exc}") from exc
                now = time.monotonic()
                first = first or (now, position)
                moved = first[1] - position
                estimate = (now - first[0]) / moved * position if moved > 0 else None
                if on_wait is not None:
                    on_wait(
                        WaitStatus(
                            ticket, position, line_length, retry_after, now - started, estimate
                        )
                    )
                if deadline is not None and now >= deadline:
                    raise WaitTimedOut(
                        f"no seat came free within {wait_timeout:g} s",
                        details={"position": position},
                    )
                pause = retry_after if deadline is None else min(retry_after, deadline - now)
                if _pause(pause, should_stop):
                    raise WaitCancelled("stopped waiting for a seat")
        except BaseException:
            if ticket is not None:
                self.cancel_wait(ticket, license_id=line_of)
            raise

    def cancel_wait(self, ticket: str, *, license_id: str | None = None) -> bool:
        """Leave the license's line; whether the ticket was still in it. Never raises
        for a server that cannot be reached: an abandoned ticket lapses by itself
        within the license's ticket TTL.

        A person's client names the license whose line it is: ``license_id``, else the
        client's own (the 202 of a wait names it, for the license assigned to them)."""
        if self.person is None:
            payload: dict[str, Any] = {"license_key": self._license_key, "ticket": ticket}
        else:
            payload = {"license_id": license_id or self.license_id, "ticket": ticket}
        try:
            _, body = self.transport.request(
                "POST",
                f"{API}/queue/cancel",
                payload,
                retry=RetryPolicy(attempts=2, base_delay=0.1, max_delay=0.5, deadline=3),
                headers=self._person_headers(),
            )
        except LicenseError as exc:
            log.info("could not cancel ticket %s: %s", ticket, exc)
            return False
        return bool(body.get("cancelled"))

    # -- borrowing (offline checkout) -----------------------------------------------

    def borrow(self, hours: int) -> Lease:
        """Borrow a seat for ``hours`` of offline use: no heartbeats, a token valid as
        long (verifiable offline with the cached JWKS), kept on disk so ``status`` and
        :meth:`return_borrowed` find it from any later process. Borrowing again
        renews the period. Signed in as a person (no key), the seat is borrowed in
        their name, like :meth:`acquire`'s."""
        payload: dict[str, Any] = {
            "hardware_id": self.hardware_id,
            "client_info": self.client_info,
            "hours": int(hours),
        }
        payload.update(self._who())
        if self.client_instance:
            payload["client_instance"] = self.client_instance
        status, body = self.transport.request(
            "POST", f"{API}/borrow", payload, headers=self._person_headers()
        )
        try:
            lease = Lease.from_acquire(body, created=status == 201)
        except (KeyError, TypeError) as exc:
            raise UnexpectedResponse(f"borrow answer lacks {exc}") from exc
        lease.borrowed = True
        lease.claims = self._claims(lease.token)
        # The JWKS that verifies the token offline is cached by _claims above.
        if self.cache is not None:
            self.cache.write(self._borrow_name, lease.to_cache())
        return lease

    def borrowed_lease(self) -> Lease | None:
        """The seat this machine borrowed (from disk), if any."""
        if self.cache is None:
            return None
        data = self.cache.read(self._borrow_name)
        try:
            return Lease.from_cache(data) if data else None
        except (KeyError, TypeError):
            return None

    def return_borrowed(self) -> bool:
        """Give the borrowed seat back (from the machine that borrowed it, with its
        session secret). False when none was borrowed; returning twice is harmless."""
        lease = self.borrowed_lease()
        if lease is None:
            return False
        with contextlib.suppress(SessionExpired):
            self._request(
                "POST",
                f"{API}/return",
                {"session_id": lease.session_id, "session_secret": lease.session_secret},
            )
        if self.cache is not None:
            self.cache.delete(self._borrow_name)
        return True

    def heartbeat(
        self,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        reacquire: bool = True,
    ) -> HeartbeatResult:
        """Keep the seat alive. After a 410 (the session is gone) or a 401 (its
        secret was replaced by a newer acquire) acquire again, once,
        transparently (``reacquired=True``); its errors are raised."""
        lease = self._require_lease()
        try:
            body = self._send_heartbeat(lease, retry=retry, timeout=timeout)
        except SESSION_GONE as exc:
            if not reacquire:
                raise
            reason = (
                "expired on the server"
                if isinstance(exc, SessionExpired)
                else "was refused its secret (a newer acquire with this key holds it, "
                "or the server does not know the session)"
            )
            log.warning("session %s %s; acquiring again", lease.session_id, reason)
            new = self.acquire(retry=retry, timeout=timeout, offline_fallback=False)
            return HeartbeatResult(
                session_id=new.session_id,
                session_expires_at=new.session_expires_at,
                heartbeat_interval=new.heartbeat_interval,
                reacquired=True,
            )
        with self._lock:
            interval = body.get("heartbeat_interval")
            if isinstance(interval, int) and not isinstance(interval, bool) and interval > 0:
                lease.heartbeat_interval = interval
            lease.session_expires_at = parse_time(body.get("expires_at"))
            lease.offline = False
        return HeartbeatResult(
            session_id=str(body.get("session_id", lease.session_id)),
            session_expires_at=lease.session_expires_at,
            heartbeat_interval=lease.heartbeat_interval,
        )

    def _send_heartbeat(
        self, lease: Lease, *, retry: RetryPolicy | None, timeout: float | None
    ) -> dict[str, Any]:
        _, body = self._request(
            "POST",
            f"{API}/heartbeat",
            {"session_id": lease.session_id, "session_secret": lease.session_secret},
            retry=retry,
            timeout=timeout,
        )
        return body

    def release(self, *, retry: RetryPolicy | None = None, timeout: float | None = None) -> bool:
        """Free the seat now. Returns False when no seat was held (nothing to do).

        The current lease is used, else the one cached on disk (so a CLI can
        release what another process acquired). Releasing twice is harmless.

        Raises :class:`InvalidSessionSecret` (never retried) when the server
        refuses the secret: a newer acquire with the same key holds the session
        now, and this call did not free it. The lease is forgotten all the same.
        """
        lease = self._lease or self.cached_lease()
        if lease is None:
            return False
        try:
            with contextlib.suppress(SessionExpired):  # already gone: released all the same
                self._request(
                    "POST",
                    f"{API}/release",
                    {"session_id": lease.session_id, "session_secret": lease.session_secret},
                    retry=retry,
                    timeout=timeout,
                )
        except InvalidSessionSecret:
            self._drop(lease)  # a secret that can never work again
            raise
        self._drop(lease)
        return True

    def _drop(self, lease: Lease) -> None:
        with self._lock:
            if self._lease is lease:
                self._lease = None
        self._forget_cached_lease(lease)

    def status(self, *, check_server: bool = False) -> ClientStatus:
        """What is known about this client's seat, without taking one.

        Uses the current lease, else the one cached on disk. With
        ``check_server`` a heartbeat (without re-acquiring) tells whether the
        session is still alive on the server; note that it extends it.
        """
        source = "memory"
        lease = self._lease
        if lease is None:
            lease, source = self.cached_lease(), "cache"
        base: dict[str, Any] = {
            "server_url": self.server_url,
            "hardware_id": self.hardware_id,
            "client_instance": self.client_instance,
        }
        if lease is None:
            return ClientStatus(held=False, **base)
        token_error = None
        claims = lease.claims
        try:
            claims = self._claims(lease.token, offline=True)
        except LicenseError as exc:
            token_error = str(exc)
        alive = None
        if check_server:
            try:
                self._send_heartbeat(lease, retry=None, timeout=None)
                alive = True
            except SESSION_GONE:
                alive = False
        return ClientStatus(
            held=token_error is None and alive is not False,
            session_id=lease.session_id,
            license_id=lease.license_id,
            seats_total=lease.seats_total,
            seats_used=lease.seats_used,
            offline=lease.offline,
            token_valid=token_error is None,
            token_expires_at=claims.expires_at if claims else None,
            token_error=token_error,
            session_expires_at=lease.session_expires_at,
            session_alive=alive,
            source=source,
            **base,
        )

    def seat(
        self,
        *,
        wait: bool = False,
        timeout: float | None = None,
        on_wait: Callable[[WaitStatus], None] | None = None,
        on_lost: Callable[[LicenseError], None] | None = None,
        handle_signals: bool = True,
        raise_in_owner: bool = True,
        renew_fraction: float = 0.8,
        jitter: float = 0.1,
    ) -> Seat:
        """A context manager that acquires a seat, heartbeats it in a background
        thread and releases it on exit, SIGTERM/SIGINT and interpreter exit.
        ``wait``: wait in the license's line for up to ``timeout`` seconds (None:
        as long as it takes), see :meth:`acquire`.
        See :class:`coditect_license_client.seat.Seat`."""
        from .seat import Seat

        return Seat(
            self,
            wait=wait,
            wait_timeout=timeout,
            on_wait=on_wait,
            on_lost=on_lost,
            handle_signals=handle_signals,
            raise_in_owner=raise_in_owner,
            renew_fraction=renew_fraction,
            jitter=jitter,
        )

    # -- tokens -----------------------------------------------------------------

    def verify_token(self, token: str, *, offline: bool = False) -> TokenClaims:
        """Verify a token of this server against its JWKS (cached on disk;
        ``offline`` never fetches). Raises a :class:`TokenError` subclass or
        :class:`LicenseExpired`."""
        keys = JWKSCache(self.server_url, cache=self.cache) if offline else self.jwks
        return verify_token(token, keys, issuer=self.issuer)

    def _claims(self, token: str, *, offline: bool = False) -> TokenClaims:
        if not self.verify:
            return decode_unverified(token)
        claims = self.verify_token(token, offline=offline)
        if claims.hardware_id not in (None, self.hardware_id):
            raise TokenError("the server issued a token for another machine (hwid mismatch)")
        return claims

    # -- disk cache of the lease -----------------------------------------------

    def cached_lease(self) -> Lease | None:
        """The lease last acquired by this (server, key, hardware id, instance), from disk."""
        if self.cache is None or not self.cache_lease:
            return None
        data = self.cache.read(self._lease_name)
        if not data:
            return None
        try:
            return Lease.from_cache(data)
        except (KeyError, TypeError):
            return None

    def _offline_lease(self) -> Lease | None:
        lease = self.cached_lease()
        if lease is None:
            return None
        try:
            lease.claims = self._claims(lease.token, offline=True)
        except (LicenseError, OSError) as exc:
            log.info("cached token not usable offline: %s", exc)
            return None
        lease.offline = True
        return lease

    def _forget_cached_lease(self, lease: Lease | None = None) -> None:
        """Delete the cached lease (only if it is ``lease``, when given: another
        process may have cached a newer one of the same session since)."""
        if self.cache is None:
            return
        if lease is not None:
            cached = self.cached_lease()
            if cached is not None and (
                cached.session_id != lease.session_id
                or cached.session_secret != lease.session_secret
            ):
                return
        self.cache.delete(self._lease_name)

    def resume(self) -> Lease:
        """Adopt the seat cached on disk (taken by an earlier process with the
        same key, hardware id and instance) to heartbeat or release it."""
        lease = self.cached_lease()
        if lease is None:
            raise NotAcquired("no seat held on this machine: acquire first")
        try:
            lease.claims = decode_unverified(lease.token)
        except TokenError:
            lease.claims = None
        with self._lock:
            self._lease = lease
        return lease

    def _require_lease(self) -> Lease:
        lease = self._lease
        if lease is None:
            raise NotAcquired("no seat held: call acquire() first")
        return lease


def _pause(seconds: float, should_stop: Callable[[], bool] | None) -> bool:
    """Sleep ``seconds`` in short steps; True as soon as ``should_stop`` says so."""
    end = time.monotonic() + max(0.0, seconds)
    while True:
        if should_stop is not None and should_stop():
            return True
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(left, 0.1))
