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

Once the organization's events are rolled up (``UsageHour``, up to its cursor's
``rolled_until``), the whole hours of the window that fit in one bucket are read from
the rollup, and only the rest (the hours not rolled up yet, a partial first or last
hour, minute buckets) from raw events. Those stretches start from the in-use level the
rollup gives at an hour boundary and apply the events after it (an acquire adds one,
an end removes one), so no read looks at the live sessions table or at history before
the window's first hour. A window that runs into the open hour (the one at the cursor)
also reads that hour's rows, which cover it up to their ``until`` (the lag before the
rollup's last run), and sweeps raw events only after it: a few minutes of events, not
up to an hour of them. Both ways give the same numbers, to the microsecond.
"""

import logging
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from django.db.models import BigIntegerField, Func, Q, Sum

from analytics.models import UsageHour, UsageRollupCursor
from core.errors import DomainError
from licenses.models import License, LicenseSession, SeatEvent, SeatWait
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatStoreUnavailable
from projects.models import Project

logger = logging.getLogger(__name__)

Kind = SeatEvent.Kind
Dimension = UsageHour.Dimension
NONE = UsageHour.NONE
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = 1_000_000  # microseconds
HOUR = 3600 * SECOND
# How an event changes the number of seats in use.
DELTA = {Kind.ACQUIRE: 1, Kind.RELEASE: -1, Kind.EXPIRE: -1, Kind.REVOKE: -1, Kind.DENY: 0}
# The event column that names each dimension's group.
GROUP_COLUMN = {
    Dimension.LICENSE: "license_id",
    Dimension.PROJECT: "project_id",
    Dimension.USER: "user_id",
}
BUCKETS = {"minute": 60, "hour": 3600, "day": 86400}
DEFAULT_SPAN = {"minute": 3600, "hour": 86400, "day": 30 * 86400}
MAX_BUCKETS = 1500
BREAKDOWN_DEFAULT_SPAN = 30 * 86400
BREAKDOWN_MAX_SPAN = 366 * 86400


class AnalyticsWindowInvalid(DomainError):
    code = "validation_error"
    message = "The request has invalid fields."

    def __init__(self, field: str, problem: str):
        super().__init__(details={"fields": {field: [problem]}})


def us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def dt(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


class EpochMicros(Func):
    """A timestamp as integer microseconds since the epoch, computed by the database:
    turning thousands of timestamps into datetimes is most of a raw read's time."""

    output_field = BigIntegerField()
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC: whole seconds, plus the
        # fraction's digits (none when it is zero).
        template = (
            "(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s, 21, 6) AS INTEGER))"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


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
    elif not since:
        # The default breakdown window starts on the hour: it is then read from the
        # hourly rollup alone, where a ragged start would sweep an hour of raw events.
        since_us -= since_us % HOUR
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


def grid(since: int, end: int, size: int) -> list[int]:
    """The boundaries of buckets of ``size`` from ``since`` to ``end`` (the last may be
    partial)."""
    return [*range(since, end, size), end] if since < end else [end]


def sweep(level: int, points: Sequence[Sequence[int]], cuts: list[int]) -> list[Bucket]:
    """Sweep changes of the in-use level through the buckets between consecutive
    ``cuts``: peak (and when it was first reached) and the area under the curve of each.

    ``level`` is the level just before ``cuts[0]``; ``points`` are ``(instant, change)``
    in time order, one per instant (changes at one instant apply together), and those
    before ``cuts[0]`` fold into the starting level."""
    buckets, i = [], 0
    for start, stop in pairwise(cuts):
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
    return buckets


def timeline(intervals: Iterable[Interval], since: int, end: int, size: int) -> list[Bucket]:
    """Sweep the intervals' starts and ends through buckets of ``size`` microseconds
    from ``since`` to ``end``."""
    changes: dict[int, int] = defaultdict(int)
    for interval in intervals:
        if interval.end > interval.start:
            changes[interval.start] += 1
            changes[interval.end] -= 1
    return sweep(0, sorted(changes.items()), grid(since, end, size))


@dataclass
class Usage:
    """One group's use of seats in a window, bucket by bucket."""

    buckets: list[Bucket]
    counts: list[Counter] = field(default_factory=list)  # events by kind, per bucket
    sessions: int = 0  # sessions that held a seat in the window

    @classmethod
    def empty(cls, cuts: list[int]) -> "Usage":
        return cls(
            [Bucket(a, b, 0, a, 0) for a, b in pairwise(cuts)], [Counter() for _ in cuts[1:]]
        )

    def add(self, index: int, peak: int, peak_at: int, area: int) -> None:
        """Fold in a later piece of bucket ``index``: the peak stays the first reached."""
        bucket = self.buckets[index]
        if peak > bucket.peak:
            bucket.peak, bucket.peak_at = peak, peak_at
        bucket.area += area


def usage(window: Window, size: int, dimension: str, key: Any = None) -> dict[Any, Usage]:
    """Usage in the window, in buckets of ``size`` microseconds, of the group ``key`` of
    ``dimension`` (the organization's own total for ``Dimension.ORG``, under the key
    None), or of every group of the dimension when ``key`` is None. Group keys are ids,
    None for "no project" / "no user"; a group that held no seat may be left out."""
    cuts = grid(window.since, window.end, size)
    rolled_until = UsageRollupCursor.objects.values_list("rolled_until", flat=True).first()
    if len(cuts) < 2:
        result = {}
    elif rolled_until is None:
        result = _usage_raw(window, size, cuts, dimension, key)
    else:
        result = _usage_rolled(window, cuts, dimension, key, us(rolled_until))
    if key is not None or dimension == Dimension.ORG:
        result.setdefault(key, Usage.empty(cuts))
    return result


def _usage_raw(
    window: Window, size: int, cuts: list[int], dimension: str, key: Any
) -> dict[Any, Usage]:
    """From the intervals of ``window_data``: an organization not rolled up yet."""
    column = GROUP_COLUMN.get(dimension)
    data = window_data(window, **({column: key} if key is not None else {}))
    if key is not None or column is None:
        counts = [Counter() for _ in cuts[1:]]
        for kind, at in data.events:
            counts[bisect_right(cuts, at) - 1][kind] += 1
        groups = {key: data.intervals}
    else:
        # The breakdown: no event counts.
        counts, groups = [], defaultdict(list)
        for interval in data.intervals:
            groups[getattr(interval, column)].append(interval)
    return {
        group: Usage(timeline(intervals, window.since, window.end, size), counts, len(intervals))
        for group, intervals in groups.items()
    }


_ROW = (
    "key",
    "hour_us",
    "live_at_start",
    "peak_in_use",
    "peak_us",
    "seat_us",
    "acquires",
    "denials",
    "releases",
    "expiries",
    "revocations",
    "until_us",
)
# The order of the event counts in ``_ROW``.
_KINDS = (Kind.ACQUIRE, Kind.DENY, Kind.RELEASE, Kind.EXPIRE, Kind.REVOKE)


def _level_after(row: tuple) -> int:
    """The in-use level at the end of what a rollup row covers."""
    _, _, live, _, _, _, acquires, _, *ends = row
    return live + acquires - sum(ends)


def _usage_rolled(
    window: Window, cuts: list[int], dimension: str, key: Any, rolled_until: int
) -> dict[Any, Usage]:
    """Whole rolled-up hours from ``UsageHour``, then the open hour's rows as far as
    they go, the rest from the events after the nearest instant whose level the rollup
    knows."""
    since, end = window.since, window.end
    # An hour can stand in for raw events only if it lies inside one bucket: hour and
    # day buckets (aligned to the hour), or the breakdown's single bucket.
    first = -(-since // HOUR) * HOUR
    last = min(end - end % HOUR, rolled_until)
    if first < last and (len(cuts) == 2 or (cuts[1] - cuts[0]) % HOUR == 0):
        stretches = [(a, b) for a, b in ((since, first), (last, end)) if a < b]
    else:
        first = last = since
        stretches = [(since, end)]
    origins = [min(a - a % HOUR, rolled_until) for a, _ in stretches]
    # The rows of the rolled hours, and those that give the level at each origin: the
    # origin's own row, or for the first hour not rolled up the last rolled one's; and
    # the open hour's, when the window runs into it.
    levels_at = [o if o < rolled_until else rolled_until - HOUR for o in origins]
    into_open = first < last == rolled_until < end
    lowest = min([*levels_at, first])
    highest = max([*levels_at, last - HOUR, rolled_until if into_open else lowest])
    stored_key = NONE if key is None and dimension == Dimension.ORG else key
    rows = UsageHour.objects.filter(
        dimension=dimension, hour__gte=dt(lowest), hour__lte=dt(highest)
    )
    if stored_key is not None:
        rows = rows.filter(key=stored_key)
    rows = rows.annotate(
        hour_us=EpochMicros("hour"), peak_us=EpochMicros("peak_at"), until_us=EpochMicros("until")
    )
    by_hour: dict[int, list[tuple]] = defaultdict(list)
    open_rows: list[tuple] = []
    for *row, until in rows.values_list(*_ROW):
        row[0] = None if row[0] == NONE else row[0]
        if until is None:
            by_hour[row[1]].append(tuple(row))
        elif into_open and row[1] == rolled_until and until <= end:
            open_rows.append((until, tuple(row)))

    result: dict[Any, Usage] = {}

    def group(name: Any) -> Usage:
        if name not in result:
            result[name] = Usage.empty(cuts)
        return result[name]

    def fold(rolled: Iterable[tuple], index: int, starts_window: bool) -> None:
        for name, _, live, peak, peak_at, area, *counts in rolled:
            into = group(name)
            into.add(index, peak, peak_at, area)
            if starts_window:
                into.sessions += live
            into.sessions += counts[0]
            for kind, n in zip(_KINDS, counts, strict=True):
                into.counts[index][kind] += n

    def levels(origin: int) -> dict[Any, int]:
        if origin < rolled_until:
            return {name: live for name, _, live, *_ in by_hour.get(origin, ())}
        return {row[0]: _level_after(row) for row in by_hour.get(rolled_until - HOUR, ())}

    pending = [
        (stretch, origin, levels(origin))
        for stretch, origin in zip(stretches, origins, strict=True)
    ]
    if pending and pending[0][0][0] == since:
        _stretch(group, cuts, dimension, stored_key, *pending.pop(0))
    for hour in range(first, last, HOUR):
        fold(by_hour.get(hour, ()), bisect_right(cuts, hour) - 1, hour == since)
    if open_rows:
        # The open hour's rows all cover [rolled_until, until): the raw sweep starts there.
        until = open_rows[0][0]
        fold((row for _, row in open_rows), bisect_right(cuts, last) - 1, False)
        pending = (
            [((until, end), until, {row[0]: _level_after(row) for _, row in open_rows})]
            if until < end
            else []
        )
    for stretch, origin, levels_there in pending:
        _stretch(group, cuts, dimension, stored_key, stretch, origin, levels_there)
    return result


def _stretch(
    group: Callable[[Any], Usage],
    cuts: list[int],
    dimension: str,
    key: Any,
    stretch: tuple[int, int],
    origin: int,
    levels: dict[Any, int],
) -> None:
    """Measure ``[a, b)`` from raw events, starting from the ``levels`` at ``origin``."""
    a, b = stretch
    column = GROUP_COLUMN.get(dimension)
    events = SeatEvent.objects.filter(at__gte=dt(origin), at__lt=dt(b))
    if column is not None and key is not None:
        events = events.filter(**{column: key})
    points: dict[Any, list[list[int]]] = defaultdict(list)
    before = dict(levels)  # the level just before ``a``, for the sessions count
    fields = ("kind", "micros", column) if column else ("kind", "micros")
    rows = events.order_by("at").annotate(micros=EpochMicros("at")).values_list(*fields)
    for kind, at, *name in rows:
        name = name[0] if column else None
        delta = DELTA[kind]
        if at < a:
            before[name] = before.get(name, 0) + delta
        else:
            into = group(name)
            into.counts[bisect_right(cuts, at) - 1][kind] += 1
            if kind == Kind.ACQUIRE:
                into.sessions += 1
        if delta:
            series = points[name]
            if series and series[-1][0] == at:
                series[-1][1] += delta
            else:
                series.append([at, delta])
    inside = [a, *(c for c in cuts if a < c < b), b]
    for name in levels.keys() | points.keys():
        into = group(name)
        if a == cuts[0]:
            into.sessions += before.get(name, 0)
        for piece in sweep(levels.get(name, 0), points.get(name, []), inside):
            into.add(bisect_right(cuts, piece.start) - 1, piece.peak, piece.peak_at, piece.area)


def _utilization(window: Window, measured: Usage, seats_total: int) -> dict[str, Any]:
    buckets, counts = measured.buckets, measured.counts
    totals: Counter = sum(counts, Counter())
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
            "sessions": measured.sessions,
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
    measured = usage(window, window.bucket, Dimension.LICENSE, license_.id)[license_.id]
    return _utilization(window, measured, license_.seats_total)


def org_utilization(
    *, bucket: str, since: datetime | None, until: datetime | None, project_id: Any = None
) -> dict[str, Any]:
    """The organization's (or one project's) seats in use over time, in buckets.
    ``seats_total`` is the capacity now: the seats of its (the project's) licenses that
    can grant one (active, not suspended, not expired; ``License.invalid_reason``)."""
    now = store_now()
    window = window_resolve(since=since, until=until, now=now, bucket=bucket)
    dimension = Dimension.ORG if project_id is None else Dimension.PROJECT
    measured = usage(window, window.bucket, dimension, project_id)[project_id]
    licenses = License.objects.filter(is_active=True, is_suspended=False).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if project_id is not None:
        licenses = licenses.filter(project_id=project_id)
    seats_total = licenses.aggregate(total=Sum("seats_total"))["total"] or 0
    return _utilization(window, measured, seats_total)


def usage_breakdown(*, by: str, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Seat-seconds, sessions and peak concurrency per project or per user, most used
    first. Sessions without a project (or user) form the group whose key is null."""
    window = window_resolve(since=since, until=until, now=store_now())
    dimension = Dimension.PROJECT if by == "project" else Dimension.USER
    groups = {
        key: measured
        for key, measured in usage(window, window.end - window.since, dimension).items()
        if measured.sessions
    }
    names = _group_names(by, [key for key in groups if key is not None])
    rows = [
        {
            "key": key,
            "name": names.get(key),
            "seat_seconds": sum(b.area for b in measured.buckets) / SECOND,
            "sessions": measured.sessions,
            "peak_in_use": max((b.peak for b in measured.buckets), default=0),
        }
        for key, measured in groups.items()
    ]
    rows.sort(key=lambda row: (-row["seat_seconds"], str(row["key"])))
    return {"by": by, "since": dt(window.since), "until": dt(window.end), "groups": rows}


def _group_names(by: str, keys: list[Any]) -> dict[Any, str]:
    if not keys:
        return {}
    if by == "project":
        return dict(Project.objects.filter(id__in=keys).values_list("id", "name"))
    from django.contrib.auth import get_user_model

    return dict(get_user_model().objects.filter(id__in=keys).values_list("id", "email"))


def _above(changes: Sequence[tuple[int, int]], cuts: list[int], floor: int) -> list[Bucket]:
    """Sweep a level (from 0, ``changes`` as in ``sweep``) through the buckets between
    ``cuts``, measuring only its part above ``floor``: per bucket the peak above it and
    the area above it (seat-microseconds)."""
    out, level, i = [], 0, 0
    for start, stop in pairwise(cuts):
        while i < len(changes) and changes[i][0] <= start:
            level += changes[i][1]
            i += 1
        peak, peak_at, area, cursor = max(0, level - floor), start, 0, start
        while i < len(changes) and changes[i][0] < stop:
            at, delta = changes[i]
            area += max(0, level - floor) * (at - cursor)
            level += delta
            if level - floor > peak:
                peak, peak_at = level - floor, at
            cursor = at
            i += 1
        area += max(0, level - floor) * (stop - cursor)
        out.append(Bucket(start, stop, peak, peak_at, area))
    return out


def _changes(intervals: Iterable[Interval]) -> list[tuple[int, int]]:
    changes: dict[int, int] = defaultdict(int)
    for interval in intervals:
        if interval.end > interval.start:
            changes[interval.start] += 1
            changes[interval.end] -= 1
    return sorted(changes.items())


def license_policy_use(
    *, license_: License, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """How a license's seat policy was used, day by day (organization in scope):

    - overage: seat-hours past ``seats_total`` and the peak number of seats past it;
      an overage period starts at the first seat past ``seats_total`` and ends when
      the level is back at it (what ``overage.started|ended`` events describe);
    - each project or group of people with a reservation or a cap: its seats in use
      (peak and seat-hours) beside its reservation and cap. A seat counts against one
      of them, as in the seat step: a person's seat against the group their session
      records (``LicenseSession.group``), any other against its project.

    Measured against today's ``seats_total`` and rules."""
    window = window_resolve(since=since, until=until, now=store_now(), bucket="day")
    cuts = grid(window.since, window.end, window.bucket)
    intervals = window_data(window, license_id=license_.id).intervals
    overage = _above(_changes(intervals), cuts, license_.seats_total)
    rules = [r for r in license_.project_seats if r.get("project") or r.get("group")]
    group_of = _session_groups(license_, window) if any(r.get("group") for r in rules) else {}
    projects = []
    for rule in rules:
        if rule.get("group"):
            mine = [i for i in intervals if group_of.get(str(i.session_id)) == rule["group"]]
        else:
            mine = [
                i
                for i in intervals
                if str(i.project_id) == rule["project"] and str(i.session_id) not in group_of
            ]
        used = _above(_changes(mine), cuts, 0)
        projects.append(
            {
                "project": None,
                "group": None,
                **rule,
                "seat_hours": sum(b.area for b in used) / HOUR,
                "peak_in_use": max((b.peak for b in used), default=0),
                "days": [
                    {"start": dt(b.start), "peak_in_use": b.peak, "seat_hours": b.area / HOUR}
                    for b in used
                ],
            }
        )
    return {
        "since": dt(window.since),
        "until": dt(window.end),
        "seats_total": license_.seats_total,
        "overage_allowance": license_.overage_allowance,
        "overage_seat_hours": sum(b.area for b in overage) / HOUR,
        "overage_peak": max((b.peak for b in overage), default=0),
        "overage_days": [
            {"start": dt(b.start), "peak": b.peak, "seat_hours": b.area / HOUR} for b in overage
        ],
        "projects": projects,
    }


def _session_groups(license_: License, window: Window) -> dict[str, str]:
    """The group each of the license's sessions overlapping the window counted against,
    for the sessions that counted against one."""
    rows = LicenseSession.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=dt(window.since)),
        license_id=license_.id,
        group__isnull=False,
        started_at__lt=dt(window.end),
    ).values_list("id", "group_id")
    return {str(session): str(group) for session, group in rows}


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values (what a p95 means to an operator:
    95 % of waits were this long or shorter)."""
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def license_waits(*, license_: License, days: int = 30) -> dict[str, Any]:
    """Time spent waiting in a license's line, per UTC day (issue 21): waits that ended
    with a seat (p50, p95, longest) and with a cancel, and the day's denials (refused
    acquires and joins of the line). Organization in scope."""
    now = store_now()
    since = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=days - 1)
    per_day: dict[str, dict[str, Any]] = {}

    def day(at: datetime) -> dict[str, Any]:
        key = at.astimezone(UTC).date().isoformat()
        return per_day.setdefault(key, {"day": key, "granted": [], "cancelled": 0, "denials": 0})

    waits = SeatWait.objects.filter(license_id=license_.id, at__gte=since).values_list(
        "outcome", "waited", "at"
    )
    for outcome, waited, at in waits:
        if outcome == SeatWait.Outcome.GRANTED:
            day(at)["granted"].append(waited)
        else:
            day(at)["cancelled"] += 1
    denials = SeatEvent.objects.filter(
        license_id=license_.id, kind=SeatEvent.Kind.DENY, at__gte=since
    ).values_list("at", flat=True)
    for at in denials:
        day(at)["denials"] += 1
    rows = []
    for key in sorted(per_day):
        entry = per_day[key]
        granted = sorted(entry.pop("granted"))
        entry["granted"] = len(granted)
        entry["p50"] = _percentile(granted, 0.5) if granted else None
        entry["p95"] = _percentile(granted, 0.95) if granted else None
        entry["longest"] = granted[-1] if granted else None
        rows.append(entry)
    return {"license": license_.id, "since": since, "days": rows}
