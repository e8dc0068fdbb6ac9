"""The gunicorn settings: the worker hook and the log format (the server itself runs in
test_seat_race)."""

import gc
import importlib
import json
import os
import signal
import subprocess
import sys

from tests.fixtures.servers import BACKEND, free_port


def test_a_worker_freezes_what_it_loaded_out_of_the_collector(monkeypatch, tmp_path):
    # Importing the settings would point Prometheus at a folder of its own otherwise.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_conf = importlib.import_module("coditect_license.gunicorn_conf")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_json_logs_make_gunicorn_write_json_to_stdout(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        LOG_FORMAT="json",
        DATA_DIR=str(tmp_path),
        PYTHONPATH=str(BACKEND),
        HOST="127.0.0.1",
        PORT=str(free_port()),
        WEB_CONCURRENCY="1",
        PYTHONUNBUFFERED="1",  # as in the image
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
        env=env,
        cwd=BACKEND,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(server.stdout.readline())
    finally:
        server.send_signal(signal.SIGQUIT)  # quick shutdown: no need to drain a booting worker
        _, stderr = server.communicate(timeout=30)
    assert first["severity"] == "INFO" and first["name"] == "gunicorn.error"
    assert first["message"].startswith("Starting gunicorn") and "T" in first["time"]
    assert "Starting gunicorn" not in stderr
