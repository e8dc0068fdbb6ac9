"""/readyz follows the real state of PostgreSQL and Redis servers this test owns.

Readiness is this pod's: the database and the migrations. A Redis outage leaves
every pod ready (the ingress keeps a backend), dashboard reads keep working, and
only the seat path answers 503 ``seat_store_unavailable``.
"""

import json
import os
import subprocess
import sys

import httpx
import pytest

from tests.fixtures.servers import BACKEND, LiveServer

pytestmark = pytest.mark.server


def test_readyz_follows_postgres_and_a_redis_outage_only_stops_the_seat_path(
    private_postgres, private_redis_server, tmp_path
):
    env = {
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis_server.url,
        "DATA_DIR": str(tmp_path),
    }
    for command in (["migrate", "--noinput"], ["setup_demo"]):
        subprocess.run(
            [sys.executable, str(BACKEND / "manage.py"), *command],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
    demo = json.loads((tmp_path / "demo-credentials.json").read_text())
    server = LiveServer(env, workers=1)
    server.env["DATA_DIR"] = str(tmp_path)
    server.start()
    try:
        client = httpx.Client(base_url=server.url, timeout=10)

        def ready() -> tuple[int, str]:
            response = client.get("/readyz")
            return response.status_code, response.text

        assert ready()[0] == 200
        private_postgres.stop()
        status, body = ready()
        assert status == 503 and "database" in body
        private_postgres.start()
        assert ready()[0] == 200

        login = client.post(
            "/api/v1/auth/login", json={"email": demo["email"], "password": demo["password"]}
        )
        assert login.status_code == 200, login.text
        admin = {"Authorization": f"Bearer {login.json()['access']}"}

        private_redis_server.stop()
        assert ready()[0] == 200
        licenses = client.get(f"/api/v1/orgs/{demo['org']}/licenses", headers=admin)
        assert licenses.status_code == 200, licenses.text
        assert licenses.json()["results"]
        acquire = client.post(
            "/api/v1/licenses/acquire",
            json={"license_key": demo["license_key"], "hardware_id": "laptop-1"},
        )
        assert acquire.status_code == 503, acquire.text
        assert acquire.json()["error"]["code"] == "seat_store_unavailable"

        private_redis_server.start()
        assert ready()[0] == 200
        acquire = client.post(
            "/api/v1/licenses/acquire",
            json={"license_key": demo["license_key"], "hardware_id": "laptop-1"},
        )
        assert acquire.status_code == 201, acquire.text
    finally:
        server.stop()
