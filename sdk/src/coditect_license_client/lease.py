"""What the server granted: a lease on a seat, and the results of heartbeats."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from .verify import TokenClaims


def parse_time(value: Any) -> float | None:
    """Epoch seconds from an ISO-8601 string (or a number); None if absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:  # the protocol sends aware times; assume UTC if not
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _int(data: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def _secret(data: dict[str, Any]) -> str:
    value = data.get("session_secret")
    if not isinstance(value, str) or not value:
        raise KeyError("session_secret")
    return value


@dataclass
class Lease:
    """A seat held by this client: the session, its token and the server's timings.

    ``session_secret`` proves to the server that this client holds the session
    (the session id alone is not a credential). It is opaque, sent only on
    heartbeat and release, left out of ``repr()``, and written to disk only in
    the lease cache file (mode 0600). Each acquire returns a new one.
    """

    session_id: str
    token: str
    session_secret: str = field(repr=False)
    heartbeat_interval: int
    heartbeat_ttl: int
    session_expires_at: float | None = None
    seats_total: int | None = None
    seats_used: int | None = None
    license_id: str | None = None
    license_expires_at: float | None = None
    offline_grace: int | None = None
    created: bool = False
    offline: bool = False
    acquired_at: float = field(default_factory=time.time)
    claims: TokenClaims | None = field(default=None, compare=False)
    # A borrowed seat (offline checkout): held until ``session_expires_at`` with no
    # heartbeats; its token is valid that long.
    borrowed: bool = False

    @classmethod
    def from_acquire(cls, data: dict[str, Any], *, created: bool) -> Lease:
        """Build a lease from the body of a successful acquire."""
        interval = _int(data, "heartbeat_interval") or 120
        ttl = _int(data, "heartbeat_ttl") or max(interval * 3, 1)
        return cls(
            session_id=str(data["session_id"]),
            token=str(data["token"]),
            session_secret=_secret(data),
            heartbeat_interval=max(1, interval),
            heartbeat_ttl=max(1, ttl),
            session_expires_at=parse_time(data.get("expires_at")),
            seats_total=_int(data, "seats_total"),
            seats_used=_int(data, "seats_used"),
            license_id=str(data["license_id"]) if data.get("license_id") else None,
            license_expires_at=parse_time(data.get("license_expires_at")),
            offline_grace=_int(data, "offline_grace"),
            created=created,
        )

    @property
    def token_expires_at(self) -> float | None:
        return self.claims.expires_at if self.claims else None

    def token_seconds_left(self, now: float | None = None) -> float | None:
        return self.claims.seconds_left(now) if self.claims else None

    def to_cache(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("claims", None)
        data.pop("offline", None)
        return data

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Lease:
        """Rebuild a cached lease; raises KeyError or TypeError for an unusable one
        (such as a lease cached before sessions had secrets)."""
        skip = ("claims", "offline", "session_secret")
        known = {f for f in cls.__dataclass_fields__ if f not in skip}
        return cls(**{k: v for k, v in data.items() if k in known}, session_secret=_secret(data))


@dataclass(frozen=True)
class WaitStatus:
    """Where a waiting client stands in the license's line (an acquire's 202).

    ``estimated_seconds`` is this client's own guess from how fast its place has
    moved so far (None until it has moved): the server promises no time."""

    ticket: str
    position: int
    line_length: int
    retry_after: int
    waited: float
    estimated_seconds: float | None = None

    @property
    def ordinal(self) -> str:
        n = self.position
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def describe(self) -> str:
        """``waiting for a seat: 3rd in line (about 2 min)``."""
        text = f"waiting for a seat: {self.ordinal} in line"
        if self.estimated_seconds is not None:
            text += f" (about {_about(self.estimated_seconds)})"
        return text


def _about(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class HeartbeatResult:
    """The answer to a heartbeat; ``reacquired`` when a 410 made the client acquire again."""

    session_id: str
    session_expires_at: float | None
    heartbeat_interval: int
    reacquired: bool = False


@dataclass(frozen=True)
class ClientStatus:
    """What this client knows about its seat, from memory or the disk cache."""

    held: bool
    server_url: str
    hardware_id: str
    client_instance: str | None
    session_id: str | None = None
    license_id: str | None = None
    seats_total: int | None = None
    seats_used: int | None = None
    offline: bool = False
    token_valid: bool = False
    token_expires_at: float | None = None
    token_error: str | None = None
    session_expires_at: float | None = None
    session_alive: bool | None = None
    source: str = "none"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
