"""/readyz follows the real state of PostgreSQL and Redis servers this test owns."""

import os
import subprocess
import sys

import httpx
import pytest

from tests.fixtures.servers import BACKEND, LiveServer

pytestmark = pytest.mark.server


def test_readyz_follows_postgres_and_redis_going_down_and_back(
    private_postgres, private_redis_server, tmp_path
):
    env = {
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis_server.url,
        "DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, str(BACKEND / "manage.py"), "migrate", "--noinput"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    server = LiveServer(env, workers=1)
    server.env["DATA_DIR"] = str(tmp_path)
    server.start()
    try:

        def ready() -> tuple[int, str]:
            response = httpx.get(f"{server.url}/readyz", timeout=10)
            return response.status_code, response.text

        assert ready()[0] == 200
        private_postgres.stop()
        status, body = ready()
        assert status == 503 and "database" in body
        private_postgres.start()
        assert ready()[0] == 200

        private_redis_server.stop()
        status, body = ready()
        assert status == 503 and "redis unreachable" in body
        private_redis_server.start()
        assert ready()[0] == 200
    finally:
        server.stop()
