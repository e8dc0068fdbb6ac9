"""A bad or unreachable setting stops the process with one clear line, not a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coditect_license import env

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "mysqlx://db/x"}, "configuration error: DATABASE_URL"),
        ({"REDIS_URL": "http://cache"}, "configuration error: REDIS_URL"),
        ({"DEFAULT_HEARTBEAT_TTL": "six"}, "configuration error: DEFAULT_HEARTBEAT_TTL"),
        ({"SEAT_STORE": "redis"}, "configuration error: SEAT_STORE: redis needs REDIS_URL"),
        ({"DJANGO_DEBUG": "maybe"}, "configuration error: DJANGO_DEBUG"),
        ({"METRICS_ALLOWED_CIDRS": "10.0.0.0/33"}, "configuration error: METRICS_ALLOWED_CIDRS"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(environ, message):
    result = manage("check", **environ)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere"}, "database unreachable"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "redis unreachable at redis://127.0.0.1:1/0"),
    ],
)
def test_an_unreachable_service_stops_serve_with_one_line(environ, message, tmp_path):
    result = manage("serve", "--port", "1", DATA_DIR=str(tmp_path), **environ)
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_env_readers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "7")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.env_bool("X_BOOL") is True and env.env_bool("X_MISSING", True) is True
    assert env.env_int("X_INT", 1) == 7 and env.env_int("X_MISSING", 3) == 3
    assert env.env_list("X_LIST", []) == ["a", "b", "c"]
    assert env.env_str("X_SECRET") == "s3cret"
    with pytest.raises(ImproperlyConfigured, match="at least 10"):
        env.env_int("X_INT", 1, minimum=10)
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE"):
        env.env_str("X_SECRET")
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env.env_choice("X_INT", "a", ("a", "b"))
