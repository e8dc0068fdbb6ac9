"""A real Celery worker (prefork pool) serves the reaper's metrics, and logs JSON."""

import json
import os
import subprocess
import sys
import time

import httpx

from tests.fixtures.servers import BACKEND, database_url, free_port

REAP = "licenses.tasks.reap_sessions"


def scrape(port: int) -> str | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
    except httpx.HTTPError:
        return None


def test_the_worker_serves_reaper_metrics_and_logs_json(transactional_db, redis_url, tmp_path):
    from coditect_license.celery import app

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(BACKEND),
        "PYTHONUNBUFFERED": "1",
        "LOG_FORMAT": "json",
        "WORKER_METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "EMBEDDED_REAPER": "false",
    }
    queue = f"test-{port}"
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coditect_license",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
        ],
        env=env,
        cwd=BACKEND,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while scrape(port) is None:
            assert worker.poll() is None and time.monotonic() < deadline, "worker did not serve"
            time.sleep(0.3)
        app.conf.broker_url = redis_url
        sent = time.time()
        app.send_task(REAP, queue=queue)
        success = f'coditect_celery_task_last_success_timestamp_seconds{{task="{REAP}"}}'
        while success not in (body := scrape(port) or ""):
            assert time.monotonic() < deadline, body
            time.sleep(0.3)
        [line] = [row for row in body.splitlines() if row.startswith(success)]
        assert float(line.split()[-1]) >= sent
        assert f'coditect_celery_task_wait_seconds_count{{task="{REAP}"}} 1.0' in body
        assert "coditect_seat_reap_total" in body
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    records = [json.loads(row) for row in output.splitlines() if row.startswith("{")]
    assert any(r["severity"] == "INFO" and REAP in r["message"] for r in records), output[-3000:]
    # Celery did not put its own handler on the root logger: no plain-text log lines.
    assert not [row for row in output.splitlines() if row.startswith("[20")], output[-3000:]
