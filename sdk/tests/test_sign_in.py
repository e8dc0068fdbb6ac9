"""``coditect-license login | whoami | logout`` and a person's seat, as real processes
against the real server: the CLI prints a code, the person approves it (here through
the API a signed-in browser page calls), the CLI keeps the sign-in in a 0600 file
(no keyring in tests), and acquires and borrows in the person's name."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from coditect_license_client import LicenseClient, NoSeatsAvailable, WaitStatus, WaitTimedOut
from coditect_license_client.sign_in import CredentialStore, PersonAuth

pytestmark = pytest.mark.server

PASSWORD = "a long password " + uuid.uuid4().hex[:8]


def make_person(server: Any, license_id: str) -> str:
    """A member of the license's organization with a known password; returns the email."""
    email = f"dev-{uuid.uuid4().hex[:8]}@example.com"
    server.manage(
        "shell",
        "-c",
        "from django_scopes import scopes_disabled\n"
        "from licenses.models import License\n"
        "from tenants.models import Membership\n"
        "from users.models import User\n"
        f"u = User.objects.create_user({email!r}, {PASSWORD!r}, name='Dev')\n"
        "with scopes_disabled():\n"
        f"    lic = License.objects.get(id={license_id!r})\n"
        "    Membership.objects.create(org=lic.org, user=u, role='member')\n",
    )
    return email


def cli(server: Any, creds: Path, *args: str, **popen) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CODITECT_LICENSE_SERVER": server.url,
        "CODITECT_CREDENTIALS_FILE": str(creds),
        "CODITECT_LICENSE_CACHE": str(creds.parent / "cache"),
        "CODITECT_HARDWARE_ID": f"hw-{uuid.uuid4().hex[:8]}",
        "CODITECT_NO_BROWSER": "1",
    }
    env.pop("CODITECT_LICENSE_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "coditect_license_client.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def approve(server: Any, email: str, user_code: str, approve: bool = True) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        access = http.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        ).json()["access"]
        reply = http.post(
            "/api/v1/auth/device/decide",
            json={"user_code": user_code, "approve": approve},
            headers={"Authorization": f"Bearer {access}"},
        )
        assert reply.status_code == 200, reply.text


def login(server: Any, creds: Path, email: str, *, allow: bool = True):
    proc = cli(server, creds, "login", "--no-browser")
    assert proc.stderr is not None
    code = None
    for line in proc.stderr:
        found = re.search(r"enter the code ([A-Z]{4}-[A-Z]{4})", line)
        if found:
            code = found.group(1)
            break
    assert code, "the CLI printed no code"
    approve(server, email, code, allow)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_login_whoami_acquire_as_the_person_logout(license_server, make_license, tmp_path):
    lic = make_license(seats=2, ttl=30)
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "creds" / "credentials.json"

    code, out, err = login(license_server, creds, email)
    assert code == 0, err
    assert f"signed in as {email}" in out
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    assert "refresh" in json.loads(creds.read_text())[license_server.url]

    who = cli(license_server, creds, "whoami", "--json")
    out, err = who.communicate(timeout=30)
    assert who.returncode == 0, err
    assert json.loads(out)["email"] == email
    assert json.loads(out)["organizations"][0]["slug"] == "sdk-test"

    acquired = cli(license_server, creds, "acquire", "--json", "--license-id", lic.license_id)
    out, err = acquired.communicate(timeout=30)
    assert acquired.returncode == 0, err
    seat = json.loads(out)
    claims = jwt.decode(seat["token"], options={"verify_signature": False})
    assert claims["usr"] and claims["lic"] == lic.license_id

    bye = cli(license_server, creds, "logout")
    bye.communicate(timeout=30)
    assert bye.returncode == 0
    assert license_server.url not in json.loads(creds.read_text())
    after = cli(license_server, creds, "whoami")
    _, err = after.communicate(timeout=30)
    assert after.returncode == 17, err


def test_a_denied_login_exits_17(license_server, make_license, tmp_path):
    lic = make_license(seats=2, ttl=30)
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "credentials.json"
    code, _, err = login(license_server, creds, email, allow=False)
    assert code == 17
    assert "denied" in err
    assert not creds.exists()


def test_without_a_license_id_and_none_assigned_exit_18(license_server, make_license, tmp_path):
    lic = make_license(seats=2, ttl=30)
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "credentials.json"
    assert login(license_server, creds, email)[0] == 0
    acquired = cli(license_server, creds, "acquire")
    _, err = acquired.communicate(timeout=30)
    assert acquired.returncode == 18, err
    assert "no_license_assigned" in err


def run_cli(server: Any, creds: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = cli(server, creds, *args)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_a_signed_in_person_borrows_sees_and_returns_a_seat_from_the_cli(
    license_server, make_license, make_client, tmp_path
):
    lic = make_license(seats=1, ttl=3)
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "credentials.json"
    assert login(license_server, creds, email)[0] == 0
    seat = ("--license-id", lic.license_id, "--hardware-id", "travel-laptop")

    borrowed = run_cli(license_server, creds, "borrow", "72h", "--json", *seat)
    assert borrowed.returncode == 0, borrowed.stderr
    body = json.loads(borrowed.stdout)
    assert body["borrowed"] is True and body["license_id"] == lic.license_id
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert claims["usr"] and claims["borrow"] is True
    assert claims["exp"] - claims["iat"] == pytest.approx(72 * 3600, abs=5)
    with pytest.raises(NoSeatsAvailable):  # the license's one seat is out
        make_client(lic).acquire()

    status = run_cli(license_server, creds, "status", "--json", *seat)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)["borrowed"]
    assert shown["session_id"] == body["session_id"] and shown["token_valid"] is True

    returned = run_cli(license_server, creds, "return", *seat)
    assert returned.returncode == 0 and "seat returned" in returned.stdout, returned.stderr
    again = run_cli(license_server, creds, "return", *seat)
    assert again.stdout.strip() == "no borrowed seat to return"
    assert make_client(lic).acquire().created


def test_the_sdk_borrows_with_a_persons_sign_in(license_server, make_license, tmp_path):
    lic = make_license(seats=1, ttl=3)
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "credentials.json"
    assert login(license_server, creds, email)[0] == 0
    person = PersonAuth(license_server.url, store=CredentialStore(creds, use_keyring=False))
    with LicenseClient(
        license_server.url,
        person=person,
        license_id=lic.license_id,
        hardware_id="sdk-laptop",
        cache_dir=tmp_path / "cache",
    ) as client:
        lease = client.borrow(24)
        assert lease.borrowed and lease.claims is not None
        assert lease.claims.raw["usr"] and lease.claims.license_id == lic.license_id
        assert client.borrowed_lease().session_id == lease.session_id
        assert client.return_borrowed() is True
        assert client.borrowed_lease() is None


def test_a_person_waits_in_line_with_the_sdk_and_the_cli(license_server, make_client, tmp_path):
    """The wait loop and the cancel carry the person's access token (and the license's
    id): a seat comes to them in their own name, and giving up frees their place."""
    lic = license_server.create_license(
        seats=1, ttl=30, options=("--queue", "--queue-ticket-ttl", "6")
    )
    email = make_person(license_server, lic.license_id)
    creds = tmp_path / "credentials.json"
    assert login(license_server, creds, email)[0] == 0
    person = PersonAuth(license_server.url, store=CredentialStore(creds, use_keyring=False))
    holder = make_client(lic)
    holder.acquire()
    seen: list[WaitStatus] = []
    got: list[str] = []

    with LicenseClient(
        license_server.url,
        person=person,
        license_id=lic.license_id,
        hardware_id="sdk-desk",
        cache_dir=tmp_path / "cache",
    ) as client:

        def wait_in_line() -> None:
            with client.seat(wait=True, timeout=30, on_wait=seen.append) as seat:
                got.append(seat.claims.raw["usr"])

        thread = threading.Thread(target=wait_in_line)
        thread.start()
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen and seen[0].position == 1
        holder.release()
        thread.join(timeout=15)
        assert got and got[0] and not thread.is_alive()

        holder.acquire()
        with pytest.raises(WaitTimedOut):
            client.acquire(wait=True, wait_timeout=1.5)
    behind: list[WaitStatus] = []
    with pytest.raises(WaitTimedOut):
        make_client(lic).acquire(wait=True, wait_timeout=0.1, on_wait=behind.append)
    assert behind[0].position == 1  # the person's ticket was cancelled

    proc = cli(
        license_server, creds, "run", "--wait=30s", "--license-id", lic.license_id,
        "--", "sleep", "0",
    )  # fmt: skip
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], 20)
    line = proc.stderr.readline() if ready else ""
    if "waiting for a seat: 1st in line" not in line:
        proc.kill()
        pytest.fail(f"run did not wait in line: {line!r}")
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=15) == 128 + signal.SIGINT
    assert "place in line was given up" in proc.stderr.read()
    behind.clear()
    with pytest.raises(WaitTimedOut):
        make_client(lic).acquire(wait=True, wait_timeout=0.1, on_wait=behind.append)
    assert behind[0].position == 1
