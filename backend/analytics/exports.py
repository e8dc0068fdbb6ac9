"""Reads for the people side of the dashboard: refused acquires listed (not only
counted), and CSV exports of sessions, usage and audit for a date range.

Exports stream: rows are read with a server-side cursor in chunks
(``QuerySet.iterator``) and written one CSV line at a time into a
``StreamingHttpResponse``, so memory stays flat whatever the row count
(bench/people_bench.py measures 1 M rows). Every read runs in the organization's
scope (the view's), so nothing of another organization can appear.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from analytics.models import UsageHour
from audit.models import AuditEvent
from licenses.models import LicenseSession, SeatEvent

CHUNK = 2000


def denial_list(
    *, since: datetime | None, until: datetime | None, license_id: Any = None
) -> QuerySet[SeatEvent]:
    """Refused acquires, newest first: who (a person, or a machine: no user), when, on
    which license (the event's ``user`` and ``license`` references, resolved by name
    through ``denial_names``). The ``(org, at)`` index serves it."""
    events = SeatEvent.objects.filter(kind=SeatEvent.Kind.DENY).order_by("-at", "-id")
    if since:
        events = events.filter(at__gte=since)
    if until:
        events = events.filter(at__lt=until)
    if license_id:
        events = events.filter(license_id=license_id)
    return events


def denial_names(events: Iterable[SeatEvent]) -> dict[str, dict[Any, Any]]:
    """The license names and people of a page of denials, two queries for the page."""
    from django.contrib.auth import get_user_model

    from licenses.models import License

    rows = list(events)
    licenses = dict(
        License.objects.filter(id__in={e.license_id for e in rows}).values_list("id", "name")
    )
    people = {
        u["id"]: u
        for u in get_user_model()
        .objects.filter(id__in={e.user_id for e in rows if e.user_id})
        .values("id", "name", "email")
    }
    return {"licenses": licenses, "people": people}


class _Echo:
    """The file ``csv.writer`` writes to: hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def _window(qs: QuerySet, field: str, since: datetime | None, until: datetime | None) -> QuerySet:
    if since:
        qs = qs.filter(**{f"{field}__gte": since})
    if until:
        qs = qs.filter(**{f"{field}__lt": until})
    return qs


SESSION_COLUMNS = [
    "id",
    "license_id",
    "license",
    "project_id",
    "user_id",
    "person_email",
    "hardware_id",
    "hostname",
    "platform",
    "client_version",
    "ip_address",
    "status",
    "started_at",
    "last_heartbeat_at",
    "ended_at",
]


def sessions_csv(*, since: datetime | None, until: datetime | None) -> Iterator[str]:
    """Sessions started in the window, oldest first (the ``(org, started_at)`` index)."""
    qs = _window(LicenseSession.objects.all(), "started_at", since, until).order_by("started_at")
    rows = qs.values_list(
        "id",
        "license_id",
        "license__name",
        "project_id",
        "user_id",
        "user__email",
        "hardware_id",
        "client_info__hostname",
        "client_info__platform",
        "client_info__version",
        "ip_address",
        "status",
        "started_at",
        "last_heartbeat_at",
        "ended_at",
    ).iterator(chunk_size=CHUNK)
    return _lines(SESSION_COLUMNS, rows)


USAGE_COLUMNS = [
    "hour",
    "dimension",
    "key",
    "peak_in_use",
    "seat_seconds",
    "acquires",
    "denials",
    "live_at_start",
]


def usage_csv(*, since: datetime | None, until: datetime | None) -> Iterator[str]:
    """Closed hours of the rollup (``UsageHour``), one line per group and hour."""
    qs = _window(UsageHour.objects.filter(until__isnull=True), "hour", since, until).order_by(
        "hour", "dimension", "key"
    )
    rows = (
        (hour, dim, key, peak, area / 1_000_000, acq, deny, live)
        for hour, dim, key, peak, area, acq, deny, live in qs.values_list(
            "hour",
            "dimension",
            "key",
            "peak_in_use",
            "seat_us",
            "acquires",
            "denials",
            "live_at_start",
        ).iterator(chunk_size=CHUNK)
    )
    return _lines(USAGE_COLUMNS, rows)


AUDIT_COLUMNS = ["created_at", "action", "actor_email", "actor_system", "target_type", "target_id",
                 "target_name", "ip_address", "request_id"]  # fmt: skip


def audit_csv(*, since: datetime | None, until: datetime | None) -> Iterator[str]:
    qs = _window(AuditEvent.objects.all(), "created_at", since, until).order_by("created_at")
    rows = qs.values_list(
        "created_at",
        "action",
        "actor__email",
        "actor_system",
        "target_type",
        "target_id",
        "target_name",
        "ip_address",
        "request_id",
    ).iterator(chunk_size=CHUNK)
    return _lines(AUDIT_COLUMNS, rows)


EXPORTS = {"sessions": sessions_csv, "usage": usage_csv, "audit": audit_csv}
