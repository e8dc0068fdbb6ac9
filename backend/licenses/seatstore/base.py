"""The seat store contract: atomic seat counting with a TTL clock.

Two implementations keep it: ``RedisSeatStore`` (Lua scripts, production) and
``SqlSeatStore`` (license row lock, the embedded default). Both pass the one
contract suite in ``licenses/tests/test_seatstore_contract.py``.

Members and holders: a *member* is the idempotency key of a client (hardware
id plus client instance); its *holder* is the session id that owns the seat.
Each holder's seat keeps the digest of its session secret (``session_secrets``):
a client's heartbeat and release name the license (which the secret carries), the
holder and the digest, and the store refuses a wrong digest with
``WrongSessionSecret``, so the hot path never reads the database. Administrative
ends (revoke, suspend, the reaper) pass no digest.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


class SeatStoreUnavailable(Exception):
    """The store cannot be reached: the seat path answers 503, it never guesses."""


class WrongSessionSecret(Exception):
    """The store holds a seat of this holder whose secret digest is another one."""


@dataclass(frozen=True)
class SeatTerms:
    """What one acquire's seat step must respect: the license's rules and the asker's
    attributes. The Redis store hands it to the Lua script as one JSON object (field
    names kept), the SQL store reads it in its transaction; a seat policy adds its fields
    here and its rule to both, never a check-then-act around the store."""

    seats_total: int
    # A person's acquire (DESIGN §10): the person's user id ("" for a license-key
    # machine). The per-person rules below apply to people only.
    person: str = ""
    # The license is ``assigned`` and this verdict says whether the person is assigned
    # to it: read under a share lock of the assignment row that the service holds
    # across the seat step, so an unassign (which takes that row's update lock) and
    # this acquire serialize (``licenses.services.assignments``).
    assigned_only: bool = False
    person_assigned: bool = True
    # At most this many of the person's machines hold seats (0: no cap); at the cap,
    # ``evict_oldest`` ends the person's oldest seat instead of refusing.
    max_machines_per_person: int = 0
    evict_oldest: bool = False
    # Overage, reservations and caps (licenses.seat_policy): extra seats past
    # seats_total; the asker's project ("" none); the seats each project has reserved
    # (project -> K, every reserving project, for outsiders must leave their unused
    # part free); the most the asker's project may hold (None: no cap). A group of
    # people's rules take the same fields under its ``group_bucket`` key: to the store
    # a group is one more project.
    allowance: int = 0
    project: str = ""
    reserved: Mapping[str, int] = field(default_factory=dict)
    cap: int | None = None
    # The line (issue 21). ``queue``: the license keeps one, so a newcomer never takes a
    # seat a waiter is owed. ``wait``: a denied asker joins it (its ticket is the
    # candidate holder). ``queue_max``: longest line, 0 no limit. ``ticket_ttl``: a
    # waiter that does not ask again within it leaves the line.
    queue: bool = False
    wait: bool = False
    queue_max: int = 0
    ticket_ttl: int = 60
    # Borrow (issue 21): the seat is checked out for offline use (the acquire's TTL is the
    # borrow period); ``borrow_cap`` seats of the license may be out at once, 0 any.
    borrow: bool = False
    borrow_cap: int = 0

    def as_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def group_bucket(group_id: object) -> str:
    """The seat count a group of people's seats go into (``SeatTerms.project``): apart
    from every project's, whose keys are bare project ids."""
    return f"group:{group_id}"


@dataclass(frozen=True)
class SeatGrant:
    granted: bool
    holder: str | None
    created: bool
    seats_used: int
    expires_at: float
    now: float
    evicted: tuple[str, ...] = field(default=())
    # Facts a seat policy reports beside the grant or denial (a denial's reason, ...).
    notes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeatBeat:
    license_id: str
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
    # Filled by the rebuild loader (``members`` leaves them empty): the TTL the seat
    # beats with and its session secret's digest.
    ttl: int = 0
    secret_digest: str = ""
    # A person's seat: the person's user id and when it was granted (epoch seconds).
    person: str = ""
    granted_at: float = 0.0
    # The project the seat counts against ("" none), or its group's ``group_bucket``:
    # restores the per-project index.
    project: str = ""
    # A borrowed seat (counted against the license's borrow cap).
    borrowed: bool = False


@dataclass(frozen=True)
class Waiter:
    """A member waiting in a license's line, in order (issue 21)."""

    member: str
    ticket: str
    joined_at: float
    deadline: float


# Returns the seats the database believes live for a license (Redis rebuild).
SeatLoader = Callable[[str], Iterable[LiveSeat]]


class SeatStore(Protocol):
    write_behind: bool

    def now(self) -> float: ...

    def acquire(
        self,
        license_id: str,
        member: str,
        holder: str,
        terms: SeatTerms,
        ttl: int,
        secret_digest: str,
    ) -> SeatGrant:
        """Evict expired, return the live holder of ``member``, else add if the terms
        allow, else deny: one atomic step. A granted seat's secret digest becomes
        ``secret_digest`` (a re-acquire replaces the previous one)."""
        ...

    def heartbeat(self, license_id: str, holder: str, secret_digest: str) -> SeatBeat | None:
        """Extend a live holder's seat by its TTL; None if it is dead or unknown;
        ``WrongSessionSecret`` if the store holds it with another digest."""
        ...

    def release(
        self,
        license_id: str,
        holder: str,
        *,
        secret_digest: str | None = None,
        member: str | None = None,
    ) -> SeatRelease | None:
        """Free ``holder``'s seat and count the license's live seats after, in one step;
        None when the store knows no seat of ``holder``. A client passes its
        ``secret_digest`` (``WrongSessionSecret`` if it is not the seat's); an
        administrative end passes none, and the ``member`` it knows from the database."""
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

    def queue_cancel(self, license_id: str, ticket: str) -> Waiter | None:
        """Take ``ticket`` out of the license's line; the waiter it was, or None."""
        ...

    def queue(self, license_id: str) -> list[Waiter]:
        """The license's line, head first, without the waiters whose tickets lapsed."""
        ...
