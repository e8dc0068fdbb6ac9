"""Links in emails point at the server that sent them (or at PUBLIC_URL when set)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.fixtures.servers import LiveServer, database_url

pytestmark = pytest.mark.server

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def settings_value(name: str, **environ: str) -> subprocess.CompletedProcess:
    scrubbed = ("DATABASE_URL", "REDIS_URL", "PUBLIC_URL", "HOST", "PORT")
    base = {k: v for k, v in os.environ.items() if k not in scrubbed}
    return subprocess.run(
        [
            sys.executable,
            str(MANAGE),
            "shell",
            "-v",
            "0",
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environ", "public_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"HOST": "127.0.0.1", "PORT": "9123"}, "http://127.0.0.1:9123"),
        ({"HOST": "0.0.0.0", "PORT": "9123"}, "http://127.0.0.1:9123"),
        ({"HOST": "::1", "PORT": "9123"}, "http://[::1]:9123"),
        ({"PUBLIC_URL": "https://license.example/", "PORT": "9123"}, "https://license.example"),
    ],
)
def test_public_url_is_the_setting_or_the_address_served(environ, public_url):
    result = settings_value("PUBLIC_URL", **environ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == public_url


def test_a_public_url_that_is_no_url_stops_the_process():
    result = settings_value("PUBLIC_URL", PUBLIC_URL="license.example")
    assert result.returncode != 0
    assert "PUBLIC_URL: expected an http:// or https:// URL" in result.stderr


def test_a_public_url_the_server_would_refuse_is_a_warning():
    from django.test import override_settings

    from core.checks import public_url_is_an_allowed_host

    with override_settings(PUBLIC_URL="https://license.example", ALLOWED_HOSTS=["localhost"]):
        [warning] = public_url_is_an_allowed_host(None)
    assert warning.id == "core.W001" and "license.example" in warning.msg
    with override_settings(PUBLIC_URL="http://[::1]:9000", ALLOWED_HOSTS=["[::1]"]):
        assert public_url_is_an_allowed_host(None) == []


@pytest.fixture
def mailing_server(transactional_db, tmp_path):
    env = {
        "DATABASE_URL": database_url(),
        "SEAT_STORE": "sql",
        "REDIS_URL": "",
        "EMBEDDED_REAPER": "false",
        "PUBLIC_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    server = LiveServer(env, workers=1).start()
    server.mail = tmp_path / "mail"
    yield server
    server.stop()


def test_email_links_point_at_the_server_that_sent_them(mailing_server, org_a, alice):
    url = mailing_server.url
    alice.set_password("a long and unusual passphrase 42")
    alice.save(update_fields=["password"])
    reset = httpx.post(f"{url}/api/v1/auth/password/reset", json={"email": alice.email})
    assert reset.status_code == 202
    access = RefreshToken.for_user(alice).access_token
    invite = httpx.post(
        f"{url}/api/v1/orgs/{org_a.slug}/invitations",
        json={"email": "newcomer@example.com", "role": "member"},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert invite.status_code == 201, invite.text
    mail = "".join(path.read_text() for path in sorted(mailing_server.mail.iterdir()))
    links = re.findall(r"https?://\S+", mail)
    paths = sorted(link.split("?")[0] for link in links)
    assert paths == [f"{url}/accept-invitation", f"{url}/reset-password"], links
