"""The CLI's device sign-in (RFC 8628) over HTTP: the CLI's two endpoints (Authlib),
the person's approval, and the sign-in it yields (a rotating, revocable family)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient

from tenants.models import Membership
from tests.fixtures.world import client_for
from users.device_flow import CLI_CLIENT_ID
from users.models import DeviceAuthorization, RefreshTokenFamily
from users.throttles import DeviceVerifyIpThrottle, DeviceVerifyPersonThrottle

GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Authlib speaks OAuth over TLS or loopback only (RFC 8252 §7.3): the test client's
# default host ("testserver") is neither.
LOOPBACK = {"HTTP_HOST": "localhost"}
DEVICE = {"hostname": "build-box", "platform": "Linux-6.1", "client_version": "1.4.0"}


def ask(**extra) -> dict:
    reply = APIClient().post(
        "/api/v1/auth/device/code", {"client_id": CLI_CLIENT_ID, **DEVICE, **extra}, **LOOPBACK
    )
    assert reply.status_code == 200, reply.content
    return reply.json()


def poll(device_code: str, client_id: str = CLI_CLIENT_ID):
    return APIClient().post(
        "/api/v1/auth/device/token",
        {"grant_type": GRANT, "device_code": device_code, "client_id": client_id},
        **LOOPBACK,
    )


def wait_out_the_interval(code: dict) -> None:
    """The next poll comes after the interval (no test sleeps it)."""
    DeviceAuthorization.objects.update(last_polled_at=timezone.now() - timedelta(seconds=60))


def decide(user, user_code: str, approve: bool = True):
    return client_for(user).post(
        "/api/v1/auth/device/decide", {"user_code": user_code, "approve": approve}, format="json"
    )


def test_the_cli_gets_a_device_sign_in_of_the_person_who_approved(db, bob, org_a):
    code = ask()
    assert set(code) >= {"device_code", "user_code", "verification_uri", "expires_in", "interval"}
    assert code["verification_uri"].endswith("/device")
    assert code["verification_uri_complete"].endswith(f"user_code={code['user_code']}")
    pending = poll(code["device_code"])
    assert pending.status_code == 400 and pending.json()["error"] == "authorization_pending"
    # Polling sooner than the interval: slow down, and the interval grows by five.
    slow = poll(code["device_code"])
    assert slow.json()["error"] == "slow_down"
    assert DeviceAuthorization.objects.get().interval == code["interval"] + 5

    shown = client_for(bob).post(
        "/api/v1/auth/device/lookup",
        {"user_code": code["user_code"].lower().replace("-", " ")},
        format="json",
    )
    assert shown.status_code == 200 and shown.json()["device_info"] == DEVICE
    assert decide(bob, code["user_code"]).status_code == 200

    wait_out_the_interval(code)
    granted = poll(code["device_code"])
    assert granted.status_code == 200, granted.content
    tokens = granted.json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    whoami = me.get("/api/v1/auth/me").json()
    assert whoami["email"] == bob.email
    assert [m["org"]["slug"] for m in whoami["memberships"]] == ["org-a"]
    family = RefreshTokenFamily.objects.get(user=bob)
    assert family.kind == "device" and family.device_info == DEVICE
    # The platform's own rotation.
    rotated = APIClient().post(
        "/api/v1/auth/refresh", {"refresh": tokens["refresh_token"]}, format="json"
    )
    assert rotated.status_code == 200
    # The codes are spent.
    assert poll(code["device_code"]).status_code == 400
    assert decide(bob, code["user_code"]).status_code == 404


def test_a_denied_request_gets_access_denied(db, bob):
    code = ask()
    assert decide(bob, code["user_code"], approve=False).status_code == 200
    reply = poll(code["device_code"])
    assert reply.status_code == 400 and reply.json()["error"] == "access_denied"
    assert not RefreshTokenFamily.objects.exists()


def test_an_expired_code_gets_expired_token(db, bob):
    code = ask()
    DeviceAuthorization.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert poll(code["device_code"]).json()["error"] == "expired_token"
    assert decide(bob, code["user_code"]).status_code == 404


def test_another_client_id_or_a_made_up_device_code_gets_nothing(db, bob):
    code = ask()
    decide(bob, code["user_code"])
    assert poll(code["device_code"], client_id="someone-else").status_code in (400, 401)
    assert poll("made-up").status_code == 400
    assert not RefreshTokenFamily.objects.exists()


def test_guessing_user_codes_is_rate_limited(db, bob, monkeypatch):
    monkeypatch.setattr(DeviceVerifyIpThrottle, "rate", "5/min")
    monkeypatch.setattr(DeviceVerifyPersonThrottle, "rate", "5/min")
    ask()
    client = client_for(bob)
    codes = [
        client.post("/api/v1/auth/device/lookup", {"user_code": f"BCDF-GHJ{c}"}, format="json")
        for c in "KLMNPQRS"
    ]
    assert [r.status_code for r in codes[:5]] == [404] * 5
    assert codes[5].status_code == 429
    assert codes[5].json()["error"]["code"] == "rate_limited"


def test_a_person_lists_and_revokes_their_device_sign_ins(db, bob):
    code = ask()
    decide(bob, code["user_code"])
    wait_out_the_interval(code)
    tokens = poll(code["device_code"]).json()
    listed = client_for(bob).get("/api/v1/auth/devices").json()
    assert [d["device_info"]["hostname"] for d in listed] == ["build-box"]
    assert client_for(bob).delete(f"/api/v1/auth/devices/{listed[0]['id']}").status_code == 204
    refused = APIClient().post(
        "/api/v1/auth/refresh", {"refresh": tokens["refresh_token"]}, format="json"
    )
    assert refused.status_code == 401


def test_someone_elses_device_sign_in_is_not_found(db, bob, charlie):
    code = ask()
    decide(bob, code["user_code"])
    wait_out_the_interval(code)
    poll(code["device_code"])
    family = RefreshTokenFamily.objects.get(user=bob)
    assert client_for(charlie).delete(f"/api/v1/auth/devices/{family.id}").status_code == 404
    assert RefreshTokenFamily.objects.get(user=bob).revoked_at is None


def test_an_admin_revokes_a_members_device_sign_ins_and_an_outsider_cannot(
    db, alice, bob, charlie, org_a, org_b
):
    code = ask()
    decide(bob, code["user_code"])
    wait_out_the_interval(code)
    poll(code["device_code"])
    path = f"/api/v1/orgs/{org_a.slug}/members/{bob.id}/devices/revoke"
    assert client_for(charlie).post(path).status_code == 404
    assert client_for(bob).post(path).status_code == 403
    assert RefreshTokenFamily.objects.get(user=bob).revoked_at is None
    reply = client_for(alice).post(path)
    assert reply.status_code == 200 and reply.json() == {"revoked": 1}
    assert RefreshTokenFamily.objects.get(user=bob).revoked_at is not None


@pytest.mark.django_db(transaction=True)
def test_removing_a_member_revokes_their_device_sign_ins(alice, bob, org_a):
    from core.actor import Actor
    from core.roles import Role
    from tenants.services import membership_remove

    code = ask()
    decide(bob, code["user_code"])
    wait_out_the_interval(code)
    poll(code["device_code"])
    with scope(org=org_a):
        membership_remove(
            membership=Membership.objects.get(user=bob),
            acting_user=alice,
            acting_role=Role.OWNER,
            actor=Actor.system_named("tests"),
        )
    family = RefreshTokenFamily.objects.get(user=bob)
    assert family.revoked_at is not None and family.revoke_reason == "member_removed"
