"""The client seat protocol: acquire, heartbeat, release, and an admin's revoke.

Each call takes its seat step in the seat store (one atomic step: a Lua script on
Redis, a transaction on SQL) and writes the session row with its seat event through
``session_rows``. The store and the database can disagree after an outage; where they
do, the database wins (``_EndedHolder``).
"""

import logging
import uuid
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django_scopes import scope, scopes_disabled

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from licenses import license_cache, person_cache, selectors
from licenses.errors import (
    BorrowLimitReached,
    BorrowNotAllowed,
    BorrowTooLong,
    InvalidLicenseKey,
    InvalidPersonToken,
    InvalidSessionSecret,
    LicenseNotAssigned,
    LicenseNotFound,
    LicenseRefused,
    NoSeatsAvailable,
    PersonSeatLimit,
    QueueFull,
    SeatStoreDown,
    SessionExpired,
    SigningUnavailable,
)
from licenses.models import License, LicenseSession, SeatEvent, SeatWait
from licenses.seat_policy import group_rule_ids, overage_observed, person_group, seat_terms
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import (
    SeatGrant,
    SeatStoreUnavailable,
    SeatTerms,
    WrongSessionSecret,
)
from licenses.selectors import as_datetime
from licenses.services import session_rows
from licenses.services.assignments import assignment_share_lock
from licenses.session_secrets import (
    session_secret_digest,
    session_secret_license,
    session_secret_new,
)
from licenses.signing import current_signer
from tenants.selectors import groups_of_person
from users.selectors import sign_in_live

logger = logging.getLogger(__name__)
Status = LicenseSession.Status
Event = SeatEvent.Kind


@dataclass(frozen=True)
class AcquiredSeat:
    session: LicenseSession
    license: License
    token: str
    created: bool
    seats_used: int
    # Seat policy marks: a grant past seats_total within the overage allowance, and an
    # acquire of a license past its expiry but within its grace period.
    overage: bool
    grace: bool
    # Shown to the client this once (licenses.session_secrets); never logged.
    secret: str = dataclass_field(repr=False)


def session_member(hardware_id: str, client_instance: str = "") -> str:
    """The seat store's idempotency key: one seat per fingerprint and client instance."""
    return f"{hardware_id}\x1f{client_instance}" if client_instance else hardware_id


@dataclass(frozen=True)
class QueuedSeat:
    """An acquire that waits in the license's line (issue 21): the client asks again
    (the same acquire, ``wait`` on) within ``ticket_ttl`` seconds, best after
    ``retry_after``, to keep its place; the head's ask after a seat frees is granted."""

    license: License
    ticket: str
    position: int
    line_length: int
    retry_after: int
    ticket_ttl: int


def session_acquire(
    *,
    license_key: str,
    hardware_id: str,
    client_instance: str = "",
    client_info: dict[str, Any] | None = None,
    ip_address: str | None = None,
    license_prefetch: license_cache.Prefetched | None = None,
    project: str = "",
    wait: bool = False,
    borrow_hours: int = 0,
) -> AcquiredSeat | QueuedSeat:
    """Validate the license, take a seat in one atomic step, record the session, sign a
    token. ``license_prefetch``: see ``selectors.license_get_by_key``. ``project``: the
    slug of the organization's project the seat counts against (reservations and caps,
    ``licenses.seat_policy``); none: the license's project.

    Every grant, a re-acquire of a live session included, comes with a new session
    secret; the previous one is refused from then on (``licenses.session_secrets``).

    ``wait``: on a license that keeps a line, a denied asker joins it and gets a
    ``QueuedSeat``; a waiter's ask keeps its place. ``borrow_hours``: the seat is
    borrowed for that long (``session_borrow``)."""
    license_ = selectors.license_get_by_key(license_key, license_prefetch)
    if license_ is None:
        raise InvalidLicenseKey()
    if reason := license_.invalid_reason():
        raise LicenseRefused(reason)
    _check_borrow(license_, borrow_hours)

    project_id = selectors.project_id_for_acquire(license_, project)
    asker = _Asker(hardware_id, client_instance, client_info, ip_address, project_id=project_id)
    terms = _line_and_borrow_terms(license_, seat_terms(license_, project_id), borrow_hours)
    ttl = _seat_ttl(license_, borrow_hours)
    return _take_seat(license_, replace(terms, wait=wait), asker, ttl=ttl)


def _check_borrow(license_: License, hours: int) -> None:
    """A borrow's own refusals, before any seat step (no hours: not a borrow)."""
    if not hours:
        return
    if license_.max_borrow_hours == 0:
        raise BorrowNotAllowed()
    if hours > license_.max_borrow_hours:
        raise BorrowTooLong(details={"max_borrow_hours": license_.max_borrow_hours})


def _line_and_borrow_terms(license_: License, terms: SeatTerms, borrow_hours: int) -> SeatTerms:
    """The line and the borrow in one seat step's terms: whoever asks, a newcomer never
    takes a seat a waiter is owed, and a borrow counts against the borrow cap."""
    return replace(
        terms,
        queue=license_.queue_enabled,
        queue_max=license_.queue_max_length,
        ticket_ttl=license_.queue_ticket_ttl,
        borrow=borrow_hours > 0,
        borrow_cap=license_.max_borrowed_seats,
    )


def _seat_ttl(license_: License, borrow_hours: int) -> int:
    """How long the seat lasts without a heartbeat: a borrow's whole period."""
    return borrow_hours * 3600 if borrow_hours else license_.heartbeat_ttl


def session_acquire_as_person(
    *,
    user_id: str,
    family_id: str,
    hardware_id: str,
    license_id: str | None = None,
    client_instance: str = "",
    client_info: dict[str, Any] | None = None,
    ip_address: str | None = None,
    verdict_prefetch: person_cache.Prefetched | None = None,
    wait: bool = False,
    borrow_hours: int = 0,
) -> AcquiredSeat | QueuedSeat:
    """A person's acquire (DESIGN §10): the license named, else the one assigned to
    them; the session and its token name the person. ``verdict_prefetch``: what the
    acquire throttle read of ``person_cache`` (a named license open to every member is
    then found without the database). ``wait``: as for ``session_acquire``, the person's
    place in the line is their seat-store member (machine and person), so their next ask
    from that machine keeps it. ``borrow_hours``: the seat is borrowed for that long
    (``session_borrow_as_person``); a borrow never waits.

    The license's rules for people run inside the seat step (``SeatTerms``): who may
    (``assigned``) and on how many machines, a borrowed seat counting like any other; a
    person those rules refuse does not join the line. For an
    ``assigned`` license the verdict is read under a share lock of the person's
    assignment row, held until the session row is written: an unassign takes that row's
    update lock, so it waits for this acquire and then ends the seat it granted, or this
    acquire waits for the unassign and finds no assignment (``services.assignments``)."""
    license_ = person_cache.lookup(verdict_prefetch, license_id) if license_id else None
    if license_ is None:
        license_ = selectors.license_for_person(
            user_id=user_id, family_id=family_id, license_id=license_id
        )
        if license_ is not None and license_id:
            person_cache.fill(verdict_prefetch, license_)
            license_cache.fill_by_id(license_)
    if license_ is None:
        raise _no_license_for_person(user_id, family_id)
    if reason := license_.invalid_reason():
        raise LicenseRefused(reason)
    _check_borrow(license_, borrow_hours)
    project_id = selectors.project_id_for_acquire(license_, "")
    group_id = ""
    if groups := group_rule_ids(license_):
        # One query, and only for a license whose rules name groups of people.
        mine = groups_of_person(org_id=license_.org_id, user_id=user_id, among=groups)
        group_id = person_group(license_, mine)
    asker = _Asker(
        hardware_id, client_instance, client_info, ip_address, str(user_id), project_id, group_id
    )
    terms = replace(
        seat_terms(license_, project_id, group_id),
        person=str(user_id),
        max_machines_per_person=license_.max_machines_per_person or 0,
        evict_oldest=license_.person_limit_action == License.PersonLimitAction.EVICT_OLDEST,
        wait=wait and not borrow_hours,
    )
    terms = _line_and_borrow_terms(license_, terms, borrow_hours)
    ttl = _seat_ttl(license_, borrow_hours)
    if license_.assignment != License.Assignment.ASSIGNED:
        return _take_seat(license_, terms, asker, ttl=ttl)
    refused: DomainError
    with transaction.atomic():
        assigned = assignment_share_lock(license_id=license_.id, user_id=user_id)
        terms = replace(terms, assigned_only=True, person_assigned=assigned)
        try:
            return _take_seat(license_, terms, asker, ttl=ttl)
        except DomainError as exc:
            # A refusal commits what it recorded (its seat event, expired sessions).
            refused = exc
    raise refused


def _no_license_for_person(user_id: str, family_id: str) -> DomainError:
    """Why a person found no license by that id: only a refusal reads more, and a
    revoked sign-in is told to sign in again."""
    if not sign_in_live(user_id=user_id, family_id=family_id):
        return InvalidPersonToken()
    return LicenseNotFound()


@dataclass(frozen=True)
class _Asker:
    hardware_id: str
    client_instance: str
    client_info: dict[str, Any] | None
    ip_address: str | None
    person: str = ""
    project_id: str = ""
    # The group of people the seat counts against ("" none): recorded on the session
    # beside its project, so a Redis rebuild counts it against the group again.
    group_id: str = ""

    @property
    def member(self) -> str:
        """A person's seat is theirs on that machine: two people on one shared machine
        hold a seat each, and a machine's license-key seat is not a person's."""
        member = session_member(self.hardware_id, self.client_instance)
        return f"{member}\x1e{self.person}" if self.person else member


def _take_seat(
    license_: License,
    terms: SeatTerms,
    asker: _Asker,
    *,
    ttl: int | None = None,
    _retried: bool = False,
) -> AcquiredSeat | QueuedSeat:
    ttl = ttl or license_.heartbeat_ttl
    store = get_seat_store()
    member = asker.member
    candidate = str(uuid.uuid4())
    secret = session_secret_new(license_.id)
    digest = session_secret_digest(secret)
    try:
        grant = store.acquire(str(license_.id), member, candidate, terms, ttl, digest)
    except SeatStoreUnavailable as exc:
        logger.error("acquire refused: %s", exc)
        raise SeatStoreDown() from exc
    except License.DoesNotExist:
        # Deleted between the key check and the seat step (SQL store).
        raise InvalidLicenseKey() from None

    with scope(org=license_.org_id):
        try:
            _end_evicted(license_, grant)
            if not grant.granted:
                return _denied(license_, grant, asker.person)
            overage = overage_observed(license_, grant.seats_used, grant.notes) or (
                not grant.created and grant.seats_used > license_.seats_total
            )
            grace = license_.in_grace(as_datetime(grant.now))
            # Signed before the row is written: a signer that fails leaves nothing behind.
            token = _sign_token(
                license_,
                grant.holder,
                asker.hardware_id,
                grant,
                overage=overage,
                grace=grace,
                person=asker.person,
                borrowed=terms.borrow,
            )
            session = _record_session(
                license_,
                grant,
                member,
                digest,
                asker.hardware_id,
                asker.client_instance,
                asker.client_info,
                asker.ip_address,
                asker.project_id,
                asker.person,
                borrowed=terms.borrow,
                group_id=asker.group_id,
            )
            if "waited" in grant.notes:
                _record_wait(license_, SeatWait.Outcome.GRANTED, grant.notes["waited"], grant)
        except _EndedHolder:
            # The store still counted a seat for a session the database has ended
            # (its release or revoke reached the database but not the store, e.g.
            # across an outage). The database wins: free that seat, ask once more.
            store.release(str(license_.id), grant.holder, member=member)
            if _retried:
                raise
            return _take_seat(license_, terms, asker, ttl=ttl, _retried=True)
        except Exception as exc:
            if grant.granted and grant.created:
                # Nothing half-written: the seat goes back with the failed insert.
                store.release(str(license_.id), candidate, member=member)
            if (
                isinstance(exc, IntegrityError)
                and not License.objects.filter(id=license_.id).exists()
            ):
                # The license was deleted while this acquire was in flight.
                raise InvalidLicenseKey() from exc
            raise
    return AcquiredSeat(
        session, license_, token, grant.created, grant.seats_used, overage, grace, secret
    )


def _end_evicted(license_: License, grant: SeatGrant) -> None:
    """End the sessions the seat step dropped: expired ones (zombies), and a person's
    oldest ones that ``evict_oldest`` made room with (revoked: their next heartbeat is
    a 410). Counted before this grant's own seat was added."""
    before_add = grant.seats_used - (1 if grant.granted and grant.created else 0)
    at = as_datetime(grant.now)
    if grant.evicted:
        by_person = len(grant.notes.get("evicted_person", ()))
        session_rows.sessions_end(
            grant.evicted, Status.ZOMBIE, at, {str(license_.id): before_add + by_person}
        )
    if evicted := grant.notes.get("evicted_person"):
        session_rows.sessions_end(evicted, Status.REVOKED, at, {str(license_.id): before_add})


def _refusal(license_: License, grant: SeatGrant) -> DomainError:
    notes = grant.notes
    if notes.get("borrow_limit"):
        return BorrowLimitReached(details={"max_borrowed_seats": license_.max_borrowed_seats})
    if notes.get("queue_full"):
        return QueueFull(
            details={**_denial_details(license_, grant), "line_length": notes.get("line_length", 0)}
        )
    reason = notes.get("reason")
    if reason == "license_not_assigned":
        return LicenseNotAssigned()
    if reason == "person_seat_limit":
        machines = selectors.sessions_of_holders(grant.notes.get("person_holders", ()))
        return PersonSeatLimit(
            details={
                "max_machines_per_person": license_.max_machines_per_person,
                "machines": machines,
            }
        )
    return NoSeatsAvailable(details=_denial_details(license_, grant))


def _denial_details(license_: License, grant: SeatGrant) -> dict[str, Any]:
    """What a refused client is told: the counts, and why when a policy refused it
    (``seats_reserved``: the free seats are kept for projects that reserved them;
    ``project_cap_reached``: the asker's project holds its cap)."""
    details: dict[str, Any] = {
        "seats_total": license_.seats_total,
        "seats_used": grant.seats_used,
    }
    if license_.overage_allowance:
        details["overage_allowance"] = license_.overage_allowance
    if reason := grant.notes.get("reason"):
        details["reason"] = reason
    if line := grant.notes.get("line_length"):
        details["line_length"] = line
    return details


def _retry_after(license_: License, position: int) -> int:
    """How soon a waiter asks again: the head every second, so a freed seat waits a
    second at most; the n-th every n seconds, never later than a third of the ticket's
    TTL (two lost asks keep the place): a line of 50 asks about 5 times a second in all
    with the default 60 s TTL (within the per-key acquire limit)."""
    return max(1, min(position, license_.queue_ticket_ttl // 3))


def _denied(license_: License, grant: SeatGrant, person: str = "") -> QueuedSeat:
    """A denial's answer: a place in the line when the seat step gave one, else the
    refusal its notes name. A waiter's later asks are not denials: only joining the
    line, or a refusal, records a ``deny`` event."""
    notes = grant.notes
    if "ticket" in notes:
        if notes.get("joined"):
            _record_denial(license_, grant, person)
        return QueuedSeat(
            license_,
            notes["ticket"],
            notes["position"],
            notes["line_length"],
            _retry_after(license_, notes["position"]),
            license_.queue_ticket_ttl,
        )
    _record_denial(license_, grant, person)
    raise _refusal(license_, grant)


def _record_wait(license_: License, outcome: str, waited: float, grant_or_now: Any) -> None:
    """One ``SeatWait`` (the analytics of waits); failing to write it changes nothing
    for the client."""
    at = grant_or_now.now if isinstance(grant_or_now, SeatGrant) else grant_or_now
    try:
        with scopes_disabled():
            SeatWait.objects.create(
                org_id=license_.org_id,
                license_id=license_.id,
                outcome=outcome,
                waited=max(0.0, float(waited)),
                at=as_datetime(at),
            )
    except DatabaseError:
        logger.exception("could not record a wait in the line of license %s", license_.id)


def queue_cancel(*, license_key: str, ticket: str) -> bool:
    """Leave the license's line (a waiter's Ctrl-C): whether ``ticket`` was in it.
    Cancelling twice, or a ticket already granted or lapsed, is not an error."""
    license_ = selectors.license_get_by_key(license_key)
    if license_ is None:
        raise InvalidLicenseKey()
    return _leave_line(license_, ticket)


def queue_cancel_as_person(*, user_id: str, family_id: str, license_id: str, ticket: str) -> bool:
    """A person leaves the line of a license they may use (``queue_cancel``): only a
    place of their own, one a person's acquire gave them; any other ticket is answered
    as one no longer in the line. The license is found as for their acquire, with the
    same refusals (a revoked sign-in, a license they may not use)."""
    license_ = selectors.license_for_person(
        user_id=user_id, family_id=family_id, license_id=license_id
    )
    if license_ is None:
        raise _no_license_for_person(user_id, family_id)
    store = get_seat_store()
    try:
        line = store.queue(str(license_.id))
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    # A person's member ends with their id (``_Asker.member``); a ticket that leaves the
    # line between this read and the cancel is simply no longer in it.
    mine = any(w.ticket == ticket and w.member.endswith(f"\x1e{user_id}") for w in line)
    return mine and _leave_line(license_, ticket)


def _leave_line(license_: License, ticket: str) -> bool:
    store = get_seat_store()
    try:
        waiter = store.queue_cancel(str(license_.id), ticket)
        now = store.now() if waiter is not None else 0.0
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    if waiter is None:
        return False
    _record_wait(license_, SeatWait.Outcome.CANCELLED, now - waiter.joined_at, now)
    return True


def session_borrow(
    *,
    license_key: str,
    hardware_id: str,
    hours: int,
    client_instance: str = "",
    client_info: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AcquiredSeat:
    """Borrow a seat for offline use (issue 21): held for ``hours`` (up to the license's
    ``max_borrow_hours``) with a token valid as long and no heartbeats; it counts until
    it is returned (a release) or its period ends, and the reaper never takes it before.
    Borrowing again from the same machine renews the period (a new token)."""
    return _borrowed(
        session_acquire(
            license_key=license_key,
            hardware_id=hardware_id,
            client_instance=client_instance,
            client_info=client_info,
            ip_address=ip_address,
            borrow_hours=hours,
        )
    )


def session_borrow_as_person(
    *,
    user_id: str,
    family_id: str,
    hardware_id: str,
    hours: int,
    license_id: str | None = None,
    client_instance: str = "",
    client_info: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AcquiredSeat:
    """A person borrows a seat in their own name (``session_borrow`` and
    ``session_acquire_as_person``): the license's people rules (assigned-only, machines
    per person) hold for a borrowed seat as for any of theirs."""
    return _borrowed(
        session_acquire_as_person(
            user_id=user_id,
            family_id=family_id,
            license_id=license_id,
            hardware_id=hardware_id,
            client_instance=client_instance,
            client_info=client_info,
            ip_address=ip_address,
            borrow_hours=hours,
        )
    )


def _borrowed(seat: AcquiredSeat | QueuedSeat) -> AcquiredSeat:
    """A borrow never waits: a machine that is in the line already is refused (it keeps
    its place), as a borrow never jumps it."""
    if isinstance(seat, QueuedSeat):
        raise NoSeatsAvailable(
            details={"seats_total": seat.license.seats_total, "line_length": seat.line_length}
        )
    return seat


class _EndedHolder(Exception):
    """The seat store's holder of a seat is a session the database has ended."""


def _record_session(
    license_: License,
    grant: SeatGrant,
    member: str,
    secret_digest: str,
    hardware_id: str,
    client_instance: str,
    client_info: dict[str, Any] | None,
    ip_address: str | None,
    project_id: str,
    user_id: str = "",
    *,
    borrowed: bool = False,
    group_id: str = "",
) -> LicenseSession:
    now, expires = as_datetime(grant.now), as_datetime(grant.expires_at)
    if not grant.created:
        session = LicenseSession.objects.filter(id=grant.holder).first()
        if session is not None and session.status == Status.ACTIVE:
            session.last_heartbeat_at, session.expires_at = now, expires
            session.secret_digest = secret_digest
            session.borrowed_until = expires if borrowed else None
            session.save(
                update_fields=["last_heartbeat_at", "expires_at", "secret_digest", "borrowed_until"]
            )
            return session
        if session is not None:
            raise _EndedHolder()
        # The seat outlived its row (a worker died between the two steps): heal it.
    fields = {
        "id": uuid.UUID(grant.holder),
        "org_id": license_.org_id,
        "license": license_,
        "project_id": uuid.UUID(project_id) if project_id else None,
        "user_id": user_id or None,
        "group_id": uuid.UUID(group_id) if group_id else None,
        "hardware_id": hardware_id,
        "client_instance": client_instance,
        "member": member,
        "client_info": client_info or {},
        "secret_digest": secret_digest,
        "ip_address": ip_address,
        "started_at": now,
        "last_heartbeat_at": now,
        "expires_at": expires,
        "borrowed_until": expires if borrowed else None,
    }
    session = _insert_or_existing(fields, grant)
    if session is not None:
        return session
    # The store gave this member a new holder, so any other live row for it is
    # stale (its seat expired and was evicted elsewhere): end it, retry once.
    stale = LicenseSession.objects.filter(
        license=license_, member=member, status=Status.ACTIVE
    ).exclude(id=grant.holder)
    session_rows.sessions_end(
        list(stale.values_list("id", flat=True)),
        Status.ZOMBIE,
        now,
        {str(license_.id): grant.seats_used - 1},
    )
    session = _insert_or_existing(fields, grant)
    if session is None:
        raise IntegrityError(f"no row could be written for session {grant.holder}")
    return session


def _insert_or_existing(fields: dict[str, Any], grant: SeatGrant) -> LicenseSession | None:
    """Insert the holder's row; on a conflict, the row a concurrent acquire of the same
    fingerprint has just written for this holder is the answer, unless something ended
    it meanwhile (an eviction, a revoke): then, as for a known holder, the database
    wins (``_EndedHolder``). None: the conflict is another live row of the member."""
    try:
        return session_rows.session_insert(LicenseSession(**fields), grant.seats_used)
    except IntegrityError:
        existing = LicenseSession.objects.filter(id=grant.holder).first()
    if existing is not None and existing.status != Status.ACTIVE:
        raise _EndedHolder()
    return existing


def _record_denial(license_: License, grant: SeatGrant, person: str = "") -> None:
    """One ``deny`` event; failing to write it never changes the client's answer."""
    try:
        session_rows.seat_event_record(
            org_id=license_.org_id,
            license_id=license_.id,
            project_id=license_.project_id,
            user_id=person or None,
            kind=Event.DENY,
            seats_used=grant.seats_used,
            at=as_datetime(grant.now),
        )
    except DatabaseError:
        logger.exception("could not record a denial of license %s", license_.id)


def _sign_token(
    license_: License,
    session_id: str,
    hardware_id: str,
    grant: SeatGrant,
    *,
    overage: bool = False,
    grace: bool = False,
    person: str = "",
    borrowed: bool = False,
) -> str:
    """The license token of a grant. A signer that fails (a key file gone, an HSM or KMS
    unreachable) fails the acquire closed with a 503: never a token that does not
    verify, and the caller gives the seat back. A borrowed seat's token lives as long as
    the borrow (claim ``borrow``), so it verifies offline for the whole period."""
    issued = int(grant.now)
    lifetime = max(license_.offline_grace, license_.heartbeat_ttl)
    if borrowed:
        lifetime = int(grant.expires_at) - issued
    claims = {
        "iss": settings.TOKEN_ISSUER,
        "sub": session_id,
        "lic": str(license_.id),
        "org": str(license_.org_id),
        "hwid": hardware_id,
        "seats": license_.seats_total,
        "iat": issued,
        "exp": issued + lifetime,
        "lic_exp": int(license_.expires_at.timestamp()) if license_.expires_at else None,
    }
    # The person holding the seat (a user id); absent for a license-key machine.
    if person:
        claims["usr"] = person
    # Seat policy marks, only when set: a plain token stays as it was.
    if overage:
        claims["overage"] = True
    if grace:
        claims["grace"] = True
    if borrowed:
        claims["borrow"] = True
    try:
        return current_signer().sign(claims)
    except Exception as exc:
        logger.exception("signing a license token failed")
        raise SigningUnavailable() from exc


def _secret_license(session_secret: str) -> str:
    license_id = session_secret_license(session_secret)
    if license_id is None:
        raise InvalidSessionSecret()
    return license_id


def session_heartbeat(*, session_id: str, session_secret: str) -> tuple[datetime, int]:
    """Extend a live seat. On Redis this is one script call (write-behind to the database).

    Returns the new expiry and the license's heartbeat interval. A wrong secret, or an
    id no session has, is ``InvalidSessionSecret``; the right secret of a session whose
    seat is gone is ``SessionExpired``. Only those failures read the database.
    """
    license_id = _secret_license(session_secret)
    digest = session_secret_digest(session_secret)
    store = get_seat_store()
    try:
        beat = store.heartbeat(license_id, session_id, digest)
    except WrongSessionSecret:
        raise InvalidSessionSecret() from None
    except SeatStoreUnavailable as exc:
        logger.error("heartbeat refused: %s", exc)
        raise SeatStoreDown() from exc
    if beat is None:
        if selectors.session_by_secret(session_id, digest) is None:
            raise InvalidSessionSecret()
        raise SessionExpired()
    ttl = round(beat.expires_at - beat.now)
    if not store.write_behind:
        with scopes_disabled():
            LicenseSession.objects.filter(id=session_id, status=Status.ACTIVE).update(
                last_heartbeat_at=as_datetime(beat.now),
                expires_at=as_datetime(beat.expires_at),
                heartbeat_count=F("heartbeat_count") + 1,
            )
    return as_datetime(beat.expires_at), max(1, ttl // 3)


def session_release(*, session_id: str, session_secret: str) -> None:
    """Free the seat at once; releasing an ended session again is not an error, but it
    takes the session's secret like the first release (``InvalidSessionSecret``).

    The store checks the secret, frees the seat and counts the license's seats after in
    one step; the database then ends the row with its ``release`` event in one statement
    (``session_rows.session_end``): one Redis round trip and one PostgreSQL statement."""
    license_id = _secret_license(session_secret)
    digest = session_secret_digest(session_secret)
    store = get_seat_store()
    try:
        released = store.release(license_id, session_id, secret_digest=digest)
        if released is None:
            # The store knows no seat of it: the database says whether the secret is
            # right and whether a row is still live (its seat expired and was dropped
            # before the reaper ended the row).
            known = selectors.session_by_secret(session_id, digest)
            if known is None:
                raise InvalidSessionSecret()
            if known[1] != Status.ACTIVE:
                return
            now, seats = store.now(), store.counts([license_id])[license_id]
        else:
            now, seats = released.now, released.seats_used
    except WrongSessionSecret:
        raise InvalidSessionSecret() from None
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    session_rows.session_end(session_id, license_id, at=as_datetime(now), seats_after=seats)


def session_revoke(*, session: LicenseSession, actor: Actor) -> bool:
    """An admin ends a session: its seat is free at once and its next heartbeat gets 410.

    Returns whether a live session was revoked (audited as ``session.revoke``);
    revoking an ended session changes nothing."""
    store = get_seat_store()
    session_id = str(session.id)
    license_id = str(session.license_id)
    try:
        released = store.release(license_id, session_id, member=session.member)
        if released is None:
            now, seats = as_datetime(store.now()), store.counts([license_id])
        else:
            now, seats = as_datetime(released.now), {license_id: released.seats_used}
    except SeatStoreUnavailable as exc:
        raise SeatStoreDown() from exc
    with transaction.atomic():
        if not session_rows.sessions_end([session_id], Status.REVOKED, now, seats):
            return False
        audit_record(
            org=session.org,
            actor=actor,
            action="session.revoke",
            target=session,
            before={
                "status": Status.ACTIVE,
                "license": str(session.license_id),
                "hardware_id": session.hardware_id,
            },
            after={"status": Status.REVOKED},
        )
    session.status, session.ended_at = Status.REVOKED, now
    return True


def person_sessions_revoke(*, user_id: Any, actor: Actor) -> int:
    """An admin ends every live session of a person in the organization in scope (their
    page's "revoke all"): seats free at once, each audited like a single revoke."""
    sessions = list(
        LicenseSession.objects.filter(user_id=user_id, status=Status.ACTIVE).select_related("org")
    )
    return sum(session_revoke(session=session, actor=actor) for session in sessions)
