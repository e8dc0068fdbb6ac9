"""The hourly rollup: every read gives the same numbers from it as from raw events.

A known history is written as ``licenses.services`` writes it (an ``acquire`` event at
each session's start, one end event carrying ``session_started_at``, a live session row
for each session not ended), then every analytics read is compared, field by field,
before and after rolling it up, for windows that start and end inside the rolled-up
hours, across the cursor, and after it.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django_scopes import scope, scopes_disabled

from analytics import selectors, services
from analytics.models import UsageHour, UsageRollupCursor
from core.actor import Actor
from licenses.models import LicenseSession, SeatEvent
from licenses.services import license_create
from projects.models import Project

pytestmark = pytest.mark.sqlite

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, well before the tests run
H = timedelta(hours=1)
Kind = SeatEvent.Kind
MIN = timedelta(minutes=1)
MICRO = timedelta(microseconds=1)
LAG = timedelta(minutes=5)


def write_session(org, lic, start, end=None, *, user=None, kind=Kind.RELEASE):
    """One session as the seat path records it: events, and a row while it is live."""
    session_id = uuid.uuid4()
    common = {
        "org": org,
        "license_id": lic.id,
        "project_id": lic.project_id,
        "session_id": session_id,
        "user_id": user,
    }
    SeatEvent.objects.create(kind=Kind.ACQUIRE, seats_used=1, at=start, **common)
    if end is not None:
        SeatEvent.objects.create(
            kind=kind, seats_used=0, at=end, session_started_at=start, **common
        )
    else:
        LicenseSession.objects.create(
            id=session_id,
            org=org,
            license=lic,
            project_id=lic.project_id,
            user_id=user,
            hardware_id=f"hw-{session_id}",
            member=f"hw-{session_id}",
            started_at=start,
            last_heartbeat_at=start,
            expires_at=start + timedelta(days=30),
        )


def deny(org, lic, at):
    SeatEvent.objects.create(
        org=org, license_id=lic.id, project_id=lic.project_id, kind=Kind.DENY, seats_used=2, at=at
    )


@pytest.fixture
def history(org_a, alice, bob):
    """Two licenses (one of project Apollo), three users, and sessions around T0:

    hand-picked edges (live since days before, spanning hour and day boundaries, an end
    and a start at one instant on an hour boundary, a zero-length session, live ones,
    denials) and 150 random sessions over four days, at microsecond times."""
    users = [alice.id, bob.id, None]
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        l1, _ = license_create(
            org=org_a, name="L1", seats_total=5, project=apollo, actor=Actor.system_named("tests")
        )
        l2, _ = license_create(
            org=org_a, name="L2", seats_total=3, actor=Actor.system_named("tests")
        )
        write_session(org_a, l1, T0 - timedelta(days=3, minutes=-10), T0 + 90 * MIN)
        write_session(org_a, l1, T0 + timedelta(minutes=15, microseconds=500), T0 + 45 * MIN)
        write_session(org_a, l1, T0 + 45 * MIN, T0 + 2 * H, user=users[0], kind=Kind.EXPIRE)
        write_session(org_a, l1, T0 + 2 * H, T0 + 150 * MIN, user=users[1])
        write_session(org_a, l2, T0 + 23 * H + 50 * MIN, T0 + 24 * H + 20 * MIN, kind=Kind.REVOKE)
        write_session(org_a, l2, T0 + 3 * H, T0 + 3 * H)
        write_session(org_a, l2, T0 + 29 * H, None, user=users[0])
        write_session(org_a, l1, T0 - 2 * H, None)
        deny(org_a, l1, T0 + 30 * MIN)
        deny(org_a, l2, T0 + 29 * H)
        rng = random.Random(7)
        for _ in range(150):
            start = T0 - timedelta(days=1) + rng.randrange(4 * 86400 * 10**6) * MICRO
            length = rng.randrange(6 * 3600 * 10**6) * MICRO
            end = None if rng.random() < 0.05 else start + length
            kind = rng.choice([Kind.RELEASE, Kind.RELEASE, Kind.EXPIRE, Kind.REVOKE])
            lic, user = rng.choice([l1, l2]), rng.choice(users)
            write_session(org_a, lic, start, end, user=user, kind=kind)
            if rng.random() < 0.2:
                deny(org_a, rng.choice([l1, l2]), start)
    return {"org": org_a, "L1": l1, "L2": l2, "apollo": apollo}


def reads(h):
    """Every analytics read, over windows that straddle hours, days and the cursor."""
    l1, l2, apollo = h["L1"], h["L2"], h["apollo"]
    windows = [
        (T0 - timedelta(minutes=53), T0 + timedelta(days=2, minutes=13)),
        (T0 - timedelta(days=2), T0 + timedelta(days=3)),
        (T0 + 22 * H, T0 + timedelta(hours=30, seconds=1)),
    ]
    odd = [
        (T0 + timedelta(minutes=7, seconds=13, microseconds=250), T0 + timedelta(hours=29.5)),
        (T0 + 2 * H, T0 + 3 * H),
        (T0 - timedelta(days=1), T0 + timedelta(days=3)),
        (T0 + timedelta(minutes=44), T0 + timedelta(minutes=46)),
    ]
    answers = []
    with scope(org=h["org"]):
        for since, until in windows:
            for bucket in ("hour", "day"):
                window = {"since": since, "until": until, "bucket": bucket}
                for lic in (l1, l2):
                    answers.append(selectors.license_utilization(license_=lic, **window))
                answers.append(selectors.org_utilization(**window))
                answers.append(selectors.org_utilization(**window, project_id=apollo.id))
        minutes = {"since": T0 + 23 * H + 30 * MIN, "until": T0 + 25 * H, "bucket": "minute"}
        answers.append(selectors.license_utilization(license_=l2, **minutes))
        answers.append(selectors.org_utilization(**minutes))
        for since, until in windows + odd:
            for by in ("project", "user"):
                answers.append(selectors.usage_breakdown(by=by, since=since, until=until))
    return answers


def raw_reads(h):
    """The reads as if nothing were rolled up."""
    with transaction.atomic():
        with scopes_disabled():
            UsageRollupCursor.objects.all().delete()
        answers = reads(h)
        transaction.set_rollback(True)
    return answers


def assert_same(got, expected):
    assert len(got) == len(expected)
    for one, other in zip(got, expected, strict=True):
        assert one == other


def test_hour_and_day_reads_are_the_same_from_the_rollup(history):
    expected = reads(history)
    assert any(a.get("peak_in_use", 0) >= 3 for a in expected)
    report = services.usage_rollup(now=T0 + timedelta(days=4), lag=LAG)
    assert report.hours and report.rows and not report.behind
    with scope(org=history["org"]):
        assert UsageHour.objects.filter(dimension=UsageHour.Dimension.LICENSE).exists()
    assert_same(reads(history), expected)


@pytest.mark.parametrize(
    "rolled_to",
    [
        T0 - timedelta(days=1, minutes=-3),  # the cursor before every window
        T0 + timedelta(hours=5, minutes=10),  # inside some windows
        T0 + timedelta(hours=29, minutes=4),  # on an hour with a start and a denial
        # The open hour's rows reach past the end of a window that ends in that hour.
        T0 + timedelta(hours=30, minutes=4),
    ],
)
def test_reads_across_the_cursor_are_the_same(history, rolled_to):
    expected = reads(history)
    services.usage_rollup(now=rolled_to, lag=LAG)
    with scopes_disabled():
        [cursor] = UsageRollupCursor.objects.all()
    assert cursor.rolled_until == (rolled_to - LAG).replace(minute=0, second=0)
    assert_same(reads(history), expected)


def open_rows(org):
    with scope(org=org):
        return sorted(
            UsageHour.objects.filter(until__isnull=False).values_list(
                "dimension", "key", "hour", "until", "acquires"
            )
        )


def test_the_open_hour_is_rolled_up_to_the_lag_and_replaced_when_it_closes(history):
    org = history["org"]
    services.usage_rollup(now=T0 + timedelta(hours=29, minutes=20), lag=LAG)
    first = open_rows(org)
    # Each group live or busy in the hour: the organization, two licenses, a project...
    assert len(first) >= 4
    assert {(hour, until) for _, _, hour, until, _ in first} == {
        (T0 + 29 * H, T0 + 29 * H + 15 * MIN)
    }
    org_row = next(row for row in first if row[0] == UsageHour.Dimension.ORG)
    with scope(org=org):
        started = SeatEvent.objects.filter(
            kind=Kind.ACQUIRE, at__gte=T0 + 29 * H, at__lt=T0 + 29 * H + 15 * MIN
        )
        assert org_row[4] == started.count() >= 1  # the start at T0 + 29 h, at least

    report = services.usage_rollup(now=T0 + timedelta(hours=29, minutes=50), lag=LAG)
    assert report.hours == 0 and report.open_rows >= 4
    second = open_rows(org)
    assert {until for *_, until, _ in second} == {T0 + 29 * H + 45 * MIN}
    assert len(second) == len({(d, k) for d, k, *_ in second})  # rewritten, not added

    services.usage_rollup(now=T0 + timedelta(hours=30, minutes=6), lag=LAG)
    with scope(org=org):
        closed = UsageHour.objects.filter(hour=T0 + 29 * H)
        assert closed.exists() and not closed.filter(until__isnull=False).exists()
    assert {hour for _, _, hour, _, _ in open_rows(org)} == {T0 + 30 * H}


def test_an_hour_closes_only_after_the_lag(history):
    services.usage_rollup(now=T0 + timedelta(hours=3, minutes=4), lag=LAG)
    with scopes_disabled():
        assert UsageRollupCursor.objects.get().rolled_until == T0 + 2 * H
    services.usage_rollup(now=T0 + timedelta(hours=3, minutes=6), lag=LAG)
    with scopes_disabled():
        assert UsageRollupCursor.objects.get().rolled_until == T0 + 3 * H


def test_it_is_idempotent_and_bounded_per_call(history):
    now = T0 + timedelta(days=4)
    first = services.usage_rollup(now=now, lag=LAG, max_hours=24)
    assert (first.behind, first.hours) == (1, 24)
    while services.usage_rollup(now=now, lag=LAG, max_hours=24).behind:
        pass
    with scopes_disabled():
        rows = sorted(UsageHour.objects.values_list("dimension", "key", "hour", "seat_us"))
    again = services.usage_rollup(now=now, lag=LAG)
    assert (again.hours, again.rows) == (0, 0)
    with scopes_disabled():
        assert sorted(UsageHour.objects.values_list("dimension", "key", "hour", "seat_us")) == rows
    assert len(rows) == len({(d, k, h) for d, k, h, _ in rows})


def test_late_events_roll_their_hours_again(history):
    org, l2 = history["org"], history["L2"]
    services.usage_rollup(now=T0 + timedelta(days=1), lag=LAG)
    with scope(org=org):
        # Written after their hours were rolled up (but within LATE_RECHECK of the
        # cursor): a whole session, and a denial.
        write_session(org, l2, T0 + 5 * H + 10 * MIN, T0 + 7 * H + 5 * MIN, kind=Kind.EXPIRE)
        deny(org, l2, T0 + 6 * H)
    expected = raw_reads(history)
    assert reads(history) != expected  # the rollup has not seen them yet
    report = services.usage_rollup(now=T0 + timedelta(days=1, hours=1), lag=LAG)
    assert report.late == 1
    assert_same(reads(history), expected)


def test_organizations_never_see_each_others_rollup(history, org_b):
    with scope(org=org_b):
        lic_b, _ = license_create(
            org=org_b, name="B", seats_total=1, actor=Actor.system_named("tests")
        )
        write_session(org_b, lic_b, T0 + 10 * MIN, T0 + 20 * MIN)
    window = {"since": T0 - timedelta(days=1), "until": T0 + timedelta(days=3)}
    with scope(org=org_b):
        before = (
            selectors.org_utilization(bucket="day", **window),
            selectors.usage_breakdown(by="project", **window),
        )
    expected_a = reads(history)
    services.usage_rollup(now=T0 + timedelta(days=4), lag=LAG)
    with scope(org=org_b):
        assert set(UsageHour.objects.values_list("org_id", flat=True)) == {org_b.id}
        after = (
            selectors.org_utilization(bucket="day", **window),
            selectors.usage_breakdown(by="project", **window),
        )
    assert after == before
    assert after[0]["totals"]["sessions"] == 1 and after[0]["peak_in_use"] == 1
    assert [g["sessions"] for g in after[1]["groups"]] == [1]
    assert_same(reads(history), expected_a)
