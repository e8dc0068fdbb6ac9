"""Redis is a cache of truth that can vanish: a lost seat set is rebuilt before any grant."""

import uuid

import pytest
import redis
from django_scopes import scopes_disabled

from licenses import services
from licenses.errors import InvalidSessionSecret, NoSeatsAvailable, SeatStoreDown
from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from licenses.session_secrets import session_secret_new
from licenses.tests.helpers import beat
from tests.fixtures.concurrency import race
from tests.fixtures.stores import use_store


@pytest.fixture
def on_private_redis(private_redis):
    use_store("redis", private_redis)
    return redis.Redis.from_url(private_redis)


@pytest.mark.django_db(transaction=True)
def test_flushall_then_a_burst_never_over_allocates(on_private_redis, make_license):
    license_, key = make_license(seats=10)
    holders = [services.session_acquire(license_key=key, hardware_id=f"h{i}") for i in range(6)]
    on_private_redis.flushall()

    def burst(i: int) -> str:
        try:
            return services.session_acquire(license_key=key, hardware_id=f"new{i}").session.id
        except NoSeatsAvailable:
            return "denied"

    results = race(burst, 40)
    assert results.count("denied") == 36
    assert get_seat_store().count(str(license_.id)) == 10
    with scopes_disabled():
        live = LicenseSession.objects.filter(license=license_, status="active")
        assert live.count() == 10
    for holder in holders:
        beat(holder)


@pytest.mark.django_db(transaction=True)
def test_a_holder_keeps_its_seat_across_a_flush(on_private_redis, make_license):
    _, key = make_license(seats=1)
    seat = services.session_acquire(license_key=key, hardware_id="keeper")
    on_private_redis.flushall()
    # The rebuild brings the secret's digest back with the seat: only the holder beats.
    with pytest.raises(InvalidSessionSecret):
        services.session_heartbeat(
            session_id=str(seat.session.id), session_secret=seat.secret[:-4] + "AAAA"
        )
    beat(seat)
    again = services.session_acquire(license_key=key, hardware_id="keeper")
    assert again.session.id == seat.session.id and not again.created
    with pytest.raises(NoSeatsAvailable):
        services.session_acquire(license_key=key, hardware_id="intruder")


def test_redis_down_is_a_clear_503(db, make_license, redis_url):
    _, key = make_license(seats=1)
    use_store("redis", "redis://127.0.0.1:1/0")
    with pytest.raises(SeatStoreDown):
        services.session_acquire(license_key=key, hardware_id="a")
    proof = {"session_id": str(uuid.uuid4()), "session_secret": session_secret_new(uuid.uuid4())}
    with pytest.raises(SeatStoreDown):
        services.session_heartbeat(**proof)
    with pytest.raises(SeatStoreDown):
        services.session_release(**proof)


def test_admin_reads_keep_working_while_redis_is_down(org_a, alice, license_a):
    from tests.fixtures.world import client_for

    license_a(seats=2)
    use_store("redis", "redis://127.0.0.1:1/0")
    api = client_for(alice)
    listed = api.get(f"/api/v1/orgs/{org_a.slug}/licenses")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["seats_used"] is None
    assert api.get(f"/api/v1/orgs/{org_a.slug}/projects").status_code == 200
    assert api.get(f"/api/v1/orgs/{org_a.slug}/audit-events").status_code == 200
