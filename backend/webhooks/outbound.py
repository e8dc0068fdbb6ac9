"""Sending one webhook request without being turned against our own network (SSRF).

- Only ``https`` URLs, and only to public addresses: the host is resolved at connect
  time (each attempt: a DNS change between two attempts is seen) and the request is
  refused if ANY of its addresses is loopback, private, link-local (the cloud metadata
  service, 169.254.169.254), shared, reserved, multicast or unspecified. The connection
  then goes to the checked address itself, with the URL's host for TLS (SNI and the
  certificate check) and the ``Host`` header, so a second lookup cannot swap it.
- Redirects are never followed: a 3xx is a failed attempt.
- ``WEBHOOK_ALLOW_LOOPBACK`` (development and tests) also allows loopback addresses,
  and plain ``http`` to them only.
- Timeouts are bounded (connect, each read, and a deadline for the whole response) and
  at most ``WEBHOOK_RESPONSE_MAX_BYTES`` of the body are read.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings


class UnsafeUrl(Exception):
    """The URL may not receive webhooks; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Reply:
    status_code: int | None
    body: bytes
    latency_ms: int
    error: str = ""


def parse(url: str) -> Target:
    """Check the URL's form (and a literal address); raise UnsafeUrl."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeUrl("the URL must start with https://")
    if scheme == "http" and not settings.WEBHOOK_ALLOW_LOOPBACK:
        raise UnsafeUrl("the URL must start with https://")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("the URL may not carry a user name or password")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeUrl("the URL has no host")
    literal = _as_address(host)
    if literal is not None:
        _check_address(literal, scheme, host)
    elif host.lower() == "localhost" or host.lower().endswith(".localhost"):
        _check_address(ipaddress.ip_address("127.0.0.1"), scheme, host)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _as_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def _check_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, scheme: str, host: str
) -> None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        if settings.WEBHOOK_ALLOW_LOOPBACK:
            return
        raise UnsafeUrl(f"{host} is a loopback address ({address})")
    if scheme != "https":
        raise UnsafeUrl("plain http is allowed only to loopback addresses")
    if not address.is_global or address.is_multicast:
        raise UnsafeUrl(f"{host} is not a public address ({address})")


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, from the system's resolver (tests may swap this function)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def post(url: str, body: bytes, headers: dict[str, str]) -> Reply:
    """POST ``body`` to ``url`` as described in the module; a refused URL raises
    UnsafeUrl, a network failure is a Reply with ``error`` and no status."""
    target = parse(url)
    started = time.monotonic()
    try:
        addresses = resolve(target.host, target.port)
    except OSError as exc:
        return Reply(None, b"", _ms(started), f"could not resolve {target.host}: {exc}")
    if not addresses:
        return Reply(None, b"", _ms(started), f"{target.host} has no address")
    for address in addresses:
        parsed = _as_address(address)
        if parsed is None:
            raise UnsafeUrl(f"{target.host} resolved to {address!r}")
        _check_address(parsed, target.scheme, target.host)
    return _send(target, addresses[0], body, headers, started)


def _send(target: Target, address: str, body: bytes, headers: dict[str, str], started: float):
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_CONNECT_TIMEOUT, read=settings.WEBHOOK_READ_TIMEOUT
    )
    common = {"host": address, "port": target.port, "timeout": timeout, "retries": False}
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            **common,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    else:
        pool = urllib3.HTTPConnectionPool(**common)
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if ":" not in target.host else f"[{target.host}]"
    if target.port != default_port:
        host_header = f"{host_header}:{target.port}"
    deadline = started + settings.WEBHOOK_TOTAL_TIMEOUT
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            data = _read_capped(response, deadline)
        finally:
            response.release_conn()
        return Reply(response.status, data, _ms(started))
    except urllib3.exceptions.HTTPError as exc:
        return Reply(None, b"", _ms(started), _describe(exc))
    except OSError as exc:
        return Reply(None, b"", _ms(started), str(exc)[:300])
    finally:
        pool.close()


def _read_capped(response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    """At most WEBHOOK_RESPONSE_MAX_BYTES of the body, and nothing after the deadline: a
    receiver that sends slowly or without end does not hold the worker."""
    cap = settings.WEBHOOK_RESPONSE_MAX_BYTES
    data = b""
    while len(data) < cap and time.monotonic() < deadline:
        chunk = response.read1(cap - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _describe(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc)[:300]


def _ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))
