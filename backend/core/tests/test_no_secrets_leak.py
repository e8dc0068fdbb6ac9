"""No secret appears in logs, error responses or the audit log after a full run.

The run signs up, creates an organization, a license and an API token, acquires,
heartbeats, rotates the key, fails logins and acquires on purpose, resets a
password, and logs out. Every log record (DEBUG and up, every logger), every
response body except the one that hands a secret out, and every audit row is
then searched for every secret seen.
"""

import json
import logging

import pytest
from django.conf import settings
from django.core import mail
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from audit.models import AuditEvent

pytestmark = pytest.mark.sqlite


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage() + " " + json.dumps(record.__dict__, default=str))


@pytest.fixture
def all_logs():
    handler = Collect()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def test_secrets_never_leak_into_logs_errors_or_the_audit_log(db, store_kind, all_logs):
    api = APIClient()
    secrets: set[str] = set()
    exposed: list[str] = []  # bodies that must not carry a secret

    def call(method, url, body=None, *, hands_out_secret=False, token=None):
        if token:
            api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = getattr(api, method)(url, body, format="json")
        if not hands_out_secret:
            exposed.append(response.content.decode(errors="replace"))
        return response

    password = "Correct-Horse-Battery-9"
    secrets.add(password)
    signup = call(
        "post",
        "/api/v1/auth/register",
        {"email": "leak@x.example", "password": password, "name": "Leak"},
        hands_out_secret=True,
    ).json()
    access, refresh = signup["access"], signup["refresh"]
    secrets |= {access, refresh}
    call("post", "/api/v1/orgs", {"name": "Leak Org", "slug": "leak"}, token=access)
    created = call(
        "post",
        "/api/v1/orgs/leak/licenses",
        {"name": "L", "seats_total": 1},
        hands_out_secret=True,
        token=access,
    ).json()
    key = created["license_key"]
    secrets.add(key)
    api_token = call(
        "post",
        "/api/v1/orgs/leak/api-tokens",
        {"name": "ci", "role": "admin"},
        hands_out_secret=True,
        token=access,
    ).json()["token"]
    secrets.add(api_token)
    api.credentials()
    seat = call(
        "post",
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": "hw"},
        hands_out_secret=True,
    ).json()
    secrets.add(seat["token"])
    session_proof = {"session_id": seat["session_id"], "session_secret": seat["session_secret"]}
    secrets.add(seat["session_secret"])
    call("post", "/api/v1/licenses/heartbeat", session_proof)
    call("get", "/api/v1/orgs/leak/sessions", token=access)
    call("get", f"/api/v1/orgs/leak/licenses/{created['license']['id']}/sessions", token=access)
    wrong = {**session_proof, "session_secret": seat["session_secret"][:-2] + "xx"}
    secrets.add(wrong["session_secret"])
    call("post", "/api/v1/licenses/heartbeat", wrong)
    call("post", "/api/v1/licenses/acquire", {"license_key": key, "hardware_id": "hw2"})
    call("post", "/api/v1/licenses/acquire", {"license_key": key + "x", "hardware_id": "hw"})
    call("post", "/api/v1/auth/login", {"email": "leak@x.example", "password": password + "!"})
    license_id = created["license"]["id"]
    rotated = call(
        "post",
        f"/api/v1/orgs/leak/licenses/{license_id}/rotate-key",
        {},
        hands_out_secret=True,
        token=access,
    ).json()["license_key"]
    secrets.add(rotated)
    call("get", "/api/v1/orgs/leak/licenses", token=api_token)
    call("post", "/api/v1/licenses/release", session_proof)
    call("post", "/api/v1/auth/password/reset", {"email": "leak@x.example"})
    call("post", "/api/v1/auth/logout", {"refresh": refresh})
    call("post", "/api/v1/auth/refresh", {"refresh": refresh})
    secrets.add(settings.SECRET_KEY)
    signing_pem = settings.DATA_DIR / "signing" / "eddsa.pem"
    if signing_pem.exists():
        secrets.add(signing_pem.read_text().split("-----")[2].strip())

    with scopes_disabled():
        audit = [
            json.dumps([e.before, e.after, e.target_id, e.action], default=str)
            for e in AuditEvent.objects.all()
        ]
    assert audit, "the run should have written audit rows"
    assert mail.outbox, "the reset email is the one place a reset link may appear"
    places = {"logs": all_logs.lines, "responses": exposed, "audit": audit}
    for where, texts in places.items():
        for text in texts:
            for secret in secrets:
                assert secret not in text, f"a secret leaked into {where}: {text[:200]}"
