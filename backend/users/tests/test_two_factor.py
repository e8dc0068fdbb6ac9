"""Two-factor with an authenticator app and recovery codes, enforced at password login."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from tests.fixtures.world import client_for
from users.tests.conftest import PASSWORD

pytestmark = pytest.mark.sqlite

AUTH = "/api/v1/auth"


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def turn_on(user) -> tuple[str, list[str]]:
    """Two-factor on for ``user``: the app's secret and the recovery codes.

    Not in a 30 s step's last seconds: a code made just before a step ends and checked
    just after it matches one step back, and django-otp then records that drift, so the
    test's next code (made without the drift) would fall outside the window."""
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    client = client_for(user)
    setup = client.post(f"{AUTH}/two-factor/totp")
    assert setup.status_code == 201, setup.json()
    secret = setup.json()["secret"]
    confirmed = client.post(
        f"{AUTH}/two-factor/totp/confirm", {"code": code_for(secret)}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.json()
    return secret, confirmed.json()["recovery_codes"]


def password_step(email: str = "dana@example.com") -> str:
    answer = APIClient().post(
        f"{AUTH}/login", {"email": email, "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 401, answer.json()
    assert answer.json()["error"]["code"] == "two_factor_required"
    assert "access" not in answer.json()
    return answer.json()["error"]["details"]["mfa_token"]


def second_step(mfa_token: str, code: str):
    body = {"mfa_token": mfa_token, "code": code}
    return APIClient().post(f"{AUTH}/login/two-factor", body, format="json")


def test_setup_shows_a_qr_code_and_needs_a_first_code(db, dana):
    client = client_for(dana)
    setup = client.post(f"{AUTH}/two-factor/totp").json()
    assert setup["otpauth_url"].startswith("otpauth://totp/CODITECT")
    assert setup["qr_svg"].startswith("data:image/svg+xml")
    wrong = client.post(f"{AUTH}/two-factor/totp/confirm", {"code": "000000"}, format="json")
    assert wrong.json()["error"]["code"] == "invalid_two_factor_code"
    assert client.get(f"{AUTH}/two-factor").json()["enabled"] is False
    # Not in force yet: the password alone still signs in.
    login = {"email": dana.email, "password": PASSWORD}
    assert APIClient().post(f"{AUTH}/login", login, format="json").status_code == 200


def test_a_password_login_needs_the_second_factor_once_it_is_on(db, dana):
    secret, codes = turn_on(dana)
    assert len(codes) == 10 and len(set(codes)) == 10
    status = client_for(dana).get(f"{AUTH}/two-factor").json()
    assert status == {"enabled": True, "recovery_codes_left": 10, "required_by": []}

    answer = second_step(password_step(), code_for(secret, steps_ahead=1))
    assert answer.status_code == 200, answer.json()
    assert {"access", "refresh", "user"} <= answer.json().keys()


def test_a_wrong_code_is_refused_and_brute_force_is_slowed(db, dana):
    secret, _ = turn_on(dana)
    token = password_step()
    first = second_step(token, "123456" if code_for(secret) != "123456" else "654321")
    assert first.status_code == 401
    assert first.json()["error"]["code"] == "invalid_two_factor_code"
    # Right away, even the right code waits: the back-off doubles with each miss.
    throttled = second_step(token, code_for(secret, steps_ahead=1))
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "two_factor_throttled"
    assert throttled.json()["error"]["details"]["retry_after"] >= 1
    time.sleep(1.1)
    assert second_step(token, code_for(secret, steps_ahead=1)).status_code == 200


def test_a_code_works_once(db, dana):
    secret, _ = turn_on(dana)
    code = code_for(secret, steps_ahead=1)
    assert second_step(password_step(), code).status_code == 200
    again = second_step(password_step(), code)
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "invalid_two_factor_code"


def test_an_mfa_token_finishes_one_sign_in(db, dana):
    secret, _ = turn_on(dana)
    token = password_step()
    assert second_step(token, code_for(secret, steps_ahead=1)).status_code == 200
    reused = second_step(token, code_for(secret, steps_ahead=-1))
    assert reused.json()["error"]["code"] == "invalid_mfa_token"


def test_a_recovery_code_works_once(db, dana):
    _, codes = turn_on(dana)
    assert second_step(password_step(), codes[0].upper()).status_code == 200
    reused = second_step(password_step(), codes[0])
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_two_factor_code"
    assert client_for(dana).get(f"{AUTH}/two-factor").json()["recovery_codes_left"] == 9


def test_a_forged_or_stale_mfa_token_is_refused(db, dana, settings):
    secret, _ = turn_on(dana)
    forged = second_step(password_step()[:-3] + "abc", code_for(secret))
    assert forged.json()["error"]["code"] == "invalid_mfa_token"
    token = password_step()
    dana.set_password("a completely new password 7")
    dana.save(update_fields=["password"])
    stale = second_step(token, code_for(secret))
    assert stale.json()["error"]["code"] == "invalid_mfa_token"


def test_turning_it_off_needs_a_code(db, dana):
    _, codes = turn_on(dana)
    client = client_for(dana)
    refused = client.post(f"{AUTH}/two-factor/disable", {"code": "nope-nope"}, format="json")
    assert refused.status_code == 401
    time.sleep(1.1)
    assert (
        client.post(f"{AUTH}/two-factor/disable", {"code": codes[1]}, format="json").status_code
        == 204
    )
    login = {"email": dana.email, "password": PASSWORD}
    assert APIClient().post(f"{AUTH}/login", login, format="json").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(db, dana):
    secret, old = turn_on(dana)
    answer = client_for(dana).post(
        f"{AUTH}/two-factor/recovery-codes",
        {"code": code_for(secret, steps_ahead=1)},
        format="json",
    )
    new = answer.json()["recovery_codes"]
    assert set(new).isdisjoint(old)
    assert second_step(password_step(), old[0]).status_code == 401
    time.sleep(1.1)
    assert second_step(password_step(), new[0]).status_code == 200
