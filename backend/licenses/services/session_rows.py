"""Session rows and their seat events: the one place that writes either.

Every session that starts or ends, and every refused acquire, appends one ``SeatEvent``
in the same transaction as the session row it concerns (the ledger the analytics app
reads). Ending sessions claims the rows first (``SELECT … FOR UPDATE`` of the live
ones, then ``UPDATE``), so two processes never both end a session or both record its
end.

The two writes of a client's call have a one-statement form on PostgreSQL (a
data-modifying CTE: one round trip, one commit) and an ORM form elsewhere (SQLite, the
embedded default, has no data-modifying CTEs): ``_rows()`` is the one switch between
them.

Webhook events of sessions and refusals (``session.*``, ``seat.denied``) are written in
the same transaction as the rows they describe, and only while an enabled endpoint of
the organization subscribes to them (``events.services.event_wanted``, a lookup in this
process): an organization without such an endpoint pays one dictionary lookup.

- Acquire: BEGIN, INSERT, INSERT, COMMIT (four round trips and two query compilations,
  about a fifth of an acquire's CPU) become one statement. The session's project is
  the one the acquire named if it still exists, else read from the license row as part
  of the insert, never taken from the caller's (possibly cached, see ``license_cache``)
  license: a project deleted a moment ago must not make the insert fail.
- Release: BEGIN, SELECT … FOR UPDATE, UPDATE, INSERT, COMMIT become one statement. Its
  ``UPDATE … WHERE status = 'active'`` takes the row lock itself, so a concurrent ender
  (reaper, revoke, a second release) waits for it and then finds the row no longer
  live: each session ends, and gets its event, exactly once, as with ``sessions_end``.
"""

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils.timezone import now
from django_scopes import scopes_disabled

from events import types as event_types
from events.models import Event as OutboxEvent
from events.services import event_record, event_wanted, events_record, events_wake_after_commit
from licenses.models import License, LicenseSession, SeatEvent
from licenses.seatstore.base import SeatStore
from licenses.selectors import as_datetime
from projects.models import Project

Status = LicenseSession.Status
Event = SeatEvent.Kind
END_EVENT = {
    Status.RELEASED: Event.RELEASE,
    Status.ZOMBIE: Event.EXPIRE,
    Status.REVOKED: Event.REVOKE,
}
END_WEBHOOK = {
    Status.RELEASED: event_types.SESSION_ENDED,
    Status.ZOMBIE: event_types.SESSION_ZOMBIE,
    Status.REVOKED: event_types.SESSION_REVOKED,
}


def _iso(at: Any) -> str | None:
    return at.isoformat() if isinstance(at, datetime) else None


def _session_data(row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A session as its webhook events show it: ids, machine, times; never its secret."""
    return {
        "session": {
            "id": str(row["id"]),
            "license_id": str(row["license_id"]),
            "project_id": str(row["project_id"]) if row.get("project_id") else None,
            "user_id": str(row["user_id"]) if row.get("user_id") else None,
            "hardware_id": row.get("hardware_id"),
            "started_at": _iso(row.get("started_at")),
            **extra,
        }
    }


def seat_event_record(
    *,
    org_id: Any,
    license_id: Any,
    kind: str,
    seats_used: int,
    at: datetime,
    project_id: Any = None,
    session_id: Any = None,
    user_id: Any = None,
    session_started_at: datetime | None = None,
) -> SeatEvent:
    """Append one event (one INSERT): a denial, or a session's start on the ORM path. A
    denial also writes ``seat.denied`` when the organization's endpoints want it."""
    if kind == Event.DENY and event_wanted(org_id, event_types.SEAT_DENIED):
        with transaction.atomic():
            event_record(
                org_id=org_id,
                type=event_types.SEAT_DENIED,
                data={
                    "license_id": str(license_id),
                    "project_id": str(project_id) if project_id else None,
                    "user_id": str(user_id) if user_id else None,
                    "seats_used": max(0, seats_used),
                    "at": _iso(at),
                },
            )
            return _seat_event_create(
                org_id,
                license_id,
                kind,
                seats_used,
                at,
                project_id,
                session_id,
                user_id,
                session_started_at,
            )
    return _seat_event_create(
        org_id,
        license_id,
        kind,
        seats_used,
        at,
        project_id,
        session_id,
        user_id,
        session_started_at,
    )


def _seat_event_create(
    org_id: Any,
    license_id: Any,
    kind: str,
    seats_used: int,
    at: datetime,
    project_id: Any,
    session_id: Any,
    user_id: Any,
    session_started_at: datetime | None,
) -> SeatEvent:
    return SeatEvent.objects.create(
        org_id=org_id,
        license_id=license_id,
        project_id=project_id,
        session_id=session_id,
        user_id=user_id,
        kind=kind,
        seats_used=max(0, seats_used),
        session_started_at=session_started_at,
        at=at,
    )


def _session_ends_record(
    *, sessions: Iterable[dict[str, Any]], kind: str, at: datetime, seats_after: dict[str, int]
) -> int:
    """Append an end event for each ended session, in one INSERT.

    ``sessions`` are rows with ``id, org_id, license_id, project_id, user_id,
    started_at``; ``seats_after`` maps a license id to the store's count once all of
    them have ended, so within a license the counts step down to it.
    """
    rows = list(sessions)
    remaining: dict[str, int] = {}
    for row in rows:
        key = str(row["license_id"])
        remaining[key] = remaining.get(key, 0) + 1
    events = []
    for row in rows:
        key = str(row["license_id"])
        remaining[key] -= 1
        events.append(
            SeatEvent(
                org_id=row["org_id"],
                license_id=row["license_id"],
                project_id=row["project_id"],
                session_id=row["id"],
                user_id=row["user_id"],
                kind=kind,
                seats_used=max(0, seats_after.get(key, 0) + remaining[key]),
                session_started_at=row["started_at"],
                at=at,
            )
        )
    SeatEvent.objects.bulk_create(events)
    return len(events)


def sessions_end(
    session_ids: Any,
    status: str,
    at: datetime,
    seats_after: dict[str, int] | None = None,
    *,
    skip_locked: bool = False,
) -> int:
    """End those of ``session_ids`` still live, with one seat event each; returns how many.

    The live rows are claimed under a row lock in id order (no deadlock between two
    enders), so each session ends, and is counted, exactly once. ``seats_after`` maps a
    license id to the store's count after these ends (for the events' ``seats_used``).
    """
    ids = [str(session_id) for session_id in session_ids]
    if not ids:
        return 0
    with scopes_disabled(), transaction.atomic():
        rows = list(
            LicenseSession.objects.select_for_update(skip_locked=skip_locked)
            .filter(id__in=ids, status=Status.ACTIVE)
            .order_by("id")
            .values(
                "id", "org_id", "license_id", "project_id", "user_id", "started_at", "hardware_id"
            )
        )
        if not rows:
            return 0
        LicenseSession.objects.filter(id__in=[row["id"] for row in rows]).update(
            status=status, ended_at=at
        )
        _session_ends_record(
            sessions=rows, kind=END_EVENT[status], at=at, seats_after=seats_after or {}
        )
        _session_end_webhooks(rows, status, at)
    return len(rows)


def _session_end_webhooks(rows: list[dict[str, Any]], status: str, at: datetime) -> None:
    by_org: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_org.setdefault(str(row["org_id"]), []).append(row)
    for org_id, ended in by_org.items():
        events_record(
            org_id=org_id,
            type=END_WEBHOOK[status],
            items=[_session_data(row, status=status, ended_at=_iso(at)) for row in ended],
        )


def sessions_revoke_live(store: SeatStore, rows: list[tuple[Any, Any, str]]) -> int:
    """Free the seats of these (session id, license id, member) rows, then mark the
    sessions revoked with one event each. Store first: a failure leaves the database
    untouched (a freed seat's session then ends at its next heartbeat or by the reaper)."""
    if not rows:
        return 0
    for session_id, license_id, member in rows:
        store.release(str(license_id), str(session_id), member=member)
    now = as_datetime(store.now())
    seats = store.counts({str(license_id) for _, license_id, _ in rows})
    return sessions_end([session_id for session_id, _, _ in rows], Status.REVOKED, now, seats)


def session_insert(session: LicenseSession, seats_used: int) -> LicenseSession:
    """Insert ``session`` (built, not saved) with its ``acquire`` event, and its
    ``session.started`` webhook event when wanted, in the same statement (PostgreSQL)
    or transaction; IntegrityError (a duplicate id, or a second live session of the
    member) leaves none of them."""
    started = None
    if event_wanted(session.org_id, event_types.SESSION_STARTED):
        row = {f: getattr(session, f) for f in ("id", "license_id", "user_id")}
        row.update(hardware_id=session.hardware_id, started_at=session.started_at)
        started = {**_session_data(row, status=Status.ACTIVE.value), "seats_used": seats_used}
    return _rows().insert(session, seats_used, started)


def session_end(session_id: str, license_id: str, *, at: datetime, seats_after: int) -> None:
    """A client's release: end the session if it is still live, with its ``release``
    event recording ``seats_after`` seats of its license in use, and its
    ``session.ended`` event when wanted (the ORM path writes it in ``sessions_end``)."""
    rows = _rows()
    if rows is _ORM or not event_wanted(None, event_types.SESSION_ENDED):
        rows.end_released(session_id, license_id, at=at, seats_after=seats_after)
        return
    # Some organization wants ``session.ended``: the statement tells whose session ended.
    with transaction.atomic():
        org_id = rows.end_released(session_id, license_id, at=at, seats_after=seats_after)
        if org_id is not None:
            row = {"id": session_id, "license_id": license_id}
            event_record(
                org_id=org_id,
                type=event_types.SESSION_ENDED,
                data={
                    **_session_data(row, status=Status.RELEASED.value, ended_at=_iso(at)),
                    "seats_used": seats_after,
                },
            )


class _OrmRows:
    """The writes through the ORM, in a transaction each: any database."""

    def insert(
        self, session: LicenseSession, seats_used: int, started: dict[str, Any] | None = None
    ) -> LicenseSession:
        with transaction.atomic():
            with scopes_disabled():
                asked = session.project_id
                if asked and not Project.objects.filter(id=asked).exists():
                    asked = None
                session.project_id = (
                    asked
                    or License.objects.filter(id=session.license_id)
                    .values_list("project_id", flat=True)
                    .first()
                )
            session.save(force_insert=True)
            seat_event_record(
                org_id=session.org_id,
                license_id=session.license_id,
                project_id=session.project_id,
                session_id=session.id,
                user_id=session.user_id,
                kind=Event.ACQUIRE,
                seats_used=seats_used,
                at=session.started_at,
            )
            if started is not None:
                project = str(session.project_id) if session.project_id else None
                started["session"]["project_id"] = project
                event_record(org_id=session.org_id, type=event_types.SESSION_STARTED, data=started)
        return session

    def end_released(
        self, session_id: str, license_id: str, *, at: datetime, seats_after: int
    ) -> None:
        sessions_end([session_id], Status.RELEASED, at, {license_id: seats_after})


class _PostgresRows(_OrmRows):
    """Each write in one data-modifying statement (see the module)."""

    def insert(
        self, session: LicenseSession, seats_used: int, started: dict[str, Any] | None = None
    ) -> LicenseSession:
        params: list[Any] = []
        for f in LicenseSession._meta.concrete_fields:
            if f.name == "project":
                params += [session.project_id, session.license_id]
            else:
                params.append(f.get_db_prep_save(getattr(session, f.attname), connection))
        if started is not None:
            # The webhook event rides in the same statement (its project filled in there).
            params += [uuid.uuid4(), event_types.SESSION_STARTED, json.dumps(started), now()]
        params += [Event.ACQUIRE.value, max(0, seats_used)]
        statement = _insert_statement(with_event=started is not None)
        if connection.in_atomic_block:
            # A savepoint, so a refused insert leaves the caller's transaction usable.
            with transaction.atomic():
                session.project_id = self._fetch_one(statement, params)
        else:
            session.project_id = self._fetch_one(statement, params)
        if started is not None:
            events_wake_after_commit()
        session._state.adding, session._state.db = False, connection.alias
        return session

    def end_released(
        self, session_id: str, license_id: str, *, at: datetime, seats_after: int
    ) -> Any:
        """The ended session's organization id; None if it was no longer live."""
        params = [Status.RELEASED.value, at, session_id, Event.RELEASE.value]
        return self._fetch_one(_end_statement(), [*params, max(0, seats_after), at])

    @staticmethod
    def _fetch_one(statement: str, params: list) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            row = cursor.fetchone()
        return row[0] if row else None


_ORM, _POSTGRES = _OrmRows(), _PostgresRows()


def _rows() -> _OrmRows:
    return _POSTGRES if connection.vendor == "postgresql" else _ORM


@cache
def _insert_statement(*, with_event: bool = False) -> str:
    quote = connection.ops.quote_name
    fields = LicenseSession._meta.concrete_fields
    columns = ", ".join(quote(f.column) for f in fields)
    licenses = quote(License._meta.db_table)
    projects = quote(Project._meta.db_table)
    # The acquire's project if it still exists, else the license's.
    project_of_session = (
        f"COALESCE((SELECT id FROM {projects} WHERE id = %s), "  # noqa: S608
        f"(SELECT project_id FROM {licenses} WHERE id = %s))"
    )
    values = ", ".join(project_of_session if f.name == "project" else "%s" for f in fields)
    # Names come from the models, every value is a parameter.
    return (
        f"WITH s AS (INSERT INTO {quote(LicenseSession._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({values}) RETURNING id, org_id, license_id, project_id, user_id, started_at) "
        + (_event_insert() if with_event else "")
        + f"INSERT INTO {quote(SeatEvent._meta.db_table)} "  # noqa: S608
        "(org_id, license_id, project_id, session_id, user_id, kind, seats_used, at) "
        "SELECT org_id, license_id, project_id, id, user_id, %s, %s, started_at FROM s "
        "RETURNING project_id"
    )


def _event_insert() -> str:
    """A ``session.started`` outbox row (events.Event) from the inserted session ``s``:
    the data comes as a parameter, with the session's project set from the row."""
    quote = connection.ops.quote_name
    return (
        f", e AS (INSERT INTO {quote(OutboxEvent._meta.db_table)} "  # noqa: S608
        "(id, org_id, type, data, actor, created_at) "
        "SELECT %s, org_id, %s, jsonb_set(%s::jsonb, '{session,project_id}', "
        "COALESCE(to_jsonb(project_id::text), 'null'::jsonb)), '', %s FROM s) "
    )


@cache
def _end_statement() -> str:
    quote = connection.ops.quote_name
    sessions = quote(LicenseSession._meta.db_table)
    events = quote(SeatEvent._meta.db_table)
    # Names come from the models, every value is a parameter.
    return (
        f"WITH ended AS (UPDATE {sessions} SET status = %s, ended_at = %s "  # noqa: S608
        f"WHERE id = %s AND status = '{Status.ACTIVE.value}' "
        "RETURNING id, org_id, license_id, project_id, user_id, started_at) "
        f"INSERT INTO {events} (org_id, license_id, project_id, session_id, user_id, kind, "
        "seats_used, session_started_at, at) "
        "SELECT org_id, license_id, project_id, id, user_id, %s, %s, started_at, %s FROM ended "
        "RETURNING org_id"
    )
