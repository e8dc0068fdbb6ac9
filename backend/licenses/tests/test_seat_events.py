"""The seat services append one ``SeatEvent`` per session start, session end and denial."""

import time

import pytest
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from licenses import services
from licenses.errors import NoSeatsAvailable
from licenses.models import LicenseSession, SeatEvent
from licenses.tests.helpers import end as release
from tests.fixtures.concurrency import race

pytestmark = pytest.mark.sqlite


def events(org):
    with scope(org=org):
        return list(
            SeatEvent.objects.order_by("id").values(
                "kind", "seats_used", "session_id", "at", "session_started_at", "project_id"
            )
        )


def session(session_id) -> LicenseSession:
    with scopes_disabled():
        return LicenseSession.objects.get(id=session_id)


def test_each_start_end_and_denial_is_one_event(store_kind, org_a, license_a):
    license_, key = license_a(seats=2, heartbeat_ttl=2)

    seats = {}

    def take(hwid):
        seats[hwid] = services.session_acquire(license_key=key, hardware_id=hwid)
        return seats[hwid].session

    a, b = take("a"), take("b")
    with pytest.raises(NoSeatsAvailable):
        take("c")
    release(seats["a"])
    release(seats["a"])  # twice: no second event
    assert take("b").id == b.id  # idempotent: no event
    time.sleep(2.2)
    c = take("c")  # evicts b, whose TTL passed
    services.session_revoke(session=c, actor=Actor.system_named("tests"))
    d = take("d")
    time.sleep(2.2)
    assert services.sessions_reap().reaped == 1

    recorded = events(org_a)
    assert [(e["kind"], e["seats_used"]) for e in recorded] == [
        ("acquire", 1),
        ("acquire", 2),
        ("deny", 2),
        ("release", 1),
        ("expire", 0),
        ("acquire", 1),
        ("revoke", 0),
        ("acquire", 1),
        ("expire", 0),
    ]
    by_kind_session = {(e["kind"], e["session_id"]): e for e in recorded}
    for row in (a, b, c, d):
        row = session(row.id)
        start = by_kind_session["acquire", row.id]
        assert start["at"] == row.started_at and start["session_started_at"] is None
        end = next(e for e in recorded if e["session_id"] == row.id and e["kind"] != "acquire")
        assert end["at"] == row.ended_at and end["session_started_at"] == row.started_at
    assert [session(s.id).status for s in (a, b, c, d)] == [
        "released",
        "zombie",
        "revoked",
        "zombie",
    ]
    deny = recorded[2]
    assert deny["session_id"] is None and deny["project_id"] == license_.project_id
    # The clock of the events is the seat store's, in order.
    times = [e["at"] for e in recorded]
    assert times == sorted(times)


@pytest.mark.django_db(transaction=True)
def test_racing_enders_of_one_session_write_one_end_event(store_kind, org_a, license_a):
    """Releases (one statement on PostgreSQL) racing revokes (a row lock, then the
    update): the session ends once, with one event that counts the other seat."""
    _, key = license_a(seats=2)
    acquired = services.session_acquire(license_key=key, hardware_id="a")
    seat = acquired.session
    services.session_acquire(license_key=key, hardware_id="b")

    def finish(i: int) -> None:
        if i % 3 == 0:
            services.session_revoke(session=session(seat.id), actor=Actor.system_named("tests"))
        else:
            release(acquired)

    race(finish, 12)
    ends = [e for e in events(org_a) if e["kind"] != "acquire"]
    assert [e["seats_used"] for e in ends] == [1]
    ended = session(seat.id)
    assert ended.status == {"release": "released", "revoke": "revoked"}[ends[0]["kind"]]
    assert ends[0]["at"] == ended.ended_at


def test_a_failed_session_insert_records_no_event(store_kind, org_a, license_a):
    _, key = license_a(seats=1)
    with pytest.raises(TypeError):
        services.session_acquire(license_key=key, hardware_id="a", client_info={"x": {1, 2}})
    assert events(org_a) == []


def test_events_carry_the_project_of_the_license(store_kind, org_a, license_a):
    from projects.models import Project

    with scope(org=org_a):
        apollo = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
    _, key = license_a(seats=1, project=apollo)
    seat = services.session_acquire(license_key=key, hardware_id="a")
    release(seat)
    assert {e["project_id"] for e in events(org_a)} == {apollo.id}


def test_seat_events_are_append_only(store_kind, org_a, license_a):
    _, key = license_a(seats=1)
    services.session_acquire(license_key=key, hardware_id="a")
    with scope(org=org_a):
        event = SeatEvent.objects.get()
    event.seats_used = 99
    with pytest.raises(ValueError, match="append-only"):
        event.save()
