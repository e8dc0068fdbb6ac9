"""JSON over HTTP to the license server, with retries and typed errors."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import httpx

from ._version import __version__
from .errors import (
    LicenseError,
    ServerUnreachable,
    TransientError,
    UnexpectedResponse,
    error_from_response,
)
from .retry import RetryPolicy, parse_retry_after

log = logging.getLogger("coditect_license_client")

USER_AGENT = f"coditect-license-client/{__version__}"


class Transport:
    """Sends requests to one server. Network errors, 5xx and 429 answers are
    retried per the :class:`RetryPolicy`; other error answers raise at once as
    the matching :class:`LicenseError` subclass."""

    def __init__(
        self,
        server_url: str,
        *,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        if not server_url.startswith(("http://", "https://")):
            raise ValueError("server_url must start with http:// or https://")
        self.server_url = server_url.rstrip("/")
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False
        )
        self._closed = threading.Event()

    def close(self) -> None:
        """Abort retries in progress and close the connections."""
        self._closed.set()
        if self._owns_http:
            self._http.close()

    def request(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Send; return (status, JSON object) of a 2xx answer, or raise. ``headers``:
        extra request headers (a person's ``Authorization``), never logged."""
        policy = retry or self.retry
        url = self.server_url + path
        started = time.monotonic()
        attempt = 0
        while True:
            outcome = self._attempt(method, url, path, payload, timeout, headers)
            if not isinstance(outcome, LicenseError):
                return outcome
            error = outcome
            attempt += 1
            if attempt >= policy.attempts or self._closed.is_set():
                raise error
            delay = policy.backoff(attempt - 1, getattr(error, "retry_after", None))
            if policy.deadline is not None and time.monotonic() - started + delay > policy.deadline:
                raise error
            log.info("%s %s failed (%s); retry in %.2f s", method, path, error, delay)
            if self._closed.wait(delay):
                raise error

    def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        payload: dict[str, Any] | None,
        timeout: float | None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]] | TransientError:
        """One try: the answer, or the transient error to retry (others raise)."""
        sent = time.monotonic()
        try:
            response = self._http.request(
                method, url, json=payload, timeout=timeout or self.timeout, headers=headers
            )
        except httpx.TransportError as exc:
            return ServerUnreachable(f"cannot reach {self.server_url}: {exc!r}")
        # The path and status only: bodies carry keys, secrets and tokens.
        log.debug(
            "%s %s -> %d in %.0f ms",
            method,
            path,
            response.status_code,
            (time.monotonic() - sent) * 1000,
        )
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if response.status_code == 204:
            return 204, {}  # No Content: a logout, say
        if response.status_code < 400:
            if not isinstance(body, dict):
                raise UnexpectedResponse(
                    f"{method} {path}: HTTP {response.status_code} without a JSON object",
                    status=response.status_code,
                )
            return response.status_code, body
        error = error_from_response(
            response.status_code,
            body,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
        if isinstance(error, TransientError):
            return error
        raise error
