"""Rotating the signing root: publish the next root, wait, move certification to it,
keep the old one published until its tokens have expired. Only platform operators."""

import jwt
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient

from coditect_license_client.jwks import StaticJWKS
from coditect_license_client.verify import verify_token
from core.actor import Actor
from core.secrets import new_secret, secret_digest
from licenses import services, signing
from licenses.errors import SigningRootNotReady, SigningRootRetired
from licenses.models import SigningKey
from licenses.services.signing_roots import (
    signing_root_activate,
    signing_root_publish,
    signing_root_rotate,
)
from tenants.models import ApiToken
from tests.fixtures.signing_roots import kms_version
from tests.fixtures.world import client_for, new_user

OPERATOR = Actor.system_named("tests")
# Certifying and retiring serialize on the root's row (select_for_update on PostgreSQL,
# the single writer on SQLite).
pytestmark = pytest.mark.sqlite


def jwks() -> dict:
    return APIClient().get("/.well-known/jwks.json").json()


def root_of(token: str) -> str:
    return jwt.get_unverified_header(jwt.get_unverified_header(token)["kcert"])["kid"]


def test_a_rotation_publishes_first_then_certifies_and_keeps_the_old_root(
    db, make_license, pkcs11_root
):
    pkcs11_root.SIGNING_ROOT_REFRESH_SECONDS = 0
    _, key = make_license(seats=5, offline_grace=3600)
    before = services.session_acquire(license_key=key, hardware_id="before").token
    old_root = root_of(before)

    pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 3600
    nxt = signing_root_publish(actor=OPERATOR)  # a new non-extractable key in the token
    assert nxt.state == "next" and nxt.backend == "pkcs11"
    assert nxt.reference.startswith("root-rsa-")
    published = jwks()
    assert nxt.kid in {k["kid"] for k in published["keys"]}
    # Published, not certifying: tokens still come from the old root.
    during = services.session_acquire(license_key=key, hardware_id="during").token
    assert root_of(during) == old_root
    with pytest.raises(SigningRootNotReady):
        signing_root_activate(kid=nxt.kid, actor=OPERATOR)

    pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 0
    signing_root_activate(kid=nxt.kid, actor=OPERATOR)
    after = services.session_acquire(license_key=key, hardware_id="after").token
    assert root_of(after) == nxt.kid

    old = SigningKey.objects.get(kid=old_root)
    assert old.state == "retired"
    online_ends = [
        k.verify_until for k in SigningKey.objects.filter(certified_by=old_root, role="online")
    ]
    assert online_ends and old.verify_until >= max(online_ends)
    # A JWKS fetched once the next root was published verifies all three tokens.
    for token, hwid in ((before, "before"), (during, "during"), (after, "after")):
        assert verify_token(token, StaticJWKS(published), hardware_id=hwid).hardware_id == hwid
    # A retired root never certifies again.
    with pytest.raises(SigningRootRetired):
        signing_root_activate(kid=old_root, actor=OPERATOR)


def test_a_retired_root_leaves_the_jwks_once_its_tokens_have_expired(db, make_license, pkcs11_root):
    pkcs11_root.SIGNING_ROOT_REFRESH_SECONDS = 0
    pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 0
    _, key = make_license()
    old_root = root_of(services.session_acquire(license_key=key, hardware_id="a").token)
    signing_root_rotate(actor=OPERATOR)
    old = SigningKey.objects.get(kid=old_root)
    assert old_root in {k["kid"] for k in jwks()["keys"]}
    SigningKey.objects.filter(kid=old_root).update(verify_until=timezone.now())
    SigningKey.objects.filter(certified_by=old_root).update(verify_until=timezone.now())
    kids = {k["kid"] for k in jwks()["keys"]}
    assert old_root not in kids
    assert old.state == "retired"


def test_the_command_rotates_a_file_root(db, make_license, settings, capsys):
    signing.reset_signers()
    settings.TOKEN_SIGNING_ALGORITHM = "ES256"
    settings.TOKEN_ONLINE_KEYS = True
    settings.SIGNING_ROOT_PUBLISH_SECONDS = 0
    settings.SIGNING_ROOT_REFRESH_SECONDS = 0
    _, key = make_license()
    first = root_of(services.session_acquire(license_key=key, hardware_id="a").token)
    call_command("signing_root", "rotate")
    second = root_of(services.session_acquire(license_key=key, hardware_id="b").token)
    assert first != second
    call_command("signing_root", "status")
    out = capsys.readouterr().out
    assert f"{second}  active" in out and f"{first}  retired" in out
    signing.reset_signers()


@pytest.fixture
def operator(db):
    return new_user("ops@platform.example", is_staff=True)


def test_a_platform_operator_rotates_through_the_api(db, make_license, pkcs11_root, operator):
    pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 3600
    client = client_for(operator)
    _, key = make_license()
    services.session_acquire(license_key=key, hardware_id="a")
    listed = client.get("/api/v1/platform/signing-roots")
    assert listed.status_code == 200 and [r["state"] for r in listed.json()] == ["active"]

    published = client.post("/api/v1/platform/signing-roots", {}, format="json")
    assert published.status_code == 201, published.content
    kid = published.json()["kid"]
    early = client.post(f"/api/v1/platform/signing-roots/{kid}/activate")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "signing_root_not_ready"
    assert "ready_at" in early.json()["error"]["details"]

    pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 0
    activated = client.post(f"/api/v1/platform/signing-roots/{kid}/activate")
    assert activated.status_code == 200 and activated.json()["state"] == "active"
    states = sorted(r["state"] for r in client.get("/api/v1/platform/signing-roots").json())
    assert states == ["active", "retired"]
    missing = client.post("/api/v1/platform/signing-roots/no-such-kid/activate")
    assert missing.status_code == 404


def test_tenants_never_touch_the_root(db, org_a, alice, bob, charlie):
    """An organization's owner, a member, an outsider, an owner's API token and nobody:
    none lists, publishes or activates a root."""
    raw = new_secret("cot_")
    with scope(org=org_a):
        ApiToken.objects.create(
            org=org_a, name="ci", role="owner", prefix=raw[:8], digest=secret_digest(raw)
        )
    callers = [client_for(alice), client_for(bob), client_for(charlie), client_for(api_token=raw)]
    for client in callers:
        assert client.get("/api/v1/platform/signing-roots").status_code == 403
        assert client.post("/api/v1/platform/signing-roots", {}).status_code == 403
        assert client.post("/api/v1/platform/signing-roots/x/activate").status_code == 403
    anonymous = APIClient()
    assert anonymous.get("/api/v1/platform/signing-roots").status_code == 401
    assert anonymous.post("/api/v1/platform/signing-roots", {}).status_code == 401
    assert not SigningKey.objects.filter(state="next").exists()


def test_a_restart_after_rotation_never_asks_the_retired_first_root(
    db, make_license, kms_root, fake_kms
):
    """GCP_KMS_KEY_VERSION still names the first root; once rotated away and its key
    version disabled, a fresh process signs with the active root all the same."""
    kms_root.SIGNING_ROOT_PUBLISH_SECONDS = 0
    kms_root.SIGNING_ROOT_REFRESH_SECONDS = 0
    _, key = make_license()
    first = root_of(services.session_acquire(license_key=key, hardware_id="a").token)
    second = signing_root_rotate(reference=kms_version("root-pkcs1"), actor=OPERATOR)
    disabled = fake_kms.keys.pop(kms_version("root-pss"))
    try:
        signing.reset_signers()  # a new process
        token = services.session_acquire(license_key=key, hardware_id="b").token
        assert root_of(token) == second.kid != first
        verify_token(token, StaticJWKS(jwks()), hardware_id="b")
    finally:
        fake_kms.keys[kms_version("root-pss")] = disabled


def test_a_configured_root_another_worker_recorded_but_not_yet_activated_becomes_active(db):
    """Two workers start on a database without an active root: one records the
    configured root (still ``next``) and is about to make it active when the other
    reads it. The other makes it active instead of refusing every acquire (503)."""
    signing.reset_signers()
    signing.active_root_kid()
    SigningKey.objects.filter(role=SigningKey.Role.ROOT).update(state=SigningKey.State.NEXT)
    signing.reset_signers()
    kid = signing.active_root_kid()
    assert SigningKey.objects.get(kid=kid).state == SigningKey.State.ACTIVE
