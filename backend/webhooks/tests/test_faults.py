"""Faults with real processes: a Celery worker (with its beat) delivers, a gunicorn API
writes the change, a loopback receiver verifies with ``standardwebhooks``.

- The API is SIGKILLed after the change committed and before anything was queued (its
  broker is unreachable, so nothing could be), while the receiver is down: the outbox
  still delivers the event once the receiver is up, with one ``webhook-id``.
- The Celery worker is SIGKILLed in the middle of a delivery (the receiver holds the
  request): another worker delivers it once the dead worker's lease has expired.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from core.secrets import new_secret, secret_digest
from licenses import services as license_services
from tenants.models import ApiToken
from tests.fixtures.servers import BACKEND, LiveServer, database_url, free_port
from webhooks import services
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.tests.receiver import Receiver

ADMIN = Actor.system_named("tests")
WORKER_ENV = {
    "WEBHOOK_ALLOW_LOOPBACK": "true",
    "WEBHOOK_SWEEP_INTERVAL": "1",
    "WEBHOOK_LEASE_SECONDS": "3",
    "WEBHOOK_RETRY_BASE_SECONDS": "1",
    "WEBHOOK_RETRY_MAX_DELAY_SECONDS": "1",
    "EVENT_SUBSCRIPTIONS_CACHE_SECONDS": "0",
    "EMBEDDED_REAPER": "false",
}


class Worker:
    """``celery worker -B`` on the tests' database, in a process group of its own so
    that SIGKILL reaches the pool's children too."""

    def __init__(self, tmp_path: Path, broker: str, queue: str) -> None:
        self.log_path = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.env = {
            **os.environ,
            **WORKER_ENV,
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_QUEUE": queue,
            "DATA_DIR": str(settings.DATA_DIR),
            "PYTHONPATH": str(BACKEND),
            "PYTHONUNBUFFERED": "1",
        }
        self.beat_file = tmp_path / f"beat-{uuid.uuid4().hex[:6]}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coditect_license",
            "worker",
            "-B",
            "-s",
            str(self.beat_file),
            "--pool=prefork",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env,
                cwd=BACKEND,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text()[-3000:]


def wait_for(condition, what: str, worker: Worker | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker died waiting for {what}: {worker.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}" + (f": {worker.log()}" if worker else ""))
        time.sleep(0.2)


@pytest.fixture
def queue(redis_url) -> Iterator[str]:
    """A queue of this test's own on the tests' Redis; this process publishes to it."""
    from coditect_license.celery import app

    name = f"test-webhooks-{uuid.uuid4().hex[:8]}"
    saved = app.conf.broker_url, app.conf.task_default_queue
    app.conf.broker_url, app.conf.task_default_queue = redis_url, name
    yield name
    app.conf.broker_url, app.conf.task_default_queue = saved


@pytest.fixture
def workers(tmp_path, redis_url, queue) -> Iterator[list[Worker]]:
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(tmp_path, redis_url, queue).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def attempts() -> int:
    with scopes_disabled():
        return WebhookAttempt.objects.count()


def the_delivery() -> WebhookDelivery:
    with scopes_disabled():
        return WebhookDelivery.objects.get()


def test_the_outbox_delivers_a_change_whose_api_process_was_killed_while_the_receiver_was_down(
    transactional_db, org_a, workers
):
    port = free_port()
    receiver = Receiver()
    with scope(org=org_a):
        _, secret = services.endpoint_create(
            org=org_a,
            url=f"http://127.0.0.1:{port}/hooks",
            event_types=["license.created"],
            actor=ADMIN,
        )
        raw = new_secret("cot_")
        ApiToken.objects.create(
            org=org_a, name="ci", role="admin", prefix=raw[:12], digest=secret_digest(raw)
        )
    receiver.secrets.append(secret)
    api = LiveServer(
        {
            **WORKER_ENV,
            "DATABASE_URL": database_url(),
            "SEAT_STORE": "sql",
            "REDIS_URL": "",
            # Nothing can be queued: only the outbox knows of the change.
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        },
        workers=1,
    ).start()
    try:
        created = httpx.post(
            f"{api.url}/api/v1/orgs/{org_a.slug}/licenses",
            json={"name": "Made just before the crash", "seats_total": 2},
            headers={"Authorization": f"Bearer {raw}"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        subprocess.run(["pkill", "-KILL", "-P", str(api.process.pid)], check=False)
        os.kill(api.process.pid, signal.SIGKILL)
        api.process.wait(timeout=30)
    finally:
        api.stop()
    from events.models import Event

    with scopes_disabled():
        [event] = Event.objects.filter(type="license.created", data__license__name__isnull=False)
        assert event.dispatched_at is None

    worker = workers()
    wait_for(lambda: attempts() >= 2, "attempts to a receiver that is down", worker)
    receiver.start(port=port)
    try:
        wait_for(lambda: the_delivery().status == "succeeded", "the delivery", worker)
        assert receiver.types() == ["license.created"]
        assert receiver.received[0].payload["data"]["license"]["name"] == (
            "Made just before the crash"
        )
        assert receiver.ids() == [the_delivery().webhook_id]
        assert receiver.refused == []
    finally:
        receiver.stop()


def test_a_delivery_of_a_worker_killed_mid_request_is_made_by_another_worker(
    transactional_db, org_a, workers
):
    receiver = Receiver(hang=600).start()
    try:
        with scope(org=org_a):
            _, secret = services.endpoint_create(
                org=org_a, url=receiver.url, event_types=["license.created"], actor=ADMIN
            )
        receiver.secrets.append(secret)
        first = workers()
        with scope(org=org_a):
            license_services.license_create(
                org=org_a, name="Delivered twice", seats_total=1, actor=ADMIN
            )
        wait_for(lambda: receiver.requests >= 1, "the first request", first)
        first.kill()
        held = the_delivery()
        assert held.status == "pending" and held.attempts == 1 and held.lease_until
        with scopes_disabled():
            assert not WebhookAttempt.objects.exists()  # the worker died before logging

        receiver.hang = 0
        second = workers()
        wait_for(lambda: the_delivery().status == "succeeded", "the redelivery", second)
        delivery = the_delivery()
        with scopes_disabled():
            [attempt] = WebhookAttempt.objects.all()
        assert attempt.number == 2 and attempt.succeeded
        # The receiver saw the same webhook-id every time: it can de-duplicate.
        wait_for(lambda: len(receiver.received) >= 1, "the receiver's record")
        assert set(receiver.ids()) == {delivery.webhook_id}
        assert receiver.types()[0] == "license.created"
    finally:
        receiver.stop()
