"""Shared fixtures: real PostgreSQL/SQLite (pytest-django), real Redis, real servers.

A service the suite needs but cannot reach is an error, never a skip.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings
from django.db import connection
from django_scopes import scope

from core.actor import Actor
from core.redis import redis_client
from licenses.seatstore import get_seat_store
from licenses.services import license_create
from tenants.models import Organization

BACKEND = Path(__file__).resolve().parent
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or os.environ.get(
    "REDIS_URL", "redis://127.0.0.1:6379/15"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is required for this test and unreachable at {TEST_REDIS_URL}: {exc}")
    return TEST_REDIS_URL


def use_store(kind: str, url: str | None = None, *, cluster: bool = False) -> None:
    """Point the app at a seat store; each call gets a fresh Redis key prefix."""
    settings.SEAT_STORE = kind
    settings.REDIS_CLUSTER = cluster
    if url:
        settings.REDIS_URL = url
    settings.REDIS_KEY_PREFIX = f"test:{uuid.uuid4().hex[:8]}:"
    get_seat_store.cache_clear()
    redis_client.cache_clear()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counters in the Redis cache outlive a test (those in the database go
    with its transaction or flush): every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_rate_window() -> None:
    """For tests that pin N/hour rates: the counters are fixed windows, and a test that
    started in an hour's last minute could see its window end midway. Wait it out."""
    left = 3600 - time.time() % 3600
    if left < 60:
        time.sleep(left + 0.1)


@pytest.fixture(autouse=True)
def restore_seat_store() -> Iterator[None]:
    """Whatever store a test points the app at, the next test starts from the default."""
    saved = (
        settings.SEAT_STORE,
        settings.REDIS_URL,
        settings.REDIS_KEY_PREFIX,
        settings.REDIS_CLUSTER,
    )
    yield
    (
        settings.SEAT_STORE,
        settings.REDIS_URL,
        settings.REDIS_KEY_PREFIX,
        settings.REDIS_CLUSTER,
    ) = saved
    get_seat_store.cache_clear()
    redis_client.cache_clear()


@pytest.fixture(params=["sql", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    use_store(request.param, url)
    return request.param


@pytest.fixture
def org(db) -> Organization:
    return Organization.objects.create(name="Org A", slug=f"org-{uuid.uuid4().hex[:6]}")


@pytest.fixture
def make_license(org):
    def make(seats: int = 3, **fields):
        with scope(org=org):
            return license_create(
                org=org, name="Test", seats_total=seats, **fields, actor=Actor.system_named("tests")
            )

    return make


def database_url() -> str:
    """The URL of the database the tests run on (pytest-django's test database)."""
    cfg = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{cfg['NAME']}"
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{cfg['NAME']}"


class LiveServer:
    """The real API under gunicorn in other processes, on the tests' database."""

    def __init__(self, env: dict[str, str], workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            # Load tests send thousands of acquires from 127.0.0.1; the limits have
            # tests of their own, which pin them in ``env``.
            "THROTTLE_ACQUIRE_IP": "100000000/min",
            "THROTTLE_ACQUIRE_KEY": "100000000/min",
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": "16",
            "PYTHONPATH": str(BACKEND),
            "DATA_DIR": str(settings.DATA_DIR),
        }
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="live-api-", suffix=".log", delete=False)

    def start(self) -> "LiveServer":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
            env=self.env,
            cwd=BACKEND,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server died: {self.errors()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        # The fixture that called us never reaches its teardown: stop the server here.
        self.stop()
        raise RuntimeError("server did not start within 60s")

    def errors(self) -> str:
        return Path(self.log.name).read_text()[-4000:]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def live_api(transactional_db, store_kind) -> Iterator[LiveServer]:
    env = {
        "DATABASE_URL": database_url(),
        "SEAT_STORE": store_kind,
        "REDIS_URL": settings.REDIS_URL if store_kind == "redis" else "",
        "REDIS_KEY_PREFIX": settings.REDIS_KEY_PREFIX,
        "EMBEDDED_REAPER": "false",
    }
    server = LiveServer(env).start()
    yield server
    server.stop()


class PrivateRedis:
    """A redis-server of the test's own on a spare port, free to flush, stop and restart."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is not installed")
        self.port = free_port()
        self.workdir = tempfile.mkdtemp(prefix="redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        args = [
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            self.workdir,
        ]
        self.process = subprocess.Popen(
            [self.binary, *args, "--appendonly", "no"], stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


@pytest.fixture
def private_redis_server() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.workdir, ignore_errors=True)


@pytest.fixture
def private_redis(private_redis_server: PrivateRedis) -> str:
    return private_redis_server.url


class PrivateRedisCluster:
    """Three ``redis-server --cluster-enabled yes`` on loopback, slots spread by redis-cli."""

    def __init__(self) -> None:
        self.nodes = []
        self.workdir = tempfile.mkdtemp(prefix="redis-cluster-")
        for _ in range(3):
            port = _free_cluster_port()
            folder = os.path.join(self.workdir, str(port))
            os.makedirs(folder)
            args = [
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ]
            proc = subprocess.Popen(
                [shutil.which("redis-server"), *args], stdout=subprocess.DEVNULL
            )
            self.nodes.append((port, proc))
        for port, _ in self.nodes:
            _wait_for_redis(f"redis://127.0.0.1:{port}/0")
        addresses = [f"127.0.0.1:{port}" for port, _ in self.nodes]
        subprocess.run(
            [
                "redis-cli",
                "--cluster",
                "create",
                *addresses,
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.url = f"redis://127.0.0.1:{self.nodes[0][0]}/0"
        deadline = time.monotonic() + 20
        while True:
            info = redis.Redis.from_url(self.url).cluster("INFO")
            if info.get("cluster_state") == "ok":
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"cluster not ready: {info}")
            time.sleep(0.1)

    def stop(self) -> None:
        for _, proc in self.nodes:
            proc.terminate()
            proc.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _free_cluster_port() -> int:
    """A port whose cluster bus port (port + 10000) is free and valid too."""
    import random

    for _ in range(200):
        port = random.randint(20000, 45000)
        try:
            for candidate in (port, port + 10000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for a Redis Cluster node")


def _wait_for_redis(url: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[PrivateRedisCluster]:
    cluster = PrivateRedisCluster()
    yield cluster
    cluster.stop()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temp folder, spare port)."""

    def __init__(self) -> None:
        import glob

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.fail("PostgreSQL server binaries are not installed")
        self.bindir = Path(found[-1]).parent
        self.root = Path(tempfile.mkdtemp(prefix="pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def _run(self, tool: str, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, str(self.bindir / tool), *args], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    server.start()
    yield server
    with contextlib.suppress(subprocess.CalledProcessError):
        server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def race(target, count: int) -> list:
    """Run ``target(i)`` in ``count`` threads released together; return their results.

    Each thread closes its own database connection, so the test database can be
    dropped afterwards.
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


# The three people of every tenant test: Alice owns org A, Bob is a member of A,
# Charlie owns org B.


def _person(email: str):
    from users.models import User

    return User.objects.create_user(email, "pw-" + uuid.uuid4().hex, name=email.split("@")[0])


@pytest.fixture
def alice(db):
    return _person("alice@a.example")


@pytest.fixture
def bob(db):
    return _person("bob@a.example")


@pytest.fixture
def charlie(db):
    return _person("charlie@b.example")


@pytest.fixture
def org_a(alice, bob) -> Organization:
    from tenants.models import Membership
    from tenants.services import organization_create

    org = organization_create(name="Org A", slug="org-a", owner=alice)
    with scope(org=org):
        Membership.objects.create(org=org, user=bob, role=Membership.Role.MEMBER)
    return org


@pytest.fixture
def org_b(charlie) -> Organization:
    from tenants.services import organization_create

    return organization_create(name="Org B", slug="org-b", owner=charlie)


def client_for(user=None, *, api_token: str | None = None):
    """A DRF test client signed in as ``user`` with a real access token (or an API token)."""
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    if api_token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token}")
    elif user is not None:
        access = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def org_state(org) -> dict:
    """Everything an organization owns, as plain values: its row and every row of every
    model with an ``org`` field (isolation tests compare it before and after)."""
    from django.apps import apps
    from django_scopes import scopes_disabled

    from tenants.models import Organization

    with scopes_disabled():
        state = {"org": list(Organization.objects.filter(id=org.id).values())}
        for model in apps.get_models():
            if model is Organization or not any(f.name == "org" for f in model._meta.fields):
                continue
            rows = model._base_manager.filter(org=org).order_by("pk").values()
            state[model._meta.label] = list(rows)
    return state
