"""``with client.seat()`` against the real server: holding, releasing, dying."""

import select
import signal
import subprocess
import sys
import time
import uuid

import pytest

from coditect_license_client import LicenseClient, NoSeatsAvailable, SessionExpired

pytestmark = pytest.mark.server

HOLDER = """
import signal, sys, time
from coditect_license_client import LicenseClient
# A process started as a background job inherits SIGINT ignored: take Ctrl-C back.
signal.signal(signal.SIGINT, signal.default_int_handler)
server, key, hwid, cache, mode = sys.argv[1:6]
client = LicenseClient(server, key, hardware_id=hwid, cache_dir=cache)
if mode == "atexit":
    seat = client.seat().start()
    print("held", seat.session_id, flush=True)
    time.sleep(0.3)
    sys.exit(0)
try:
    with client.seat() as seat:
        print("held", seat.session_id, flush=True)
        time.sleep(60)
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def spawn_holder(server_url, lic, cache_dir, mode="with"):
    """A separate client process holding a seat; returns once it holds it."""
    hwid = f"holder-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, server_url, lic.key, hwid, str(cache_dir), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    line = proc.stdout.readline() if ready else ""
    if not line.startswith("held"):
        proc.kill()
        pytest.fail(f"holder did not get a seat: {line!r} {proc.stderr.read()[-2000:]}")
    return proc


def acquire_when_free(client: LicenseClient, timeout: float) -> float:
    """Acquire as soon as a seat frees up; return how long that took (bounded)."""
    started = time.monotonic()
    while True:
        try:
            client.acquire()
            return time.monotonic() - started
        except NoSeatsAvailable:
            if time.monotonic() - started > timeout:
                raise
            time.sleep(0.2)


def test_a_seat_is_held_while_the_body_runs_and_freed_on_exit(make_license, make_client):
    lic = make_license(seats=1, ttl=3, grace=30)
    owner, other = make_client(lic), make_client(lic)
    with owner.seat() as seat:
        assert seat.lease.created and seat.lease.seats_used == 1
        first_session = seat.session_id
        time.sleep(lic.ttl + 1.5)  # longer than the TTL: only the heartbeats keep the seat
        assert seat.heartbeats >= 2 and not seat.lost and seat.session_id == first_session
        with pytest.raises(NoSeatsAvailable):
            other.acquire()
    assert owner.lease is None
    assert other.acquire().seats_used == 1  # at once: released, not left to expire


def test_the_token_is_refreshed_on_the_same_session_before_it_expires(make_license, make_client):
    lic = make_license(seats=1, ttl=2, grace=3)  # token lifetime 3 s
    client = make_client(lic)
    with client.seat() as seat:
        first = seat.claims
        time.sleep(first.lifetime + 1)
        assert seat.claims.issued_at > first.issued_at
        assert seat.claims.seconds_left() > 0
        assert seat.session_id == first.session_id and seat.reacquired == 0 and not seat.lost


def test_the_seat_is_freed_when_the_body_raises(make_license, make_client):
    lic = make_license(seats=1, ttl=30)
    owner, other = make_client(lic), make_client(lic)
    with pytest.raises(RuntimeError), owner.seat():
        raise RuntimeError("boom")
    other.acquire()  # the TTL is 30 s: only a release frees it this fast


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130)],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_signal_releases_the_seat(
    signum, exit_code, license_server, make_license, make_client, cache_dir
):
    lic = make_license(seats=1, ttl=30)
    holder = spawn_holder(license_server.url, lic, cache_dir)
    other = make_client(lic)
    with pytest.raises(NoSeatsAvailable):
        other.acquire()
    holder.send_signal(signum)
    assert holder.wait(timeout=15) == exit_code  # SIGTERM still kills it as before
    other.acquire()  # freed by a release: the 30 s TTL has not passed


def test_interpreter_exit_releases_a_seat_left_open(
    license_server, make_license, make_client, cache_dir
):
    lic = make_license(seats=1, ttl=30)
    holder = spawn_holder(license_server.url, lic, cache_dir, mode="atexit")
    assert holder.wait(timeout=15) == 0
    make_client(lic).acquire()


def test_a_killed_client_loses_its_seat_within_the_ttl(
    license_server, make_license, make_client, cache_dir
):
    lic = make_license(seats=1, ttl=3)
    holder = spawn_holder(license_server.url, lic, cache_dir)
    holder.kill()
    holder.wait(timeout=10)
    waited = acquire_when_free(make_client(lic), timeout=lic.ttl + 5)
    assert waited <= lic.ttl + 1.5


def test_a_410_makes_the_client_acquire_again_transparently(make_license, make_client, cache_dir):
    lic = make_license(seats=1, ttl=30)
    client = make_client(lic, hardware_id="the-machine")
    old = client.acquire()
    # Another process of the same machine releases that session behind our back.
    rogue = make_client(lic, hardware_id="the-machine")
    rogue.resume()
    rogue.release()
    with pytest.raises(SessionExpired):
        client.heartbeat(reacquire=False)
    result = client.heartbeat()
    assert result.reacquired and result.session_id != old.session_id
    assert client.lease.session_id == result.session_id


def test_acquire_is_idempotent_for_one_machine(make_license, make_client):
    lic = make_license(seats=2, ttl=30)
    first = make_client(lic, hardware_id="same-box").acquire()
    again = make_client(lic, hardware_id="same-box").acquire()
    assert again.session_id == first.session_id and not again.created and again.seats_used == 1
    third = make_client(lic, hardware_id="same-box", client_instance="copy-2").acquire()
    assert third.session_id != first.session_id and third.seats_used == 2


def test_the_project_is_sent_with_the_acquire(make_license, make_client):
    """The server checks the slug against the organization's projects: an unknown one
    comes back as its code, proving the SDK sent it."""
    from coditect_license_client.errors import InvalidRequest

    client = make_client(make_license(seats=1), project="no-such-project")
    with pytest.raises(InvalidRequest) as refused:
        client.acquire()
    assert refused.value.code == "unknown_project"
