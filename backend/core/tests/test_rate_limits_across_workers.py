"""The documented rate limits hold across every API process, whatever counts them.

The real server runs several gunicorn workers; each burst comes from one client over
many fresh connections at once, so the workers share it. Exactly the limit may pass.
"""

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.fixtures.servers import LiveServer, database_url

pytestmark = pytest.mark.server

WORKERS = 3
# Per hour, so that a burst of a few seconds meets a window boundary only if it starts
# in the last seconds of an hour; ``in_one_window`` starts it again then.
IP_LIMIT, KEY_LIMIT, LOGIN_LIMIT = 12, 9, 7
BURST = 6


def an_ip() -> str:
    # Fresh per burst: Redis counters outlive a test run.
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


# Counted in the database when there is no Redis: that count differs by database;
# the Redis one does not, so it runs on PostgreSQL only.
@pytest.fixture(params=[pytest.param("sql", marks=pytest.mark.sqlite), "redis"])
def limited_api(request: pytest.FixtureRequest, transactional_db) -> Iterator[LiveServer]:
    """The server with low limits; ``sql``: no Redis at all, the embedded default (on
    SQLite, or on PostgreSQL in the PostgreSQL run)."""
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    server = LiveServer(
        {
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "SEAT_STORE": request.param,
            "REDIS_KEY_PREFIX": f"test:{uuid.uuid4().hex[:8]}:",
            "EMBEDDED_REAPER": "false",
            # Each burst names its client in X-Forwarded-For, as a proxy would.
            "NUM_PROXIES": "1",
            "THROTTLE_ACQUIRE_IP": f"{IP_LIMIT}/hour",
            "THROTTLE_ACQUIRE_KEY": f"{KEY_LIMIT}/hour",
            "THROTTLE_LOGIN": f"{LOGIN_LIMIT}/hour",
        },
        workers=WORKERS,
    ).start()
    yield server
    server.stop()


def in_one_window(burst: Callable[[], list[httpx.Response]]) -> list[httpx.Response]:
    """Run a burst (fresh client identities each time) until one fits in one hour."""
    for _ in range(3):
        hour = time.time() // 3600
        responses = burst()
        if time.time() // 3600 == hour:
            return responses
    pytest.fail("three bursts each crossed an hour boundary")


def fire(send: Callable[[int], httpx.Response], count: int) -> list[httpx.Response]:
    # No shared client: every request opens its own connection, which any worker accepts.
    with ThreadPoolExecutor(max_workers=16) as pool:
        return list(pool.map(send, range(count)))


def passed(responses: list[httpx.Response], expected: int) -> int:
    codes = {r.status_code for r in responses}
    assert codes <= {expected, 429}, codes
    for refused in (r for r in responses if r.status_code == 429):
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    return sum(r.status_code != 429 for r in responses)


def acquire_burst(api: LiveServer, *, one_ip: bool) -> list[httpx.Response]:
    """Acquires with unknown keys (401 each unless refused): from one client with a new
    key each time, or with one key from a new client each time."""
    ip, key = an_ip(), f"lic_{uuid.uuid4().hex}"
    return fire(
        lambda i: httpx.post(
            f"{api.url}/api/v1/licenses/acquire",
            json={
                "license_key": f"lic_{uuid.uuid4().hex}" if one_ip else key,
                "hardware_id": f"box-{i}",
            },
            headers={"X-Forwarded-For": ip if one_ip else an_ip()},
            timeout=30,
        ),
        BURST * (IP_LIMIT if one_ip else KEY_LIMIT),
    )


def login_burst(api: LiveServer) -> list[httpx.Response]:
    """Wrong passwords from one client (401 each unless refused)."""
    ip = an_ip()
    return fire(
        lambda i: httpx.post(
            f"{api.url}/api/v1/auth/login",
            json={"email": "dana@example.com", "password": f"guess-{i}"},
            headers={"X-Forwarded-For": ip},
            timeout=30,
        ),
        BURST * LOGIN_LIMIT,
    )


def test_every_limit_holds_across_workers(limited_api):
    passed_per_scope = {
        "acquire_ip": passed(in_one_window(lambda: acquire_burst(limited_api, one_ip=True)), 401),
        "acquire_key": passed(in_one_window(lambda: acquire_burst(limited_api, one_ip=False)), 401),
        "login": passed(in_one_window(lambda: login_burst(limited_api)), 401),
    }
    assert passed_per_scope == {
        "acquire_ip": IP_LIMIT,
        "acquire_key": KEY_LIMIT,
        "login": LOGIN_LIMIT,
    }
