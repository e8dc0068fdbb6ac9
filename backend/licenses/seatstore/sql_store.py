"""SQL seat store: seats are ``SeatLease`` rows; every change holds the license row lock.

Works on PostgreSQL (``SELECT … FOR UPDATE`` on the license) and on SQLite
(``BEGIN IMMEDIATE`` serialises writers, see settings). The clock is the
database's, so API processes on different hosts agree on expiry.
"""

import hmac
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.db.utils import OperationalError
from django_scopes import scopes_disabled

from licenses.models import License, SeatLease, SeatTicket
from licenses.seatstore.base import (
    LiveSeat,
    SeatBeat,
    SeatGrant,
    SeatRelease,
    SeatStoreUnavailable,
    SeatTerms,
    Waiter,
    WrongSessionSecret,
)


def _ts(moment: datetime) -> float:
    return moment.timestamp()


def _dt(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def database_now() -> datetime:
    """The database server's clock (not this process's)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
        cursor.execute("SELECT (julianday('now') - 2440587.5) * 86400.0")
        return _dt(cursor.fetchone()[0])


def _person_assigned(terms: SeatTerms) -> bool:
    """The assignment rule (``SeatTerms.assigned_only``): the service's verdict was read
    under the assignment row's share lock, held until after this step."""
    return not (terms.person and terms.assigned_only and not terms.person_assigned)


def _person_cap(leases: QuerySet[SeatLease], terms: SeatTerms, used: int) -> dict[str, Any]:
    """The per-person cap, under the license row lock (expired leases already gone):
    the denial's notes, or the person's oldest leases deleted (``evict_oldest``) so the
    new seat fits, their holders in ``evicted_person``. Nothing is evicted when the
    license's own limit would refuse the new seat anyway. Lua: ``lua._PERSON_CAP``."""
    cap = terms.max_machines_per_person
    if not terms.person or cap <= 0:
        return {}
    mine = list(
        leases.filter(person=terms.person).order_by("granted_at", "id").values_list("id", "holder")
    )
    if len(mine) < cap:
        return {}
    excess = len(mine) - cap + 1
    if not terms.evict_oldest:
        return {"reason": "person_seat_limit", "person_holders": [h for _, h in mine]}
    if used - excess >= terms.seats_total + terms.allowance:
        return {}
    oldest = mine[:excess]
    SeatLease.objects.filter(id__in=[lease_id for lease_id, _ in oldest]).delete()
    return {"evicted_person": [h for _, h in oldest]}


def _seat_policy_admits(
    leases: QuerySet[SeatLease], used: int, terms: SeatTerms
) -> tuple[bool, dict[str, Any]]:
    """Overage, reservations and caps per project: the SQL twin of Lua's
    ``seat_policy_admits`` (see ``lua._SEAT_POLICY``), run under the license row lock
    with the expired seats already gone. Whether a new seat may be granted, and notes."""
    notes: dict[str, Any] = {}
    limit = terms.seats_total + terms.allowance
    projects = set(terms.reserved)
    if terms.project:
        projects.add(terms.project)
    held: dict[str, int] = {}
    if projects:
        rows = (
            leases.filter(project__in=projects).values_list("project").annotate(n=Count("id"))
        ).order_by()
        held = dict(rows)
    mine = held.get(terms.project, 0) if terms.project else 0
    if terms.cap is not None and mine >= terms.cap:
        notes["reason"] = "project_cap_reached"
        return False, notes
    after = used + 1
    for project, reserved in terms.reserved.items():
        in_use = mine + 1 if project == terms.project else held.get(project, 0)
        after += max(0, reserved - in_use)
    if after > limit:
        if used < limit:
            notes["reason"] = "seats_reserved"
        return False, notes
    if used + 1 > terms.seats_total:
        notes["overage"] = True
    return True, notes


class _Line:
    """The license's line of waiters inside the acquire's transaction (issue 21), the
    SQL twin of the Lua chunks ``_LINE``, ``_LINE_GRANTED`` and ``_LINE_DENIED``: the
    same rule, under the same license row lock as the seats."""

    def __init__(self, license_id: str, member: str, terms: SeatTerms, now: datetime):
        self.license_id, self.terms, self.member, self.now = license_id, terms, member, now
        self.tickets = SeatTicket.objects.filter(license_id=license_id)
        self.length, self.ahead, self.mine = 0, 0, None
        if not terms.queue:
            return
        self.tickets.filter(deadline__lte=now).delete()
        order = list(self.tickets.order_by("id").values_list("member", flat=True))
        self.length = len(order)
        if member in order:
            self.mine = order.index(member)
        # Exact arrival order: only the head may take a seat, as in the Lua chunk.
        if self.mine is None:
            self.ahead = self.length
        else:
            # (A number past any limit, overage allowance included.)
            self.ahead = 0 if self.mine == 0 else 10**9

    def granted(self, notes: dict) -> None:
        if self.mine is None:
            return
        ticket = self.tickets.get(member=self.member)
        ticket.delete()
        notes["ticket"] = ticket.ticket
        notes["waited"] = _ts(self.now) - _ts(ticket.joined_at)

    def denied(self, notes: dict, org_id: int, candidate: str) -> None:
        terms, deadline = self.terms, self.now + timedelta(seconds=self.terms.ticket_ttl)
        if terms.queue and self.mine is not None:
            self.tickets.filter(member=self.member).update(deadline=deadline)
            notes["ticket"] = self.tickets.get(member=self.member).ticket
            notes["position"] = self.mine + 1
        elif terms.queue and terms.wait:
            if terms.queue_max > 0 and self.length >= terms.queue_max:
                notes["queue_full"] = True
            else:
                SeatTicket.objects.create(
                    org_id=org_id,
                    license_id=self.license_id,
                    member=self.member,
                    ticket=candidate,
                    joined_at=self.now,
                    deadline=deadline,
                )
                self.length += 1
                notes["ticket"], notes["position"] = candidate, self.length
                notes["joined"] = True
        if self.length > 0:
            notes["line_length"] = self.length


def _borrow_refused(leases, member: str, terms: SeatTerms) -> bool:
    """The license's borrow cap (issue 21), the SQL twin of the Lua chunk ``_BORROW``."""
    if not (terms.borrow and terms.borrow_cap > 0):
        return False
    return leases.filter(borrowed=True).exclude(member=member).count() >= terms.borrow_cap


class SqlSeatStore:
    write_behind = False

    def now(self) -> float:
        return _ts(database_now())

    def acquire(
        self,
        license_id: str,
        member: str,
        holder: str,
        terms: SeatTerms,
        ttl: int,
        secret_digest: str,
    ) -> SeatGrant:
        with self._guard(), transaction.atomic(), scopes_disabled():
            org_id = (
                License.objects.select_for_update()
                .values_list("org_id", flat=True)
                .get(id=license_id)
            )
            now = database_now()
            leases = SeatLease.objects.filter(license_id=license_id)
            expired = list(leases.filter(expires_at__lte=now).values_list("holder", flat=True))
            if expired:
                leases.filter(expires_at__lte=now).delete()
            expires = now + timedelta(seconds=ttl)
            notes: dict = {}
            line = _Line(license_id, member, terms, now)
            if _borrow_refused(leases, member, terms):
                notes["borrow_limit"] = True
                used = leases.count()
                return SeatGrant(False, None, False, used, 0.0, _ts(now), tuple(expired), notes)
            if not _person_assigned(terms):
                used = leases.count()
                notes = {"reason": "license_not_assigned"}
                return SeatGrant(False, None, False, used, 0.0, _ts(now), tuple(expired), notes)
            existing = leases.filter(member=member).first()
            if existing is not None:
                existing.expires_at, existing.secret_digest = expires, secret_digest
                existing.borrowed = terms.borrow
                existing.save(update_fields=["expires_at", "secret_digest", "borrowed"])
                used = leases.count()
                return SeatGrant(
                    True, existing.holder, False, used, _ts(expires), _ts(now), tuple(expired)
                )
            used = leases.count()
            person_notes = _person_cap(leases, terms, used)
            if "reason" in person_notes:
                return SeatGrant(
                    False, None, False, used, 0.0, _ts(now), tuple(expired), person_notes
                )
            used -= len(person_notes.get("evicted_person", ()))
            # Waiters ahead are owed seats first (the line), then the policy's limit.
            admitted, policy_notes = _seat_policy_admits(leases, used + line.ahead, terms)
            notes.update(person_notes)
            notes.update(policy_notes)
            if not admitted:
                line.denied(notes, org_id, holder)
                return SeatGrant(False, None, False, used, 0.0, _ts(now), tuple(expired), notes)
            SeatLease.objects.create(
                org_id=org_id,
                license_id=license_id,
                member=member,
                holder=holder,
                expires_at=expires,
                secret_digest=secret_digest,
                project=terms.project,
                borrowed=terms.borrow,
                person=terms.person,
                granted_at=now,
            )
            line.granted(notes)
            return SeatGrant(
                True, holder, True, used + 1, _ts(expires), _ts(now), tuple(expired), notes
            )

    def heartbeat(self, license_id: str, holder: str, secret_digest: str) -> SeatBeat | None:
        with self._guard(), transaction.atomic(), scopes_disabled():
            now = database_now()
            lease = (
                SeatLease.objects.select_related("license")
                .only(
                    "id",
                    "member",
                    "license_id",
                    "expires_at",
                    "secret_digest",
                    "license__heartbeat_ttl",
                )
                .filter(license_id=license_id, holder=holder)
                .first()
            )
            if lease is None:
                return None
            if not hmac.compare_digest(lease.secret_digest, secret_digest):
                raise WrongSessionSecret()
            if lease.expires_at <= now:
                SeatLease.objects.filter(id=lease.id, expires_at__lte=now).delete()
                return None
            expires = now + timedelta(seconds=lease.license.heartbeat_ttl)
            SeatLease.objects.filter(id=lease.id).update(expires_at=expires)
            return SeatBeat(str(lease.license_id), _ts(expires), _ts(now))

    def release(
        self,
        license_id: str,
        holder: str,
        *,
        secret_digest: str | None = None,
        member: str | None = None,
    ) -> SeatRelease | None:
        with self._guard(), transaction.atomic(), scopes_disabled():
            leases = SeatLease.objects.filter(license_id=license_id, holder=holder)
            known = leases.values_list("secret_digest", flat=True).first()
            if known is None:
                return None
            if secret_digest is not None and not hmac.compare_digest(known, secret_digest):
                raise WrongSessionSecret()
            deleted, _ = leases.delete()
            now = database_now()
            used = SeatLease.objects.filter(license_id=license_id, expires_at__gt=now).count()
        return SeatRelease(str(license_id), deleted > 0, used, _ts(now))

    def count(self, license_id: str) -> int:
        with self._guard(), scopes_disabled():
            return SeatLease.objects.filter(
                license_id=license_id, expires_at__gt=database_now()
            ).count()

    def counts(self, license_ids: Iterable[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(license_ids))
        if not ids:
            return {}
        with self._guard(), scopes_disabled():
            rows = (
                SeatLease.objects.filter(license_id__in=ids, expires_at__gt=database_now())
                .values_list("license_id")
                .annotate(n=Count("id"))
                .order_by()
            )
            found = {str(license_id): n for license_id, n in rows}
        return {license_id: found.get(str(license_id), 0) for license_id in ids}

    def members(self, license_id: str) -> list[LiveSeat]:
        with self._guard(), scopes_disabled():
            rows = SeatLease.objects.filter(
                license_id=license_id, expires_at__gt=database_now()
            ).values_list("member", "holder", "expires_at")
            return [LiveSeat(m, h, _ts(e)) for m, h, e in rows]

    def reap(self, license_id: str, member: str, holder: str) -> float | None:
        with self._guard(), transaction.atomic(), scopes_disabled():
            now = database_now()
            lease = SeatLease.objects.filter(license_id=license_id, holder=holder).first()
            if lease is None:
                return None
            if lease.expires_at > now:
                return _ts(lease.expires_at)
            SeatLease.objects.filter(id=lease.id, expires_at__lte=now).delete()
            return None

    def drop_license(self, license_id: str) -> None:
        with self._guard(), scopes_disabled():
            SeatLease.objects.filter(license_id=license_id).delete()

    def queue_cancel(self, license_id: str, ticket: str) -> Waiter | None:
        with self._guard(), transaction.atomic(), scopes_disabled():
            License.objects.select_for_update().values_list("id", flat=True).get(id=license_id)
            row = SeatTicket.objects.filter(license_id=license_id, ticket=ticket).first()
            if row is None:
                return None
            row.delete()
            return Waiter(row.member, row.ticket, _ts(row.joined_at), _ts(row.deadline))

    def queue(self, license_id: str) -> list[Waiter]:
        with self._guard(), scopes_disabled():
            rows = (
                SeatTicket.objects.filter(license_id=license_id, deadline__gt=database_now())
                .order_by("id")
                .values_list("member", "ticket", "joined_at", "deadline")
            )
            return [Waiter(m, t, _ts(j), _ts(d)) for m, t, j, d in rows]

    @staticmethod
    def _guard() -> "_DatabaseGuard":
        return _DatabaseGuard()


class _DatabaseGuard:
    """Turns a lost database connection into the seat path's 503, like Redis errors."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, OperationalError):
            raise SeatStoreUnavailable(f"SQL seat store unavailable: {exc}") from exc
        return False
