"""A bad or unreachable setting stops the process with one clear line, not a traceback."""

import json
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
        ({"OIDC_PROVIDERS": "okta"}, "configuration error: OIDC_PROVIDERS names 'okta'"),
        ({"ID_TOKEN_ISSUER": "https://idp.example"}, "configuration error: ID_TOKEN_ISSUER"),
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
        ({"REDIS_URL": "redis://:pw@127.0.0.1:1/0"}, "redis unreachable at 127.0.0.1:1:"),
    ],
)
def test_an_unreachable_service_stops_serve_with_one_line(environ, message, tmp_path):
    result = manage("serve", "--port", "1", DATA_DIR=str(tmp_path), **environ)
    assert result.returncode == 1
    assert message in result.stderr and ":pw@" not in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


PRODUCTION = {"DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "license.example"}
SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example",
}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"PUBLIC_URL": "https://license.example"},
            "configuration error: EMAIL_BACKEND: django.core.mail.backends.console.EmailBackend "
            "writes every email to the log",
        ),
        (
            {
                "PUBLIC_URL": "https://license.example",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            },
            "configuration error: EMAIL_BACKEND: django.core.mail.backends.locmem",
        ),
        (
            {**SMTP, "EMAIL_HOST": "", "PUBLIC_URL": "https://license.example"},
            "configuration error: EMAIL_HOST",
        ),
        (SMTP, "configuration error: PUBLIC_URL: required with DJANGO_DEBUG=false"),
    ],
)
def test_production_refuses_mail_that_leaks_or_points_at_loopback(environ, message, tmp_path):
    result = manage("check", DATA_DIR=str(tmp_path), **PRODUCTION, **environ)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_production_starts_with_smtp_and_a_public_url(tmp_path):
    password = tmp_path / "smtp-password"
    password.write_text("relay-password\n")
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_PASSWORD, s.PUBLIC_URL)",
        DATA_DIR=str(tmp_path),
        PUBLIC_URL="https://license.example",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="true",
        EMAIL_HOST_PASSWORD_FILE=str(password),
        **PRODUCTION,
        **SMTP,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "smtp.example",
        "587",
        "True",
        "relay-password",
        "https://license.example",
    ]


def test_the_embedded_default_needs_neither(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "PUBLIC_URL")}
    result = subprocess.run(
        [sys.executable, str(MANAGE), "check"],
        env={**environ, "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


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


def test_sign_in_providers_come_from_the_environment_and_secret_files(tmp_path):
    secret = tmp_path / "google-secret"
    secret.write_text("google-secret-from-a-file\n")
    show = (
        "import json; from django.conf import settings; "
        "print(json.dumps([(p['id'], p['name'], p.get('issuer', p.get('url')), p['client_secret'])"
        " for p in settings.SIGN_IN_PROVIDERS]))"
    )
    result = manage(
        "shell",
        "-c",
        show,
        DATA_DIR=str(tmp_path),
        GOOGLE_CLIENT_ID="g-id",
        GOOGLE_CLIENT_SECRET_FILE=str(secret),
        GITHUB_CLIENT_ID="only-an-id",
        OIDC_PROVIDERS="okta",
        OIDC_OKTA_NAME="Acme Okta",
        OIDC_OKTA_ISSUER="https://acme.okta.example/",
        OIDC_OKTA_CLIENT_ID="o-id",
        OIDC_OKTA_CLIENT_SECRET="o-secret",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        ["google", "Google", "https://accounts.google.com", "google-secret-from-a-file"],
        ["okta", "Acme Okta", "https://acme.okta.example", "o-secret"],
    ]
