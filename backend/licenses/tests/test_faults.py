"""The invariants under faults, with servers the tests own (never the shared ones)."""

import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter

import httpx
import pytest
import redis
from django_scopes import scopes_disabled

from licenses import services
from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from licenses.services import session_rows
from licenses.tests.helpers import beat, proof
from tests.fixtures.concurrency import race
from tests.fixtures.servers import LiveServer, database_url
from tests.fixtures.stores import use_store

pytestmark = pytest.mark.server

ALLOWED = {200, 201, 409, 410, 503}


def live_count(license_) -> int:
    with scopes_disabled():
        return LicenseSession.objects.filter(license=license_, status="active").count()


@pytest.fixture
def redis_api(transactional_db, private_redis_server):
    use_store("redis", private_redis_server.url)
    from django.conf import settings

    server = LiveServer(
        {
            "DATABASE_URL": database_url(),
            "SEAT_STORE": "redis",
            "REDIS_URL": private_redis_server.url,
            "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
            "EMBEDDED_REAPER": "false",
        }
    ).start()
    yield server
    server.stop()


def test_a_redis_restart_under_load_never_over_allocates(
    redis_api, private_redis_server, make_license
):
    license_, key = make_license(seats=50, heartbeat_ttl=30)
    client = httpx.Client(
        base_url=redis_api.url, timeout=30, limits=httpx.Limits(max_connections=120)
    )

    def acquire(hwid: str) -> httpx.Response:
        return client.post(
            "/api/v1/licenses/acquire", json={"license_key": key, "hardware_id": hwid}
        )

    holders = {f"holder-{i}": proof(acquire(f"holder-{i}").json()) for i in range(50)}
    codes: Counter[int] = Counter()
    peak = 0
    stop = threading.Event()

    def holder_loop(hwid: str) -> None:
        while not stop.is_set():
            response = client.post("/api/v1/licenses/heartbeat", json=holders[hwid])
            codes[response.status_code] += 1
            if response.status_code == 410:
                again = acquire(hwid)
                codes[again.status_code] += 1
                if again.status_code in (200, 201):
                    holders[hwid] = proof(again.json())
            time.sleep(0.2)

    def newcomer_loop(i: int) -> None:
        while not stop.is_set():
            codes[acquire(f"newcomer-{i}").status_code] += 1
            time.sleep(0.2)

    threads = [threading.Thread(target=holder_loop, args=(h,)) for h in holders]
    threads += [threading.Thread(target=newcomer_loop, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 8
        restarted = False
        while time.monotonic() < deadline:
            peak = max(peak, live_count(license_))
            if not restarted and time.monotonic() > deadline - 6:
                private_redis_server.stop()
                time.sleep(1.0)
                peak = max(peak, live_count(license_))
                private_redis_server.start()  # empty: nothing was saved
                restarted = True
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    final = {hwid: acquire(hwid) for hwid in holders}
    client.close()
    assert set(codes) <= ALLOWED, codes
    assert codes[503] > 0, "Redis was down: the seat path must have said so"
    assert peak <= 50 and live_count(license_) <= 50
    zset = redis.Redis.from_url(private_redis_server.url).zcard(
        get_seat_store().seat_keys(str(license_.id))[0]
    )
    assert zset <= 50
    assert all(r.status_code in (200, 201) for r in final.values()), Counter(
        r.status_code for r in final.values()
    )


def test_a_killed_worker_leaks_no_seat_and_duplicates_no_session(
    transactional_db, store_kind, make_license
):
    from django.conf import settings

    license_, key = make_license(seats=20, heartbeat_ttl=2)
    server = LiveServer(
        {
            "DATABASE_URL": database_url(),
            "SEAT_STORE": store_kind,
            "REDIS_URL": settings.REDIS_URL if store_kind == "redis" else "",
            "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
            "EMBEDDED_REAPER": "false",
        },
        workers=2,
    ).start()
    stop = threading.Event()
    codes: Counter[str] = Counter()

    def load(i: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                body = {"license_key": key, "hardware_id": f"m{(i * 7 + n) % 25}"}
                try:
                    codes[str(client.post("/api/v1/licenses/acquire", json=body).status_code)] += 1
                except httpx.HTTPError:
                    codes["dropped"] += 1

    threads = [threading.Thread(target=load, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(5):
            time.sleep(0.4)
            workers = subprocess.run(
                ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True
            ).stdout.split()
            if workers:
                os.kill(int(workers[0]), signal.SIGKILL)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        server.stop()
    assert codes["dropped"] > 0 or codes["201"] > 0
    assert not {c for c in codes if c.startswith("5") and c != "503"}, codes
    with scopes_disabled():
        live = list(
            LicenseSession.objects.filter(license=license_, status="active").values_list(
                "member", flat=True
            )
        )
    assert len(live) == len(set(live)), "two live sessions for one fingerprint"
    assert len(live) <= 20
    time.sleep(2.2)
    services.sessions_reap()
    assert get_seat_store().count(str(license_.id)) == 0
    assert live_count(license_) == 0


def test_reapers_and_the_flush_keep_exact_books_under_heavy_heartbeats(
    transactional_db, store_kind, make_license
):
    # A TTL as long as the heartbeats last, the silent seats acquired first: on a busy
    # machine sixty acquires take seconds, and a beating seat must not expire before its
    # first beat; the silent ones have expired by the last reap.
    _, key = make_license(seats=60, heartbeat_ttl=4)
    seats = [services.session_acquire(license_key=key, hardware_id=f"h{i}") for i in range(60)]
    silent, beating = seats[:20], seats[20:]
    beats: Counter[str] = Counter()
    stop = threading.Event()

    def heartbeat(i: int) -> None:
        if i >= len(beating):
            while not stop.is_set():
                services.sessions_reap(batch_size=5)
                time.sleep(0.05)
            return
        session_id = str(beating[i].session.id)
        deadline = time.monotonic() + 4
        try:
            while time.monotonic() < deadline:
                beat(beating[i])
                beats[session_id] += 1
                time.sleep(0.1)
        finally:
            # Also when a beat fails: the reapers must stop, or race() never returns.
            if i == 0:
                stop.set()

    race(heartbeat, len(beating) + 2)
    stop.set()
    services.sessions_reap()
    with scopes_disabled():
        rows = {str(r.id): r for r in LicenseSession.objects.all()}
    assert all(rows[str(s.session.id)].status == "zombie" for s in silent)
    for seat in beating:
        row = rows[str(seat.session.id)]
        assert row.status == "active"
        assert row.heartbeat_count == beats[str(seat.session.id)]


def test_a_postgres_restart_mid_load_fails_cleanly_and_leaks_nothing(
    private_postgres, private_redis, tmp_path
):
    """The API on a PostgreSQL of the test's own, restarted while clients acquire."""
    import sys
    import uuid

    from tests.fixtures.servers import BACKEND

    prefix = f"pgfault:{uuid.uuid4().hex[:8]}:"
    env = {
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis,
        "REDIS_KEY_PREFIX": prefix,
        "SEAT_STORE": "redis",
        "DATA_DIR": str(tmp_path),
        "EMBEDDED_REAPER": "false",
    }
    full_env = {**os.environ, **env}
    manage = [sys.executable, str(BACKEND / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=full_env, check=True, capture_output=True)
    created = subprocess.run(
        [*manage, "create_license", "--org", "pg", "--seats", "10", "--ttl", "2", "--json"],
        env=full_env,
        check=True,
        capture_output=True,
        text=True,
    )
    import json

    license_ = json.loads(created.stdout)
    server = LiveServer(env, workers=2)
    server.env["DATA_DIR"] = str(tmp_path)
    server.start()
    codes: Counter[int] = Counter()
    stop = threading.Event()

    def client_loop(i: int) -> None:
        with httpx.Client(base_url=server.url, timeout=20) as client:
            n = 0
            while not stop.is_set() and n < 500:
                n += 1
                body = {"license_key": license_["license_key"], "hardware_id": f"pg-{i}-{n % 3}"}
                response = client.post("/api/v1/licenses/acquire", json=body)
                codes[response.status_code] += 1
                if response.status_code in (200, 201):
                    session = proof(response.json())
                    codes[client.post("/api/v1/licenses/heartbeat", json=session).status_code] += 1
                    if n % 2:
                        release = client.post("/api/v1/licenses/release", json=session)
                        codes[release.status_code] += 1
                time.sleep(0.05)

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        private_postgres.stop()
        time.sleep(1.5)
        private_postgres.start()
        time.sleep(2.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()
    assert set(codes) <= ALLOWED, codes
    assert codes[503] > 0, "requests during the outage must fail with a clear 503"
    assert codes[201] > 0

    # No half-written rows: every session row is whole; after the TTL, no seat is held.
    time.sleep(2.2)
    subprocess.run([*manage, "reap_sessions"], env=full_env, check=True, capture_output=True)
    check = subprocess.run(
        [*manage, "shell", "-c", CHECK_SCRIPT.format(license_id=license_["license_id"])],
        env=full_env,
        check=True,
        capture_output=True,
        text=True,
    )
    live, broken, seats = (int(x) for x in check.stdout.strip().splitlines()[-1].split())
    assert (live, broken, seats) == (0, 0, 0), check.stdout


CHECK_SCRIPT = """
from django_scopes import scopes_disabled
from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
with scopes_disabled():
    rows = LicenseSession.objects.filter(license_id="{license_id}")
    live = rows.filter(status="active").count()
    broken = rows.filter(started_at__isnull=True).count() + rows.filter(member="").count()
print(live, broken, get_seat_store().count("{license_id}"))
"""


def _concurrent_row(session, status: str) -> None:
    """The row of ``session`` as a concurrent request writes it."""
    with scopes_disabled():
        row = LicenseSession(
            **{f.attname: getattr(session, f.attname) for f in LicenseSession._meta.concrete_fields}
        )
        row.status = status
        row.ended_at = None if status == "active" else session.started_at
        row.save(force_insert=True)


def _orphan_seat(make_license) -> tuple:
    """A seat whose worker died before writing its row."""
    license_, key = make_license(seats=2, heartbeat_ttl=60)
    orphan = str(uuid.uuid4())
    assert get_seat_store().acquire(str(license_.id), "box", orphan, SeatTerms(2), 60, "").granted
    return license_, key, orphan


def test_a_healed_seat_whose_row_another_request_wrote_and_ended_is_acquired_anew(
    store_kind, make_license, monkeypatch
):
    """Two requests of that client heal the orphan seat at once, and the first one's
    row is ended (an eviction) before the second inserts. The second must not answer
    500: the database wins, the seat is freed and acquired anew."""
    license_, key, orphan = _orphan_seat(make_license)
    real_insert = session_rows.session_insert

    def first_request_wins_and_its_row_ends(session, seats_used):
        if str(session.id) == orphan:
            _concurrent_row(session, "zombie")
        return real_insert(session, seats_used)

    monkeypatch.setattr(session_rows, "session_insert", first_request_wins_and_its_row_ends)
    seat = services.session_acquire(license_key=key, hardware_id="box")
    assert str(seat.session.id) != orphan and seat.created
    with scopes_disabled():
        assert LicenseSession.objects.get(id=orphan).status == "zombie"
    assert live_count(license_) == 1
    assert get_seat_store().count(str(license_.id)) == 1


def test_a_healed_seat_whose_row_another_request_wrote_after_a_stale_row_is_that_row(
    store_kind, make_license, monkeypatch
):
    """The client also has a stale live row (its seat was evicted): both requests
    conflict with it, end it, and insert again; the first one's row is the second's
    answer, not a 500."""
    _, key, orphan = _orphan_seat(make_license)
    with scopes_disabled():
        stale = services.session_acquire(license_key=key, hardware_id="elsewhere").session
        LicenseSession.objects.filter(id=stale.id).update(member="box")
    real_insert = session_rows.session_insert
    calls = []

    def first_request_wins_the_retry(session, seats_used):
        calls.append(session.id)
        if len(calls) == 2:
            _concurrent_row(session, "active")
        return real_insert(session, seats_used)

    monkeypatch.setattr(session_rows, "session_insert", first_request_wins_the_retry)
    seat = services.session_acquire(license_key=key, hardware_id="box")
    assert str(seat.session.id) == orphan and len(calls) == 2
    with scopes_disabled():
        assert LicenseSession.objects.get(id=stale.id).status == "zombie"
        assert LicenseSession.objects.get(id=orphan).status == "active"
