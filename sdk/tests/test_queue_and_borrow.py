"""Waiting in line (``client.seat(wait=True)``, ``run --wait``) and borrowing a seat
(``client.borrow``, ``borrow`` / ``status`` / ``return``) against the real server."""

import json
import select
import signal
import subprocess
import threading
import time

import pytest

from coditect_license_client import WaitStatus, WaitTimedOut
from coditect_license_client.cli import parse_duration, parse_hours

pytestmark = pytest.mark.server


@pytest.fixture
def line_license(license_server):
    """One seat, a line, tickets that lapse after 6 s without an ask."""
    return license_server.create_license(
        seats=1, ttl=30, options=("--queue", "--queue-ticket-ttl", "6")
    )


def test_a_waiting_seat_is_granted_when_the_holder_leaves(make_client, line_license):
    holder = make_client(line_license)
    holder.acquire()
    waiter = make_client(line_license)
    seen: list[WaitStatus] = []
    got: list[str] = []

    def wait_in_line() -> None:
        with waiter.seat(wait=True, timeout=30, on_wait=seen.append) as seat:
            got.append(seat.session_id)

    thread = threading.Thread(target=wait_in_line)
    thread.start()
    deadline = time.monotonic() + 10
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen and seen[0].position == 1
    assert seen[0].describe() == "waiting for a seat: 1st in line"
    holder.release()
    thread.join(timeout=15)
    assert got and not thread.is_alive()


def test_a_wait_that_times_out_gives_its_place_up(make_client, line_license):
    make_client(line_license).acquire()
    impatient = make_client(line_license)
    with pytest.raises(WaitTimedOut):
        impatient.acquire(wait=True, wait_timeout=1.5)
    seen: list[WaitStatus] = []
    with pytest.raises(WaitTimedOut):
        make_client(line_license).acquire(wait=True, wait_timeout=0.1, on_wait=seen.append)
    assert seen[0].position == 1  # the impatient one's ticket was cancelled


def start_waiting_run(cli, env, *command):
    proc = subprocess.Popen(
        [*cli, "run", "--wait=30s", "--", *command], env=env, stderr=subprocess.PIPE, text=True
    )
    ready, _, _ = select.select([proc.stderr], [], [], 20)
    line = proc.stderr.readline() if ready else ""
    if "waiting for a seat: 1st in line" not in line:
        proc.kill()
        pytest.fail(f"run did not wait in line: {line!r}")
    return proc


def test_run_wait_shows_its_place_and_runs_once_a_seat_frees(
    cli, env_for, make_client, line_license
):
    holder = make_client(line_license)
    holder.acquire()
    proc = start_waiting_run(cli, env_for(line_license), "sh", "-c", "echo ran")
    holder.release()
    assert proc.wait(timeout=30) == 0
    assert "seat acquired" in proc.stderr.read()


def test_ctrl_c_while_waiting_cancels_the_ticket(cli, env_for, make_client, line_license):
    make_client(line_license).acquire()
    proc = start_waiting_run(cli, env_for(line_license), "sleep", "0")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) == 128 + signal.SIGINT
    assert "place in line was given up" in proc.stderr.read()
    seen: list[WaitStatus] = []
    with pytest.raises(WaitTimedOut):
        make_client(line_license).acquire(wait=True, wait_timeout=0.1, on_wait=seen.append)
    assert seen[0].position == 1


def run(cli, env, *args):
    return subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=60)


def test_borrow_status_and_return_from_the_cli(cli, env_for, make_license, make_client):
    lic = make_license(seats=1, ttl=3)
    env = env_for(lic, CODITECT_HARDWARE_ID="travel-laptop")
    borrowed = run(cli, env, "borrow", "72h", "--json")
    assert borrowed.returncode == 0, borrowed.stderr
    body = json.loads(borrowed.stdout)
    assert body["borrowed"] is True and body["hours"] == 72
    time.sleep(3.5)  # longer than the heartbeat TTL: a borrowed seat needs none
    status = run(cli, env, "status", "--json")
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)["borrowed"]
    assert shown["session_id"] == body["session_id"] and shown["token_valid"] is True
    assert run(cli, env, "run", "--", "true").returncode == 10  # the one seat is out
    returned = run(cli, env, "return")
    assert returned.returncode == 0 and "seat returned" in returned.stdout
    assert run(cli, env, "return").stdout.strip() == "no borrowed seat to return"
    assert make_client(lic).acquire().created


def test_durations():
    assert parse_duration("90s") == 90 and parse_duration("1h30m") == 5400
    assert parse_hours("3d") == 72 and parse_hours("8") == 8
