"""The session secret against the real server: who may keep or end a seat.

A session id is not a credential: heartbeat and release take the secret that
acquire returned, and each acquire replaces it. The SDK keeps the secret with
the lease, sends it, treats a 401 on heartbeat like a 410 (acquire again),
never retries a refused release, and never shows the secret in a repr, a log
line or the CLI's output.
"""

import logging
import stat

import httpx
import pytest

from coditect_license_client import InvalidSessionSecret, NoSeatsAvailable
from coditect_license_client.lease import Lease

pytestmark = pytest.mark.server

WRONG = "sks_00000000000000000000000000000000.not-the-secret"


def counting_http() -> tuple[httpx.Client, list[str]]:
    """An httpx client that records the path of every request it sends."""
    sent: list[str] = []
    client = httpx.Client(
        timeout=3.0, event_hooks={"request": [lambda request: sent.append(request.url.path)]}
    )
    return client, sent


def test_acquire_returns_a_new_secret_each_time_and_voids_the_previous_one(
    make_license, make_client
):
    lic = make_license(seats=1, ttl=30)
    first = make_client(lic, hardware_id="one-box")
    old = first.acquire()
    second = make_client(lic, hardware_id="one-box")
    new = second.acquire()  # the key holder gets the same session with a fresh secret
    assert new.session_id == old.session_id and new.session_secret != old.session_secret

    with pytest.raises(InvalidSessionSecret) as refused:
        first.heartbeat(reacquire=False)
    assert (refused.value.status, refused.value.code) == (401, "invalid_session_secret")
    assert not second.heartbeat().reacquired


def test_a_heartbeat_with_a_wrong_secret_is_refused_then_acquires_again(make_license, make_client):
    lic = make_license(seats=1, ttl=30)
    client = make_client(lic)
    lease = client.acquire()
    lease.session_secret = WRONG

    with pytest.raises(InvalidSessionSecret):
        client.heartbeat(reacquire=False)
    result = client.heartbeat()  # handled like a 410: the seat is acquired again
    assert result.reacquired and result.session_id == lease.session_id  # it was still alive
    assert client.lease.session_secret not in (WRONG, lease.session_secret)
    assert not client.heartbeat().reacquired  # the new secret works
    assert client.status(check_server=True).session_alive is True


def test_the_session_id_alone_neither_keeps_nor_ends_a_seat(
    license_server, make_license, make_client
):
    lic = make_license(seats=1, ttl=30)
    lease = make_client(lic).acquire()
    api = f"{license_server.url}/api/v1/licenses"
    for path in ("heartbeat", "release"):
        missing = httpx.post(f"{api}/{path}", json={"session_id": lease.session_id})
        assert missing.status_code == 400, missing.text
        assert missing.json()["error"]["code"] == "validation_error"
        wrong = httpx.post(
            f"{api}/{path}", json={"session_id": lease.session_id, "session_secret": WRONG}
        )
        assert wrong.status_code == 401, wrong.text
        assert wrong.json()["error"]["code"] == "invalid_session_secret"
    with pytest.raises(NoSeatsAvailable):  # the seat is still held
        make_client(lic).acquire()


def test_a_refused_release_is_not_retried_and_leaves_the_seat_to_its_holder(
    make_license, make_client
):
    lic = make_license(seats=1, ttl=30)
    http, sent = counting_http()
    stale = make_client(lic, hardware_id="shared-box", http_client=http)
    stale.acquire()
    holder = make_client(lic, hardware_id="shared-box")
    holder.acquire()  # voids the stale client's secret
    sent.clear()

    with pytest.raises(InvalidSessionSecret):
        stale.release()
    assert sent == ["/api/v1/licenses/release"]  # one request: never retried
    assert stale.lease is None  # its secret can never work again
    with pytest.raises(NoSeatsAvailable):
        make_client(lic).acquire()
    assert holder.cached_lease() == holder.lease  # the holder's cached lease is kept
    assert holder.release()
    make_client(lic).acquire()
    http.close()


def test_a_seat_that_loses_its_secret_acquires_again_and_is_kept(
    make_license, make_client, wait_until
):
    lic = make_license(seats=1, ttl=3)
    client = make_client(lic, hardware_id="seat-box")
    told = []
    with client.seat(on_lost=told.append) as seat:
        taken = make_client(lic, hardware_id="seat-box").acquire()
        assert wait_until(lambda: seat.reacquired >= 1, 10)
        assert seat.held and not seat.lost and told == []
        assert seat.session_id == taken.session_id
        assert seat.lease.session_secret != taken.session_secret


def test_the_secret_stays_out_of_reprs_logs_and_status(make_license, make_client, caplog):
    lic = make_license(seats=1, ttl=30)
    client = make_client(lic)
    caplog.set_level(logging.DEBUG)
    with client.seat() as seat:
        lease = seat.lease
        secret = lease.session_secret
        client.heartbeat()
        lease.session_secret = WRONG
        client.heartbeat()  # 401, logged, acquired again
        seen = [
            repr(lease),
            str(lease),
            repr(seat),
            str(seat),
            repr(client),
            repr(client.lease),
            repr(client.status()),
            repr(client.status().as_dict()),
        ]
        current = client.lease.session_secret
    assert "refused" in caplog.text  # the 401 was logged ...
    for text in [*seen, caplog.text]:
        assert secret not in text and current not in text and WRONG not in text  # ... not it


def test_the_cached_lease_keeps_the_secret_in_a_private_file(make_license, make_client, cache_dir):
    lic = make_license(seats=1, ttl=30)
    client = make_client(lic)
    lease = client.acquire()
    (path,) = cache_dir.glob("lease-*.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert client.cached_lease().session_secret == lease.session_secret
    client.release()
    assert not list(cache_dir.glob("lease-*.json"))


def test_a_lease_cached_without_a_secret_is_not_used(make_license, make_client, cache_dir):
    lic = make_license(seats=1, ttl=30)
    client = make_client(lic, cache_lease=False)
    lease = client.acquire()
    assert not list(cache_dir.glob("lease-*.json"))  # cache_lease=False: memory only
    data = lease.to_cache()
    assert data["session_secret"] == lease.session_secret
    del data["session_secret"]  # as written by an SDK from before session secrets
    with pytest.raises(KeyError):
        Lease.from_cache(data)
