"""The production stack, started locally for the benchmark.

- PostgreSQL: the machine's server, in a database of the bench's own
  (``$BENCH_DB``, default ``coditect_bench``, dropped and created at start).
- Redis: a private ``redis-server`` on a spare loopback port, so the bench
  can flush it freely and no other user's keys share its memory or CPU.
- The API under gunicorn with the project's own config
  (``gunicorn -c python:coditect_license.gunicorn_conf``, ``gthread``).

Every process started here is stopped by its own pid at the end.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
BACKEND = Path(os.environ.get("BENCH_BACKEND_DIR", REPO / "backend")).resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:  # the service is not up yet
            last = exc
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not come up in {timeout:.0f}s ({last})")


@dataclass
class Stack:
    workdir: Path
    pg_admin_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    db_name: str = field(default_factory=lambda: os.environ.get("BENCH_DB", "coditect_bench"))
    workers: int = 2
    threads: int = 8
    redis_port: int = 0
    api_port: int = 0
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:5432/{self.db_name}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self, **extra: str) -> dict[str, str]:
        """The API's environment: production settings on loopback."""
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            DATA_DIR=str(self.workdir / "data"),
            SECRET_KEY="bench-secret-key-not-for-production",
            DJANGO_DEBUG="0",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(BACKEND),
            HOST="127.0.0.1",
            WEB_CONCURRENCY=str(self.workers),
            GUNICORN_THREADS=str(self.threads),
            # The bench is one client IP: keep any acquire throttle in the path
            # but out of the way.
            THROTTLE_ACQUIRE_IP="100000000/min",
            THROTTLE_ACQUIRE_KEY="100000000/min",
            EMBEDDED_REAPER="0",
            # A person's acquire (BENCH_OPS=acquire_person) carries one access token for
            # the whole run.
            ACCESS_TOKEN_MINUTES="600",
            # Production settings refuse the console backend and a missing PUBLIC_URL.
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.workdir / "emails"),
            PUBLIC_URL="http://127.0.0.1",
        )
        if self.api_port:
            # Unset until the server is started (PORT must be a real port).
            env["PORT"] = str(self.api_port)
        env.update(extra)
        return env

    # PostgreSQL ------------------------------------------------------------------

    def create_database(self) -> None:
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.db_name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def drop_database(self) -> None:
        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (self.db_name,),
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}"')

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, str(BACKEND / "manage.py"), "migrate", "--noinput", "-v", "0"],
            env=self.env(),
            check=True,
            cwd=REPO,
            timeout=300,
        )

    # Redis -----------------------------------------------------------------------

    def start_redis(self) -> None:
        self.redis_port = self.redis_port or free_port()
        log = open(self.workdir / "redis.log", "w")  # noqa: SIM115 (lives with the process)
        self.procs["redis"] = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--maxmemory",
                "4gb",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        import redis

        client = redis.Redis(port=self.redis_port)
        wait_until(client.ping, timeout=10, what="redis-server")

    # API -------------------------------------------------------------------------

    def start_api(self, **extra_env: str) -> None:
        self.stop_api()
        self.api_port = free_port()
        log = open(self.workdir / f"gunicorn-{self.api_port}.log", "w")  # noqa: SIM115
        self.procs["api"] = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
            env=self.env(**extra_env),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        import httpx

        def up() -> bool:
            if self.procs["api"].poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {log.name}")
            return httpx.get(f"{self.api_url}/healthz", timeout=1).status_code == 200

        wait_until(up, timeout=60, what="gunicorn")

    def api_pids(self) -> list[int]:
        """The gunicorn master and its workers."""
        proc = self.procs.get("api")
        if proc is None:
            return []
        out = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [proc.pid, *(int(p) for p in out.split())]

    def stop_api(self) -> None:
        self._stop("api")

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def stop(self) -> None:
        self._stop("api")
        self._stop("redis")
