"""Seats of silent clients come back after the TTL; the reaper keeps the books exact."""

import time

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from core.actor import Actor
from licenses import services
from licenses.errors import NoSeatsAvailable, SessionExpired
from licenses.models import LicenseSession
from licenses.tasks import reap_sessions
from licenses.tests.helpers import beat
from tests.fixtures.concurrency import race

pytestmark = pytest.mark.sqlite


def status_of(session_id) -> str:
    with scopes_disabled():
        return LicenseSession.objects.get(id=session_id).status


def test_a_silent_client_loses_its_seat_after_the_ttl(store_kind, make_license):
    _, key = make_license(seats=1, heartbeat_ttl=2)
    silent = services.session_acquire(license_key=key, hardware_id="silent")
    with pytest.raises(NoSeatsAvailable):
        services.session_acquire(license_key=key, hardware_id="newcomer")
    time.sleep(2.2)
    newcomer = services.session_acquire(license_key=key, hardware_id="newcomer")
    assert newcomer.created
    assert status_of(silent.session.id) == "zombie"
    with pytest.raises(SessionExpired):
        beat(silent)


def test_a_heartbeating_client_keeps_its_seat_past_several_ttls(store_kind, make_license):
    _, key = make_license(seats=1, heartbeat_ttl=2)
    holder = services.session_acquire(license_key=key, hardware_id="busy")
    deadline = time.monotonic() + 6.5
    while time.monotonic() < deadline:
        beat(holder)
        time.sleep(0.5)
    with pytest.raises(NoSeatsAvailable):
        services.session_acquire(license_key=key, hardware_id="other")
    services.sessions_reap()
    assert status_of(holder.session.id) == "active"


def test_the_reaper_marks_zombies_and_writes_heartbeats_behind(store_kind, make_license):
    _, key = make_license(seats=3, heartbeat_ttl=2)
    alive = services.session_acquire(license_key=key, hardware_id="alive")
    dead = services.session_acquire(license_key=key, hardware_id="dead")
    for _ in range(3):
        time.sleep(0.6)
        beat(alive)
    time.sleep(0.4)
    report = services.sessions_reap()
    assert report.reaped == 1
    with scopes_disabled():
        kept = LicenseSession.objects.get(id=alive.session.id)
    assert status_of(dead.session.id) == "zombie"
    assert kept.status == "active" and kept.heartbeat_count == 3
    assert kept.last_heartbeat_at > alive.session.last_heartbeat_at
    assert services.sessions_reap().reaped == 0


@pytest.mark.django_db(transaction=True)
def test_two_reapers_at_once_count_each_zombie_once(store_kind, make_license):
    # The live seats are on a license with a long TTL: on a loaded machine, acquiring
    # and beating thirty seats of a 2 s TTL can take longer than the TTL itself.
    _, gone_key = make_license(seats=40, heartbeat_ttl=2)
    _, live_key = make_license(seats=40, heartbeat_ttl=600)
    for i in range(20):
        services.session_acquire(license_key=gone_key, hardware_id=f"m{i}")
    keep = [services.session_acquire(license_key=live_key, hardware_id=f"k{i}") for i in range(10)]
    time.sleep(2.2)
    reports = race(lambda i: services.sessions_reap(batch_size=7), 2)
    assert sum(r.reaped for r in reports) == 20
    with scopes_disabled():
        statuses = dict(LicenseSession.objects.values_list("id", "status"))
    assert sorted(statuses.values()).count("zombie") == 20
    assert all(statuses[s.session.id] == "active" for s in keep)


def test_reaping_by_command_and_by_celery_task(store_kind, make_license, capsys, caplog):
    _, key = make_license(seats=1, heartbeat_ttl=2)
    services.session_acquire(license_key=key, hardware_id="gone")
    time.sleep(2.1)
    with caplog.at_level("INFO", logger="licenses"):
        call_command("reap_sessions")
    # One report line, from the logger; the command prints no second copy.
    assert [r.getMessage() for r in caplog.records if "reaped 1" in r.getMessage()]
    assert capsys.readouterr().out == ""
    assert reap_sessions.apply().get()["reaped"] == 0


def test_revoke_frees_the_seat_at_once(store_kind, make_license):
    _, key = make_license(seats=1)
    seat = services.session_acquire(license_key=key, hardware_id="a")
    services.session_revoke(session=seat.session, actor=Actor.system_named("tests"))
    assert status_of(seat.session.id) == "revoked"
    with pytest.raises(SessionExpired):
        beat(seat)
    assert services.session_acquire(license_key=key, hardware_id="b").created
