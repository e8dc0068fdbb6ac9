"""The seat store contract: atomic seat counting with a TTL clock.

Two implementations keep it: ``RedisSeatStore`` (Lua scripts, production) and
``SqlSeatStore`` (license row lock, the embedded default). Both pass the one
contract suite in ``licenses/tests/test_seatstore_contract.py``.

Members and holders: a *member* is the idempotency key of a client (hardware
id plus client instance); its *holder* is the session id that owns the seat.
Heartbeat and release take the holder alone, because that is all a client
sends, and the hot path must not read the database to find the license.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol


class SeatStoreUnavailable(Exception):
    """The store cannot be reached: the seat path answers 503, it never guesses."""


@dataclass(frozen=True)
class SeatGrant:
    granted: bool
    holder: str | None
    created: bool
    seats_used: int
    expires_at: float
    now: float
    evicted: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SeatBeat:
    license_id: str
    member: str
    expires_at: float
    now: float


@dataclass(frozen=True)
class SeatRelease:
    license_id: str
    removed: bool  # a live seat was freed by this release
    seats_used: int  # the license's live seats right after it
    now: float


@dataclass(frozen=True)
class LiveSeat:
    member: str
    holder: str
    expires_at: float


@dataclass(frozen=True)
class SeatRoute:
    license_id: str
    member: str
    ttl: int


# Returns the seats the database believes live for a license (Redis rebuild).
SeatLoader = Callable[[str], Iterable[LiveSeat]]
# Returns where a holder's seat lives, from the database (Redis route rebuild).
RouteLoader = Callable[[str], SeatRoute | None]


class SeatStore(Protocol):
    write_behind: bool

    def now(self) -> float: ...

    def acquire(
        self, license_id: str, member: str, holder: str, seats_total: int, ttl: int
    ) -> SeatGrant:
        """Evict expired, return the live holder of ``member``, else add if below the
        limit, else deny: one atomic step."""
        ...

    def heartbeat(self, holder: str) -> SeatBeat | None:
        """Extend a live holder's seat by its TTL; None if it is dead or unknown."""
        ...

    def release(self, holder: str) -> SeatRelease | None:
        """Free ``holder``'s seat and count the license's live seats after, in one step;
        None when the store knows no seat of ``holder``."""
        ...

    def count(self, license_id: str) -> int: ...

    def counts(self, license_ids: Iterable[str]) -> dict[str, int]:
        """Live seats of several licenses in one round trip (dashboards: no N+1)."""
        ...

    def members(self, license_id: str) -> list[LiveSeat]: ...

    def reap(self, license_id: str, member: str, holder: str) -> float | None:
        """Drop ``holder`` if its seat has expired (return None), else its expiry."""
        ...

    def drop_license(self, license_id: str) -> None: ...
