"""Writes of the analytics app: the hourly rollup of the seat ledger
(``licenses.models.SeatEvent``, which only ``licenses.services.session_rows`` writes)."""

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncHour
from django_scopes import scopes_disabled

from analytics.models import UsageHour, UsageRollupCursor
from analytics.selectors import DELTA, HOUR, NONE, EpochMicros, dt, store_now, sweep, us
from licenses.models import SeatEvent
from tenants.models import Organization

logger = logging.getLogger(__name__)
Kind = SeatEvent.Kind
Dimension = UsageHour.Dimension


# Roll up only hours that closed at least this long ago (seconds, the seat store's
# clock): events are written a little after their ``at`` (the reaper stamps a batch
# with the time it started), and an hour must have all its events when it is rolled.
# Hours rolled up per transaction: each holds the organization's cursor lock while it
# reads a day of events.
CHUNK_HOURS = 24
# Rolled-up hours checked again for events that came later than the lag.
LATE_RECHECK = 24 * HOUR
# Where each event counts in an hour's row.
_COUNT_INDEX = {Kind.ACQUIRE: 0, Kind.DENY: 1, Kind.RELEASE: 2, Kind.EXPIRE: 3, Kind.REVOKE: 4}


@dataclass(frozen=True)
class RollupStep:
    """One transaction of the rollup: one organization's hours ``[start, stop)``."""

    org_id: Any
    start: datetime
    stop: datetime
    events: int
    rows: int
    late: bool  # rolled again: events came after the hours were rolled up
    behind_hours: int  # closed hours still to roll up for this organization
    seconds: float


@dataclass
class RollupReport:
    steps: int = 0
    hours: int = 0
    events: int = 0
    rows: int = 0
    late: int = 0  # organizations whose hours were rolled again for late events
    behind: int = 0  # organizations left behind by ``max_hours``
    open_rows: int = 0  # rows written for the open hours (``UsageHour.until``)
    seconds: float = 0.0


def usage_rollup(
    *,
    max_hours: int = 7 * 24,
    lag: timedelta | None = None,
    now: datetime | None = None,
    progress: Callable[[RollupStep], None] | None = None,
) -> RollupReport:
    """Roll up every closed hour not rolled up yet, of every organization, into
    ``UsageHour`` rows; at most ``max_hours`` hours per organization per call.

    Idempotent, and safe in several processes at once: an organization's hours are
    written under its cursor's row lock, taken with ``SKIP LOCKED`` (a second rollup
    leaves that organization to the first), and the cursor moves in the transaction
    that writes the rows. An hour is closed ``lag`` after its end (the
    ``USAGE_ROLLUP_LAG`` setting, in seconds); events that come even later, within
    ``LATE_RECHECK`` of the cursor, are found by their count per hour and their hours
    are rolled up again. Each organization caught up to the open hour then has that
    hour's rows rewritten up to ``lag`` ago (``UsageHour.until``).
    """
    started = time.monotonic()
    if lag is None:
        lag = timedelta(seconds=settings.USAGE_ROLLUP_LAG)
    settled = us(now or store_now()) - lag // timedelta(microseconds=1)
    closable = _floor_hour(settled)
    report = RollupReport()
    with scopes_disabled():
        _cursors_create(closable)
        behind = UsageRollupCursor.objects.filter(rolled_until__lt=dt(closable))
        for org_id in behind.order_by("rolled_until").values_list("org_id", flat=True):
            budget, recheck = max_hours, True
            while budget > 0:
                step = _org_rollup_step(org_id, closable, min(CHUNK_HOURS, budget), recheck)
                if step is None:
                    break
                recheck = False
                hours = (us(step.stop) - us(step.start)) // HOUR
                budget -= max(hours, 1)
                report.steps += 1
                report.hours += hours
                report.events += step.events
                report.rows += step.rows
                report.late += step.late
                logger.info(
                    "usage rollup: org %s %s..%s: %d events, %d rows%s in %.2fs; %d h behind",
                    step.org_id,
                    step.start.isoformat(),
                    step.stop.isoformat(),
                    step.events,
                    step.rows,
                    " (late events: rolled again)" if step.late else "",
                    step.seconds,
                    step.behind_hours,
                )
                if progress is not None:
                    progress(step)
                if not step.behind_hours:
                    break
            else:
                report.behind += 1
        caught_up = UsageRollupCursor.objects.filter(rolled_until=dt(closable))
        if settled > closable:
            for org_id in caught_up.values_list("org_id", flat=True):
                report.open_rows += _org_open_hour_roll(org_id, closable, settled)
    report.seconds = time.monotonic() - started
    return report


def _floor_hour(micros: int) -> int:
    return micros - micros % HOUR


def _cursors_create(closable: int) -> None:
    """A cursor for each organization without one, at the hour of its first event (or
    at ``closable``, if it has none): there is nothing to roll up before it."""
    new = Organization.objects.exclude(
        id__in=UsageRollupCursor.objects.values("org_id")
    ).values_list("id", flat=True)
    cursors = []
    for org_id in new:
        first = (
            SeatEvent.objects.filter(org_id=org_id)
            .order_by("at")
            .values_list("at", flat=True)
            .first()
        )
        start = closable if first is None else min(closable, _floor_hour(us(first)))
        cursors.append(UsageRollupCursor(org_id=org_id, rolled_until=dt(start)))
    # A concurrent rollup may create the same cursors: either one is right.
    UsageRollupCursor.objects.bulk_create(cursors, ignore_conflicts=True)


def _org_rollup_step(org_id: Any, closable: int, hours: int, recheck: bool) -> RollupStep | None:
    """Roll up to ``hours`` hours of one organization in one transaction; None when
    another rollup holds it or it is caught up."""
    started = time.monotonic()
    with transaction.atomic():
        cursor = (
            UsageRollupCursor.objects.select_for_update(skip_locked=True)
            .filter(org_id=org_id)
            .first()
        )
        if cursor is None or us(cursor.rolled_until) >= closable:
            return None
        done = start = us(cursor.rolled_until)
        late = _first_late_hour(org_id, done - LATE_RECHECK, done) if recheck else None
        if late is not None:
            start = late
        carry = _levels_at(org_id, start)
        if not carry and late is None:
            # Nothing held and nothing happened until the next event: skip to its hour.
            following = (
                SeatEvent.objects.filter(org_id=org_id, at__gte=dt(start))
                .order_by("at")
                .values_list("at", flat=True)
                .first()
            )
            start = closable if following is None else min(closable, _floor_hour(us(following)))
        stop = min(closable, max(done, start + hours * HOUR))
        events = rows = 0
        if start < stop:
            # Hours rolled again for late events, and the open hour's rows of the last
            # run (``_org_open_hour_roll``), make way for whole-hour rows.
            UsageHour.objects.filter(org_id=org_id, hour__gte=dt(start), hour__lt=dt(stop)).delete()
            hour_rows, events = _hours_roll(org_id, start, stop, carry)
            UsageHour.objects.bulk_create(hour_rows, batch_size=2000)
            rows = len(hour_rows)
        cursor.rolled_until = dt(stop)
        cursor.save(update_fields=["rolled_until"])
    return RollupStep(
        org_id=org_id,
        start=dt(min(start, done)),
        stop=dt(stop),
        events=events,
        rows=rows,
        late=late is not None,
        behind_hours=(closable - stop) // HOUR,
        seconds=time.monotonic() - started,
    )


def _org_open_hour_roll(org_id: Any, hour: int, until: int) -> int:
    """Rewrite the rows of the open ``hour`` of one organization, covering ``[hour,
    until)``; the number of rows written (0 when another rollup holds it)."""
    with transaction.atomic():
        cursor = (
            UsageRollupCursor.objects.select_for_update(skip_locked=True)
            .filter(org_id=org_id)
            .first()
        )
        if cursor is None or us(cursor.rolled_until) != hour:
            return 0
        UsageHour.objects.filter(org_id=org_id, hour=dt(hour)).delete()
        rows, _ = _hours_roll(org_id, hour, until, _levels_at(org_id, hour))
        for row in rows:
            row.until = dt(until)
        UsageHour.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _first_late_hour(org_id: Any, since: int, until: int) -> int | None:
    """The first rolled-up hour in ``[since, until)`` whose events are not the ones it
    was rolled up from (events are only ever added, so counting them is enough)."""
    raw = dict(
        SeatEvent.objects.filter(org_id=org_id, at__gte=dt(since), at__lt=dt(until))
        .annotate(hour=TruncHour("at"))
        .values("hour")
        .annotate(n=Count("id"))
        .values_list("hour", "n")
    )
    rolled = dict(
        UsageHour.objects.filter(
            org_id=org_id, dimension=Dimension.ORG, hour__gte=dt(since), hour__lt=dt(until)
        )
        .annotate(n=F("acquires") + F("denials") + F("releases") + F("expiries") + F("revocations"))
        .values_list("hour", "n")
    )
    differ = [
        us(hour) for hour in raw.keys() | rolled.keys() if raw.get(hour, 0) != rolled.get(hour, 0)
    ]
    return min(differ, default=None)


def _levels_at(org_id: Any, hour: int) -> dict[tuple[str, Any], int]:
    """Seats in use just before ``hour``, per group: where the previous hour ended."""
    rows = UsageHour.objects.filter(org_id=org_id, hour=dt(hour - HOUR)).values_list(
        "dimension", "key", "live_at_start", "acquires", "releases", "expiries", "revocations"
    )
    levels = {}
    for dimension, key, live, acquires, *ends in rows:
        if level := live + acquires - sum(ends):
            levels[dimension, key] = level
    return levels


def _hours_roll(
    org_id: Any, start: int, stop: int, carry: dict[tuple[str, Any], int]
) -> tuple[list[UsageHour], int]:
    """The rows of the hours ``[start, stop)`` (the last one may be partial), from
    their events and the levels the hour before ended at; and the number of events
    read."""
    points: dict[tuple[str, Any], list[list[int]]] = defaultdict(list)
    counts: dict[tuple[str, Any], dict[int, list[int]]] = defaultdict(dict)
    events = (
        SeatEvent.objects.filter(org_id=org_id, at__gte=dt(start), at__lt=dt(stop))
        .order_by("at")
        .annotate(micros=EpochMicros("at"))
        .values_list("kind", "micros", "license_id", "project_id", "user_id")
    )
    n = 0
    for kind, at, license_id, project_id, user_id in events.iterator(chunk_size=10_000):
        n += 1
        delta, index, hour = DELTA[kind], _COUNT_INDEX[kind], (at - start) // HOUR
        for group in (
            (Dimension.ORG, NONE),
            (Dimension.LICENSE, license_id),
            (Dimension.PROJECT, project_id or NONE),
            (Dimension.USER, user_id or NONE),
        ):
            by_hour = counts[group]
            if hour not in by_hour:
                by_hour[hour] = [0, 0, 0, 0, 0]
            by_hour[hour][index] += 1
            if delta:
                series = points[group]
                if series and series[-1][0] == at:
                    series[-1][1] += delta
                else:
                    series.append([at, delta])
    cuts = [*range(start, stop, HOUR), stop]
    rows = []
    for group in carry.keys() | counts.keys():
        live, by_hour = carry.get(group, 0), counts.get(group, {})
        for hour, piece in enumerate(sweep(live, points.get(group, []), cuts)):
            n_kinds = by_hour.get(hour)
            if live or n_kinds:
                acquires, denials, releases, expiries, revocations = n_kinds or (0, 0, 0, 0, 0)
                rows.append(
                    UsageHour(
                        org_id=org_id,
                        dimension=group[0],
                        key=group[1],
                        hour=dt(piece.start),
                        live_at_start=live,
                        peak_in_use=piece.peak,
                        peak_at=dt(piece.peak_at),
                        seat_us=piece.area,
                        acquires=acquires,
                        denials=denials,
                        releases=releases,
                        expiries=expiries,
                        revocations=revocations,
                    )
                )
                live += acquires - releases - expiries - revocations
    return rows, n
