import json
import os
import subprocess
import sys
from datetime import datetime

import pytest

from tests.fixtures.servers import BACKEND

SCRIPT = """
import django, os, sys
django.setup()
from django.test import Client
Client().get("/api/v1/missing", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef", **{0})
"""
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def json_logs(tmp_path, headers: str = "{}", **extra: str) -> tuple[list[dict], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        LOG_FORMAT="json",
        DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="coditect_license.settings",
        PYTHONPATH=str(BACKEND),
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(headers)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout + result.stderr
    return lines, result.stderr


def test_json_logs_go_to_stdout_in_the_shape_cloud_logging_reads(tmp_path):
    lines, stderr = json_logs(tmp_path)
    assert "{" not in stderr  # stderr lines would be filed as errors
    record = next(r for r in lines if r["name"] == "django.request")
    assert record["request_id"] == "0123456789abcdef0123456789abcdef"
    assert record["severity"] == "WARNING" and record["message"].startswith("Not Found")
    assert "level" not in record and "logging.googleapis.com/trace" not in record
    # RFC 3339 with its UTC offset, as Cloud Logging's `time` wants it.
    moment = datetime.fromisoformat(record["time"])
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    assert "T" in record["time"]


@pytest.mark.parametrize(
    "header",
    [
        f'{{"HTTP_TRACEPARENT": "00-{TRACE}-00f067aa0ba902b7-01"}}',
        f'{{"HTTP_X_CLOUD_TRACE_CONTEXT": "{TRACE}/1;o=1"}}',
    ],
)
def test_a_traced_request_logs_its_trace(tmp_path, header):
    lines, _ = json_logs(tmp_path, header, GOOGLE_CLOUD_PROJECT="coditect-prod")
    record = next(r for r in lines if r["name"] == "django.request")
    assert record["logging.googleapis.com/trace"] == f"projects/coditect-prod/traces/{TRACE}"


def test_a_malformed_trace_header_is_ignored(tmp_path):
    lines, _ = json_logs(
        tmp_path, '{"HTTP_TRACEPARENT": "00-not-a-trace-01"}', GOOGLE_CLOUD_PROJECT="p"
    )
    record = next(r for r in lines if r["name"] == "django.request")
    assert "logging.googleapis.com/trace" not in record
