"""The one write of a release on PostgreSQL: the session row ended and its end event.

``services._end_sessions`` ends many sessions at once (reaper, suspend, revoke): it
claims the live rows under a row lock, updates them and appends their events — BEGIN,
SELECT … FOR UPDATE, UPDATE, INSERT, COMMIT, five round trips. A client's release ends
one session, and every client's exit makes one: here the same effect is one
data-modifying CTE, one round trip and one commit. The ``UPDATE … WHERE status =
'active'`` takes the row lock itself, so a concurrent ender (reaper, revoke, a second
release) waits for it and then finds the row no longer live: each session ends, and
gets its event, exactly once, as with ``_end_sessions``.
"""

from datetime import datetime
from functools import cache

from django.db import connection

from analytics.models import SeatEvent
from licenses.models import LicenseSession


def session_end(session_id: str, *, status: str, kind: str, at: datetime, seats_after: int) -> bool:
    """End the session if it is still live, with one ``kind`` event recording
    ``seats_after`` seats in use; returns whether it was live. PostgreSQL only."""
    with connection.cursor() as cursor:
        params = [str(status), at, session_id, str(kind), max(0, seats_after), at]
        cursor.execute(_statement(), params)
        return cursor.fetchone() is not None


@cache
def _statement() -> str:
    quote = connection.ops.quote_name
    sessions = quote(LicenseSession._meta.db_table)
    events = quote(SeatEvent._meta.db_table)
    # Names come from the models, every value is a parameter.
    return (
        f"WITH ended AS (UPDATE {sessions} SET status = %s, ended_at = %s "  # noqa: S608
        f"WHERE id = %s AND status = '{LicenseSession.Status.ACTIVE.value}' "
        "RETURNING id, org_id, license_id, project_id, user_id, started_at) "
        f"INSERT INTO {events} (org_id, license_id, project_id, session_id, user_id, kind, "
        "seats_used, session_started_at, at) "
        "SELECT org_id, license_id, project_id, id, user_id, %s, %s, started_at, %s FROM ended "
        "RETURNING session_id"
    )
