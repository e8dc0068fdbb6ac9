"""Fixtures that run the real license server (backend/manage.py) on loopback.

The server is started once per test session on a free 127.0.0.1 port with a
temporary DATA_DIR (embedded SQLite seat store), exactly as an operator would:
``manage.py migrate``, ``manage.py create_license``, ``manage.py serve``.
Tests that need an outage call ``license_server.stop()`` / ``.start()``: the
server comes back on the same port with the same data.

The server's Python is, in order: $CODITECT_SERVER_PYTHON; this interpreter
if it has Django (the uv workspace venv); the repository's .venv; ``uv run``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from coditect_license_client import LicenseClient, RetryPolicy

REPO = Path(__file__).resolve().parents[2]
MANAGE = REPO / "backend" / "manage.py"
# Server settings the SDK tests must not inherit: they want the embedded default.
SCRUBBED_ENV = ("DATABASE_URL", "REDIS_URL", "SEAT_STORE", "SIGNING_KEY", "SIGNING_KEY_FILE")
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.1, max_delay=0.5, deadline=3)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "server: starts the real license server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_python() -> list[str]:
    if os.environ.get("CODITECT_SERVER_PYTHON"):
        return [os.environ["CODITECT_SERVER_PYTHON"]]
    if importlib.util.find_spec("django") is not None:
        return [sys.executable]
    venv = REPO / ".venv" / "bin" / "python"
    if venv.exists():
        return [str(venv)]
    uv = shutil.which("uv")
    if uv:
        return [uv, "run", "--project", str(REPO), "python"]
    pytest.fail("no Python with Django for the server: set CODITECT_SERVER_PYTHON")


@dataclass(frozen=True)
class License:
    license_id: str
    key: str
    seats: int
    ttl: int
    grace: int


class LicenseServer:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.python = server_python()
        self.env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        # DEVICE_CODE_INTERVAL: the sign-in tests poll every second, not every five.
        self.env.update(DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", DEVICE_CODE_INTERVAL="1")
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [*self.python, str(MANAGE), *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def create_license(
        self, *, seats: int = 1, ttl: int = 3, grace: int = 30, options: tuple[str, ...] = ()
    ) -> License:
        """``options``: more ``create_license`` options (``--queue``, ...)."""
        out = self.manage(
            "create_license",
            "--org", "sdk-test",
            "--seats", str(seats),
            "--ttl", str(ttl),
            "--offline-grace", str(grace),
            *options,
            "--json",
        )  # fmt: skip
        data = json.loads(out.strip().splitlines()[-1])
        return License(data["license_id"], data["license_key"], seats, ttl, grace)

    def create_licenses(self, specs: list[tuple[int, int, int]]) -> list[License]:
        """Create many licenses with one Django start-up (``create_license`` in ``shell``)."""
        script = (
            "import io\n"
            "from django.core.management import call_command\n"
            f"for seats, ttl, grace in {json.dumps(specs)}:\n"
            "    out = io.StringIO()\n"
            "    call_command('create_license', org='sdk-test', seats=seats, ttl=ttl,\n"
            "                 offline_grace=grace, json=True, stdout=out)\n"
            "    print(out.getvalue().strip().splitlines()[-1])\n"
        )
        out = self.manage("shell", "-c", script)
        rows = [json.loads(line) for line in out.strip().splitlines() if line.startswith("{")]
        assert len(rows) == len(specs), out
        return [
            License(row["license_id"], row["license_key"], *spec)
            for row, spec in zip(rows, specs, strict=True)
        ]

    def start(self, timeout: float = 180) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *self.python,
                    str(MANAGE),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() ends gunicorn too
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not healthy within {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
        process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.is_up():
            time.sleep(0.1)

    def is_up(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0


@pytest.fixture(scope="session")
def license_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LicenseServer]:
    if not MANAGE.exists():
        message = f"the license server is not there ({MANAGE} is missing)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = LicenseServer(tmp_path_factory.mktemp("server-data"), free_port())
    server.manage("migrate", "--noinput")
    server.start()
    yield server
    server.stop()


# (seats, ttl, grace) of the licenses the suite uses, made in one go at start-up
# (each create_license call costs a Django start-up); others are made on demand.
PREFETCH = (
    [(1, 3, 30)] * 4
    + [(1, 30, 30)] * 9
    + [(2, 30, 30)] * 2
    + [
        (1, 2, 3),
        (1, 2, 30),
        (1, 2, 4),
    ]
)


@pytest.fixture(scope="session")
def license_pool(license_server: LicenseServer) -> dict[tuple[int, int, int], list[License]]:
    pool: dict[tuple[int, int, int], list[License]] = {}
    for lic in license_server.create_licenses(PREFETCH):
        pool.setdefault((lic.seats, lic.ttl, lic.grace), []).append(lic)
    return pool


@pytest.fixture
def make_license(
    license_server: LicenseServer, license_pool: dict[tuple[int, int, int], list[License]]
) -> Callable[..., License]:
    """A fresh license (never used by another test) with these seats, TTL, grace."""

    def make(*, seats: int = 1, ttl: int = 3, grace: int = 30) -> License:
        spare = license_pool.get((seats, ttl, grace))
        if spare:
            return spare.pop()
        return license_server.create_license(seats=seats, ttl=ttl, grace=grace)

    return make


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def make_client(
    license_server: LicenseServer, cache_dir: Path
) -> Iterator[Callable[..., LicenseClient]]:
    """LicenseClient factory: each client is a distinct machine unless
    ``hardware_id`` is given; all share the test's cache folder."""
    clients: list[LicenseClient] = []

    def make(lic: License, **options: object) -> LicenseClient:
        options.setdefault("hardware_id", f"test-{uuid.uuid4().hex[:12]}")
        options.setdefault("cache_dir", cache_dir)
        options.setdefault("retry", FAST_RETRY)
        options.setdefault("timeout", 3.0)
        client = LicenseClient(license_server.url, lic.key, **options)  # type: ignore[arg-type]
        clients.append(client)
        return client

    yield make
    for client in clients:
        if client.lease is not None:
            with contextlib.suppress(Exception):
                client.release(retry=RetryPolicy(attempts=1))
        client.close()


def _wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it is truthy or ``timeout`` passes (bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


@pytest.fixture
def wait_until() -> Callable[..., bool]:
    return _wait_until


@pytest.fixture
def sdk_env(license_server: LicenseServer, cache_dir: Path) -> dict[str, str]:
    """Environment for a client subprocess: this interpreter's, pointed at the server."""
    env = dict(os.environ)
    env.update(
        CODITECT_LICENSE_SERVER=license_server.url,
        CODITECT_LICENSE_CACHE=str(cache_dir),
        # Not the config file of whoever runs the tests.
        CODITECT_LICENSE_CONFIG=str(cache_dir.parent / "no-config.toml"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("CODITECT_LICENSE_KEY", None)
    env.pop("CODITECT_HARDWARE_ID", None)
    return env


@pytest.fixture
def env_for(sdk_env: dict[str, str]) -> Callable[..., dict[str, str]]:
    """The CLI's environment for one license's key, plus ``extra`` variables."""

    def make(lic: License, **extra: str) -> dict[str, str]:
        return {**sdk_env, "CODITECT_LICENSE_KEY": lic.key, **extra}

    return make


@pytest.fixture
def cli() -> list[str]:
    """The console script if installed next to this interpreter, else ``python -m``."""
    script = Path(sys.executable).parent / "coditect-license"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "coditect_license_client.cli"]
