"""Reads of the analytics app: seat utilization over time, from ``SeatEvent`` rows.

How a window is measured. Every session is an interval, from its ``acquire`` event to
its end event (``release | expire | revoke``). The sessions that overlap a window are
found without scanning history before it:

- events inside the window (index scan on ``(org|license, at)``): sessions that start
  there, and sessions that end there (an end event carries ``session_started_at``);
- sessions still live now that started before the window (the live sessions table);
- end events after the window of sessions that started before it (only when the window
  ends in the past; again an index range on ``at``).

"In use" at an instant is the number of those intervals covering it. A crashed
client's seat counts until it is reclaimed (by the next acquire or the reaper, at most
one reaper period after its TTL), which is when its ``expire`` event is written.
Times are integers in microseconds, so sums and peaks are exact.

``since`` is rounded down to a bucket boundary (UTC); the window ends at ``until`` or
now (the seat store's clock), whichever is earlier, so the last bucket may be partial
and its average covers the elapsed part only.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Sum
from rest_framework import status

from analytics.models import SeatEvent
from core.errors import ApiError
from licenses.models import License, LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from projects.models import Project

logger = logging.getLogger(__name__)

Kind = SeatEvent.Kind
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = 1_000_000  # microseconds
BUCKETS = {"minute": 60, "hour": 3600, "day": 86400}
DEFAULT_SPAN = {"minute": 3600, "hour": 86400, "day": 30 * 86400}
MAX_BUCKETS = 1500
BREAKDOWN_DEFAULT_SPAN = 30 * 86400
BREAKDOWN_MAX_SPAN = 366 * 86400


class AnalyticsWindowInvalid(ApiError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"
    message = "The request has invalid fields."

    def __init__(self, field: str, problem: str):
        super().__init__(details={"fields": {field: [problem]}})


def us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def dt(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def store_now() -> datetime:
    """The seat store's clock; this process's if the store cannot be reached."""
    try:
        return datetime.fromtimestamp(get_seat_store().now(), tz=UTC)
    except SeatStoreUnavailable as exc:
        logger.warning("seat store clock unavailable, using the local clock: %s", exc)
        return datetime.now(tz=UTC)


@dataclass(frozen=True)
class Window:
    since: int  # microseconds, inclusive
    end: int  # microseconds, exclusive: min(until, now)
    bucket: int  # microseconds; 0 when not bucketed


def window_resolve(
    *,
    since: datetime | None,
    until: datetime | None,
    now: datetime,
    bucket: str | None = None,
) -> Window:
    """Defaults, alignment and bounds of a window; 400 when it is too large or empty."""
    size = BUCKETS[bucket] * SECOND if bucket else 0
    until_us = us(until) if until else us(now)
    default_span = DEFAULT_SPAN[bucket] if bucket else BREAKDOWN_DEFAULT_SPAN
    since_us = us(since) if since else until_us - default_span * SECOND
    if size:
        since_us -= since_us % size
    if since_us >= until_us:
        raise AnalyticsWindowInvalid("since", "Must be before until.")
    if size and -(-(until_us - since_us) // size) > MAX_BUCKETS:
        raise AnalyticsWindowInvalid(
            "bucket", f"At most {MAX_BUCKETS} buckets: use a larger bucket or a shorter window."
        )
    if not size and until_us - since_us > BREAKDOWN_MAX_SPAN * SECOND:
        raise AnalyticsWindowInvalid("since", "The window spans at most 366 days.")
    return Window(since_us, min(until_us, us(now)), size)


@dataclass
class Interval:
    session_id: Any
    start: int
    end: int | None  # None: still open at the window's end
    license_id: Any
    project_id: Any
    user_id: Any


@dataclass
class WindowData:
    intervals: list[Interval]
    events: list[tuple[str, int]]  # (kind, at) of every event inside the window


def window_data(window: Window, *, license_id: Any = None, project_id: Any = None) -> WindowData:
    """The sessions overlapping the window and its events, for the organization in scope
    (optionally one license or one project). See the module docstring."""
    since, end = dt(window.since), dt(window.end)
    narrow: dict[str, Any] = {}
    if license_id is not None:
        narrow["license_id"] = license_id
    if project_id is not None:
        narrow["project_id"] = project_id
    sessions: dict[Any, Interval] = {}
    events: list[tuple[str, int]] = []
    if window.end <= window.since:
        return WindowData([], [])
    inside = (
        SeatEvent.objects.filter(at__gte=since, at__lt=end, **narrow)
        .order_by("at", "id")
        .values_list(
            "kind", "at", "session_id", "session_started_at", "license_id", "project_id", "user_id"
        )
    )
    for kind, at, session_id, started_at, license_, project, user in inside:
        at_us = us(at)
        events.append((kind, at_us))
        if kind == Kind.ACQUIRE:
            sessions[session_id] = Interval(session_id, at_us, None, license_, project, user)
        elif kind in SeatEvent.END_KINDS:
            known = sessions.get(session_id)
            if known is not None:
                known.end = at_us
            else:
                start = us(started_at) if started_at else window.since
                sessions[session_id] = Interval(session_id, start, at_us, license_, project, user)
    live_before = LicenseSession.objects.filter(
        status=LicenseSession.Status.ACTIVE, started_at__lt=since, **narrow
    ).values_list("id", "started_at", "license_id", "project_id", "user_id")
    for session_id, started_at, license_, project, user in live_before:
        sessions.setdefault(
            session_id, Interval(session_id, us(started_at), None, license_, project, user)
        )
    ended_after = SeatEvent.objects.filter(
        at__gte=end, kind__in=SeatEvent.END_KINDS, session_started_at__lt=since, **narrow
    ).values_list("session_id", "session_started_at", "at", "license_id", "project_id", "user_id")
    for session_id, started_at, at, license_, project, user in ended_after:
        sessions.setdefault(
            session_id, Interval(session_id, us(started_at), us(at), license_, project, user)
        )
    clamped = []
    for interval in sessions.values():
        interval.start = max(interval.start, window.since)
        interval.end = min(window.end if interval.end is None else interval.end, window.end)
        if interval.end >= interval.start:
            clamped.append(interval)
    return WindowData(clamped, events)


@dataclass
class Bucket:
    start: int
    end: int
    peak: int
    peak_at: int
    area: int  # seat-microseconds


def timeline(intervals: Iterable[Interval], since: int, end: int, size: int) -> list[Bucket]:
    """Sweep the intervals' starts and ends through buckets of ``size`` microseconds
    from ``since`` to ``end``: peak (and when it was first reached) and the area under
    the in-use curve of each. Changes at one instant apply together."""
    changes: dict[int, int] = defaultdict(int)
    for interval in intervals:
        if interval.end > interval.start:
            changes[interval.start] += 1
            changes[interval.end] -= 1
    points = sorted(changes.items())
    buckets, level, i, start = [], 0, 0, since
    while start < end:
        stop = min(start + size, end)
        while i < len(points) and points[i][0] <= start:
            level += points[i][1]
            i += 1
        peak, peak_at, area, cursor = level, start, 0, start
        while i < len(points) and points[i][0] < stop:
            at, delta = points[i]
            area += level * (at - cursor)
            level += delta
            if level > peak:
                peak, peak_at = level, at
            cursor = at
            i += 1
        area += level * (stop - cursor)
        buckets.append(Bucket(start, stop, peak, peak_at, area))
        start += size
    return buckets


def _utilization(window: Window, data: WindowData, seats_total: int) -> dict[str, Any]:
    buckets = timeline(data.intervals, window.since, window.end, window.bucket)
    counts = [defaultdict(int) for _ in buckets]
    totals: dict[str, int] = defaultdict(int)
    for kind, at in data.events:
        totals[kind] += 1
        index = (at - window.since) // window.bucket
        if 0 <= index < len(counts):
            counts[index][kind] += 1
    best = max(buckets, key=lambda b: b.peak, default=None)
    return {
        "since": dt(window.since),
        "until": dt(window.end),
        "bucket_seconds": window.bucket // SECOND,
        "seats_total": seats_total,
        "peak_in_use": best.peak if best else 0,
        "peak_at": dt(best.peak_at) if best and best.peak else None,
        "totals": {
            "acquires": totals[Kind.ACQUIRE],
            "denials": totals[Kind.DENY],
            "releases": totals[Kind.RELEASE],
            "expiries": totals[Kind.EXPIRE],
            "revocations": totals[Kind.REVOKE],
            "sessions": len(data.intervals),
            "seat_seconds": sum(b.area for b in buckets) / SECOND,
        },
        "buckets": [
            {
                "start": dt(b.start),
                "peak_in_use": b.peak,
                "avg_in_use": round(b.area / (b.end - b.start), 6),
                "seat_seconds": b.area / SECOND,
                "acquires": n[Kind.ACQUIRE],
                "denials": n[Kind.DENY],
            }
            for b, n in zip(buckets, counts, strict=True)
        ],
    }


def license_utilization(
    *,
    license_: License,
    bucket: str = "hour",
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """One license's seats in use over time, in buckets (organization in scope)."""
    window = window_resolve(since=since, until=until, now=store_now(), bucket=bucket)
    data = window_data(window, license_id=license_.id)
    return _utilization(window, data, license_.seats_total)


def org_utilization(
    *, bucket: str, since: datetime | None, until: datetime | None, project_id: Any = None
) -> dict[str, Any]:
    """The organization's (or one project's) seats in use over time, in buckets.
    ``seats_total`` is the current total of its (the project's) licenses."""
    window = window_resolve(since=since, until=until, now=store_now(), bucket=bucket)
    data = window_data(window, project_id=project_id)
    licenses = License.objects.all()
    if project_id is not None:
        licenses = licenses.filter(project_id=project_id)
    seats_total = licenses.aggregate(total=Sum("seats_total"))["total"] or 0
    return _utilization(window, data, seats_total)


def usage_breakdown(*, by: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Seat-seconds, sessions and peak concurrency per project or per user, most used
    first. Sessions without a project (or user) form the group whose key is null."""
    window = window_resolve(since=since, until=until, now=store_now())
    data = window_data(window)
    attribute = "project_id" if by == "project" else "user_id"
    groups: dict[Any, list[Interval]] = defaultdict(list)
    for interval in data.intervals:
        groups[getattr(interval, attribute)].append(interval)
    names = _group_names(by, [key for key in groups if key is not None])
    rows = []
    for key, intervals in groups.items():
        span = timeline(intervals, window.since, window.end, window.end - window.since)
        rows.append(
            {
                "key": key,
                "name": names.get(key),
                "seat_seconds": sum(i.end - i.start for i in intervals) / SECOND,
                "sessions": len(intervals),
                "peak_in_use": max((b.peak for b in span), default=0),
            }
        )
    rows.sort(key=lambda row: (-row["seat_seconds"], str(row["key"])))
    return {"by": by, "since": dt(window.since), "until": dt(window.end), "groups": rows}


def _group_names(by: str, keys: list[Any]) -> dict[Any, str]:
    if not keys:
        return {}
    if by == "project":
        return dict(Project.objects.filter(id__in=keys).values_list("id", "name"))
    from django.contrib.auth import get_user_model

    return dict(get_user_model().objects.filter(id__in=keys).values_list("id", "email"))
