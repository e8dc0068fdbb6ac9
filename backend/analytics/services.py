"""Writes of the analytics app: seat events, appended by ``licenses.services``.

Append-only: nothing here updates or deletes an event. Callers already hold the
session's transaction, so an event commits (or rolls back) with the change it records.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from analytics.models import SeatEvent

Kind = SeatEvent.Kind


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
    """Append one event (one INSERT)."""
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


def session_ends_record(
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
