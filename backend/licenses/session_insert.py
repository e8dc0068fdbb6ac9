"""The one write of an acquire: the session row and its ``acquire`` seat event.

On PostgreSQL both rows go in one statement (a data-modifying CTE): one round trip
and, outside a transaction, one commit — all or nothing, like the two ORM inserts in
a transaction it replaces, which cost BEGIN, INSERT, INSERT, COMMIT (four round trips)
and two query compilations, about a fifth of an acquire's CPU (bench/RESULTS.md).
SQLite, the embedded default, has no data-modifying CTEs: there the two inserts run
in one transaction through the ORM.

The session's project is read from the license row as part of the insert, never taken
from the caller's (possibly cached, see ``license_cache``) license: a project deleted a
moment ago must not make the insert fail.
"""

from functools import cache
from typing import Any

from django.db import connection, transaction
from django_scopes import scopes_disabled

from analytics.models import SeatEvent
from analytics.services import seat_event_record
from licenses.models import License, LicenseSession


def session_insert(session: LicenseSession, seats_used: int) -> LicenseSession:
    """Insert ``session`` (built, not saved) with its ``acquire`` event; IntegrityError
    (a duplicate id, or a second live session of the member) leaves neither row."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            with scopes_disabled():
                session.project_id = (
                    License.objects.filter(id=session.license_id)
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
                kind=SeatEvent.Kind.ACQUIRE,
                seats_used=seats_used,
                at=session.started_at,
            )
        return session
    params = [
        session.license_id if f.name == "project" else f.get_db_prep_save(value, connection)
        for f in LicenseSession._meta.concrete_fields
        for value in [getattr(session, f.attname)]
    ]
    params += [SeatEvent.Kind.ACQUIRE.value, max(0, seats_used)]
    if connection.in_atomic_block:
        # A savepoint, so a refused insert leaves the caller's transaction usable.
        with transaction.atomic():
            session.project_id = _execute(params)
    else:
        session.project_id = _execute(params)
    session._state.adding, session._state.db = False, connection.alias
    return session


def _execute(params: list) -> Any:
    """Run the statement; returns the session's project id."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(), params)
        return cursor.fetchone()[0]


@cache
def _statement() -> str:
    quote = connection.ops.quote_name
    fields = LicenseSession._meta.concrete_fields
    columns = ", ".join(quote(f.column) for f in fields)
    licenses = quote(License._meta.db_table)
    project_of_license = f"(SELECT project_id FROM {licenses} WHERE id = %s)"  # noqa: S608
    values = ", ".join(project_of_license if f.name == "project" else "%s" for f in fields)
    # Names come from the models, every value is a parameter.
    return (
        f"WITH s AS (INSERT INTO {quote(LicenseSession._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({values}) RETURNING id, org_id, license_id, project_id, user_id, started_at) "
        f"INSERT INTO {quote(SeatEvent._meta.db_table)} "
        "(org_id, license_id, project_id, session_id, user_id, kind, seats_used, at) "
        "SELECT org_id, license_id, project_id, id, user_id, %s, %s, started_at FROM s "
        "RETURNING project_id"
    )
