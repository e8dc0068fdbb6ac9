import json
import os
import subprocess
import sys

from tests.fixtures.servers import BACKEND

SCRIPT = """
import django, os
django.setup()
from django.test import Client
Client().get("/api/v1/missing", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
"""


def test_json_logs_carry_the_request_id(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        LOG_FORMAT="json",
        DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="coditect_license.settings",
        PYTHONPATH=str(BACKEND),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines, result.stderr
    record = next(r for r in lines if r["name"] == "django.request")
    assert record["request_id"] == "0123456789abcdef0123456789abcdef"
    assert record["level"] == "WARNING" and record["message"].startswith("Not Found")
