"""Utilization and breakdown over HTTP, from a known sequence of seat events.

The clock is the seat store's, so the test reads the times the events were recorded
at and computes what every bucket must say from them, by brute force.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.utils.dateparse import parse_datetime
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from licenses import services
from licenses.errors import NoSeatsAvailable
from licenses.models import LicenseSession, SeatEvent
from licenses.services import license_create
from licenses.tests.helpers import end as release_seat
from projects.models import Project
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite

MINUTE = timedelta(minutes=1)


def base(org):
    return f"/api/v1/orgs/{org.slug}"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@pytest.fixture
def story(org_a, store_kind):
    """Two licenses of org A and a known sequence on them:

    L (2 seats, TTL 2 s, no project): a and b acquire, c is refused, a releases,
    b goes silent and is reaped. M (1 seat, project Apollo): x acquires, y is
    refused, an admin revokes x.
    """
    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        lic_l, key_l = license_create(
            org=org_a, name="L", seats_total=2, heartbeat_ttl=2, actor=Actor.system_named("tests")
        )
        lic_m, key_m = license_create(
            org=org_a, name="M", seats_total=1, project=apollo, actor=Actor.system_named("tests")
        )

    seats = {}

    def take(key, hwid):
        seats[hwid] = services.session_acquire(license_key=key, hardware_id=hwid)
        return seats[hwid].session

    a, b = take(key_l, "a"), take(key_l, "b")
    with pytest.raises(NoSeatsAvailable):
        take(key_l, "c")
    release_seat(seats["a"])
    x = take(key_m, "x")
    with pytest.raises(NoSeatsAvailable):
        take(key_m, "y")
    time.sleep(2.2)
    assert services.sessions_reap().reaped == 1  # b
    services.session_revoke(session=x, actor=Actor.system_named("tests"))
    with scopes_disabled():
        rows = {s.id: s for s in LicenseSession.objects.filter(id__in=[a.id, b.id, x.id])}
    with scope(org=org_a):
        events = list(SeatEvent.objects.order_by("id").values_list("kind", "at", "license_id"))
    assert [k for k, *_ in events] == [
        "acquire",
        "acquire",
        "deny",
        "release",
        "acquire",
        "deny",
        "expire",
        "revoke",
    ]
    # Every interval is exactly the session row's [started_at, ended_at].
    spans = {
        name: (rows[s.id].started_at, rows[s.id].ended_at)
        for name, s in (("a", a), ("b", b), ("x", x))
    }
    last = events[-1][1]
    since = floor_minute(spans["a"][0]) - 2 * MINUTE
    until = last + timedelta(milliseconds=1)
    return {
        "L": lic_l,
        "M": lic_m,
        "apollo": apollo,
        "spans": spans,
        "events": events,
        "since": since,
        "until": until,
    }


def expected_buckets(spans, events, since, until):
    """Brute force: per minute, overlap of each span, the peak checked at every instant
    a span starts, and the events counted by kind."""
    buckets, start = [], since
    while start < until:
        stop = min(start + MINUTE, until)
        micros = 0
        for begin, end in spans:
            overlap = min(end, stop) - max(begin, start)
            if overlap > timedelta(0):
                micros += overlap // timedelta(microseconds=1)
        instants = [start] + [b for b, _ in spans if start <= b < stop]
        peak = max(sum(1 for b, e in spans if b <= t < e) for t in instants)
        inside = [k for k, at, *_ in events if start <= at < stop]
        buckets.append(
            {
                "start": start,
                "peak_in_use": peak,
                "avg_in_use": round(micros / ((stop - start) // timedelta(microseconds=1)), 6),
                "seat_seconds": micros / 1e6,
                "acquires": inside.count("acquire"),
                "denials": inside.count("deny"),
            }
        )
        start += MINUTE
    return buckets


def parsed(buckets):
    return [{**b, "start": parse_datetime(b["start"])} for b in buckets]


def seconds(begin, end) -> float:
    return ((end - begin) // timedelta(microseconds=1)) / 1e6


def test_a_licenses_utilization_is_exact(org_a, alice, story):
    spans, lic = story["spans"], story["L"]
    response = client_for(alice).get(
        f"{base(org_a)}/licenses/{lic.id}/utilization",
        {"bucket": "minute", "since": iso(story["since"]), "until": iso(story["until"])},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    l_events = [e for e in story["events"] if e[2] == lic.id]
    l_spans = [spans["a"], spans["b"]]
    assert parsed(body["buckets"]) == expected_buckets(
        l_spans, l_events, story["since"], story["until"]
    )
    assert len(body["buckets"]) >= 3 and body["buckets"][0]["peak_in_use"] == 0
    assert body["peak_in_use"] == 2
    assert parse_datetime(body["peak_at"]) == spans["b"][0]  # when b joined a
    assert body["seats_total"] == 2 and body["bucket_seconds"] == 60
    assert body["totals"] == {
        "acquires": 2,
        "denials": 1,
        "releases": 1,
        "expiries": 1,
        "revocations": 0,
        "sessions": 2,
        "seat_seconds": pytest.approx(seconds(*spans["a"]) + seconds(*spans["b"]), abs=1e-6),
    }


def test_the_organizations_utilization_adds_its_licenses_up(org_a, alice, story):
    spans = story["spans"]
    query = {"bucket": "minute", "since": iso(story["since"]), "until": iso(story["until"])}
    body = client_for(alice).get(f"{base(org_a)}/analytics/utilization", query).json()
    assert parsed(body["buckets"]) == expected_buckets(
        list(spans.values()), story["events"], story["since"], story["until"]
    )
    # a and b overlap, then b and x: never three at once.
    assert body["peak_in_use"] == 2 and body["seats_total"] == 3
    assert (body["totals"]["acquires"], body["totals"]["denials"]) == (3, 2)
    assert body["totals"]["revocations"] == 1 and body["totals"]["sessions"] == 3

    apollo = client_for(alice).get(
        f"{base(org_a)}/analytics/utilization", {**query, "project": str(story["apollo"].id)}
    )
    body = apollo.json()
    assert body["peak_in_use"] == 1 and body["seats_total"] == 1
    assert (body["totals"]["acquires"], body["totals"]["denials"]) == (1, 1)
    assert body["totals"]["seat_seconds"] == pytest.approx(seconds(*spans["x"]), abs=1e-6)


def test_the_breakdown_by_project_and_by_user(org_a, alice, story):
    spans = story["spans"]
    window = {"since": iso(story["since"]), "until": iso(story["until"])}
    body = (
        client_for(alice)
        .get(f"{base(org_a)}/analytics/breakdown", {"by": "project", **window})
        .json()
    )
    groups = {g["key"]: g for g in body["groups"]}
    apollo = str(story["apollo"].id)
    assert groups[apollo] == {
        "key": apollo,
        "name": "Apollo",
        "seat_seconds": pytest.approx(seconds(*spans["x"]), abs=1e-6),
        "sessions": 1,
        "peak_in_use": 1,
    }
    assert groups[None]["sessions"] == 2 and groups[None]["peak_in_use"] == 2
    assert groups[None]["name"] is None
    assert groups[None]["seat_seconds"] == pytest.approx(
        seconds(*spans["a"]) + seconds(*spans["b"]), abs=1e-6
    )
    # Most used first.
    assert body["groups"][0]["seat_seconds"] >= body["groups"][-1]["seat_seconds"]

    by_user = client_for(alice).get(f"{base(org_a)}/analytics/breakdown", {"by": "user", **window})
    [unattributed] = by_user.json()["groups"]
    assert unattributed["key"] is None and unattributed["sessions"] == 3


def test_sessions_that_span_a_past_window_are_measured(org_a, alice, store_kind, license_a):
    """A window inside a session: one that is still live, and one that ended after it."""
    _, key = license_a(seats=2)
    ended_seat = services.session_acquire(license_key=key, hardware_id="ended")
    ended = ended_seat.session
    live = services.session_acquire(license_key=key, hardware_id="live").session
    time.sleep(1.0)
    release_seat(ended_seat)
    start = max(ended.started_at, live.started_at) + timedelta(milliseconds=100)
    until = start + timedelta(milliseconds=500)
    body = (
        client_for(alice)
        .get(
            f"{base(org_a)}/analytics/breakdown",
            {"by": "project", "since": iso(start), "until": iso(until)},
        )
        .json()
    )
    [group] = body["groups"]
    assert group["sessions"] == 2 and group["peak_in_use"] == 2
    assert group["seat_seconds"] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("analytics/utilization", {"bucket": "minute", "since": "2020-01-01T00:00:00Z"}, "bucket"),
        ("analytics/utilization", {"bucket": "week"}, "bucket"),
        ("analytics/utilization", {"since": "yesterday"}, "since"),
        ("analytics/utilization", {"since": "2030-01-02T00:00Z", "until": "2030-01-01"}, "since"),
        ("analytics/breakdown", {}, "by"),
        ("analytics/breakdown", {"by": "project", "since": "2020-01-01T00:00:00Z"}, "since"),
    ],
)
def test_bad_windows_are_a_400(org_a, alice, path, query, field):
    response = client_for(alice).get(f"{base(org_a)}/{path}", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["details"]["fields"]


def test_defaults_end_now_and_leave_out_other_organizations(org_a, org_b, alice, license_a):
    with scope(org=org_b):
        _, key_b = license_create(
            org=org_b, name="B", seats_total=1, actor=Actor.system_named("tests")
        )
    services.session_acquire(license_key=key_b, hardware_id="b-box")
    body = client_for(alice).get(f"{base(org_a)}/analytics/utilization").json()
    assert body["bucket_seconds"] == 3600 and len(body["buckets"]) in (24, 25)
    assert body["peak_in_use"] == 0 and body["totals"]["acquires"] == 0
    assert parse_datetime(body["until"]) <= datetime.now(tz=UTC) + timedelta(seconds=5)


def test_capacity_counts_only_licenses_that_can_grant_a_seat(org_a, alice, store_kind):
    from licenses.models import License

    with scope(org=org_a):
        license_create(org=org_a, name="granting", seats_total=3, actor=Actor.system_named("tests"))
        for name, change in (
            ("suspended", {"is_suspended": True}),
            ("inactive", {"is_active": False}),
            ("expired", {"expires_at": datetime.now(UTC) - MINUTE}),
        ):
            lic, _ = license_create(
                org=org_a, name=name, seats_total=5, actor=Actor.system_named("tests")
            )
            License.objects.filter(pk=lic.pk).update(**change)
    body = client_for(alice).get(f"{base(org_a)}/analytics/utilization").json()
    assert body["seats_total"] == 3
