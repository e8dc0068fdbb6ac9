"""A body sent with ``Transfer-Encoding: chunked`` is read, and held to the size limit,
like one sent with a Content-Length: under gunicorn and under the development server."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.test import RequestFactory

from core.middleware import BodySizeLimitMiddleware
from tests.fixtures.servers import BACKEND, LiveServer, database_url, free_port

pytestmark = pytest.mark.server

ACQUIRE = "/api/v1/licenses/acquire"


class DevServer:
    """``manage.py runserver`` (the development server) on a spare port."""

    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"runserver-{self.port}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            env={**os.environ, **env, "DATA_DIR": str(settings.DATA_DIR)},
            cwd=BACKEND,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"runserver died: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("runserver did not start within 30s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.unlink(missing_ok=True)


@pytest.fixture(scope="module", params=["gunicorn", "runserver"])
def server_url(request, django_db_setup, django_db_blocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        env = {
            "DATABASE_URL": database_url(),
            "SEAT_STORE": "sql",
            "REDIS_URL": "",
            "EMBEDDED_REAPER": "false",
        }
    server = LiveServer(env, workers=1).start() if request.param == "gunicorn" else DevServer(env)
    yield server.url
    server.stop()


def chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_chunked_body_is_read(server_url, transactional_db, make_license):
    _, key = make_license(seats=1)
    body = json.dumps({"license_key": key, "hardware_id": "chunked-laptop"}).encode()
    # A generator body: httpx sends it with Transfer-Encoding: chunked, no length.
    response = httpx.post(
        server_url + ACQUIRE,
        content=chunks(body, 7),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.request.headers
    assert response.status_code == 201, response.text
    assert response.json()["seats_used"] == 1


def test_an_oversized_chunked_body_is_a_413(server_url):
    body = b'{"license_key": "' + b"x" * (2 * 1024 * 1024) + b'", "hardware_id": "h"}'
    response = httpx.post(
        server_url + ACQUIRE,
        content=chunks(body, 16 * 1024),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    # The server is still there for the next client.
    assert httpx.get(server_url + "/healthz", timeout=5).status_code == 200


def test_a_chunked_body_at_the_limit_is_accepted_as_far_as_size_goes(server_url):
    padding = settings.API_MAX_BODY_BYTES - len(b'{"license_key": "", "hardware_id": "h"}')
    body = b'{"license_key": "' + b"x" * padding + b'", "hardware_id": "h"}'
    assert len(body) == settings.API_MAX_BODY_BYTES
    response = httpx.post(
        server_url + ACQUIRE,
        content=chunks(body, 4096),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    # Read in full: refused for one field (too long a key), not for its size, and not
    # for every field as an empty body would be.
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["details"]["fields"]) == ["license_key"]


def test_broken_chunk_framing_is_a_400_and_the_server_survives(server_url):
    with socket.create_connection(("127.0.0.1", int(server_url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(
            b"POST " + ACQUIRE.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\n{}\r\n0\r\n\r\n"
        )
        sock.settimeout(10)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    # Refused by the server's framing, before the application could read an empty body.
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"400"
    assert b"validation_error" not in answer
    assert httpx.get(server_url + "/healthz", timeout=5).status_code == 200


def test_a_chunked_body_no_server_could_decode_is_a_411_not_an_empty_body(db):
    request = RequestFactory().post(ACQUIRE, b"", content_type="application/json")
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META.pop("CONTENT_LENGTH", None)
    response = BodySizeLimitMiddleware(lambda r: pytest.fail("the view ran"))(request)
    assert response.status_code == 411
    assert json.loads(response.content)["error"]["code"] == "length_required"
