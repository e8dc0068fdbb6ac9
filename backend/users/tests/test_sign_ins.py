"""Refresh-token families: rotation, reuse detection and its leeway, and who stays signed in after a
password change (docs/auth.md)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models import F
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.fixtures.concurrency import race
from tests.fixtures.world import client_for
from users.models import RefreshTokenFamily, User
from users.tests.helpers import PASSWORD
from users.tokens import FamilyRefreshToken

pytestmark = pytest.mark.sqlite

AUTH = "/api/v1/auth"
NEW_PASSWORD = "a brand new passphrase 42"


def post(path: str, body: dict, client: APIClient | None = None):
    return (client or APIClient()).post(f"{AUTH}/{path}", body, format="json")


def sign_in(email: str = "dana@example.com", password: str = PASSWORD) -> dict:
    response = post("login", {"email": email, "password": password})
    assert response.status_code == 200
    return response.json()


def refresh(token: str) -> int:
    return post("refresh", {"refresh": token}).status_code


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def change_password(access: str):
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    return bearer(access).post(f"{AUTH}/password/change", body, format="json")


# Reuse detection ------------------------------------------------------------------


def after_the_leeway() -> None:
    """Every rotation so far happened longer ago than the reuse leeway."""
    RefreshTokenFamily.objects.update(
        rotated_at=F("rotated_at") - timedelta(seconds=settings.REFRESH_REUSE_LEEWAY_SECONDS + 1)
    )


def jti(raw: str) -> str:
    return FamilyRefreshToken(raw).jti


def test_reusing_a_rotated_refresh_token_ends_its_whole_family(dana):
    stolen = sign_in()["refresh"]
    successor = post("refresh", {"refresh": stolen}).json()["refresh"]
    after_the_leeway()
    reused = post("refresh", {"refresh": stolen})
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "invalid_refresh_token"
    # Whoever holds the successor (the thief or the owner) is signed out too.
    assert refresh(successor) == 401


def test_reuse_ends_one_family_and_leaves_the_users_other_sign_ins_alone(dana):
    laptop, phone = sign_in(), sign_in()
    post("refresh", {"refresh": laptop["refresh"]})
    after_the_leeway()
    assert refresh(laptop["refresh"]) == 401
    assert refresh(phone["refresh"]) == 200


def test_a_thief_who_rotates_first_is_signed_out_when_the_owner_comes_back(dana):
    owner = sign_in()["refresh"]
    thief = post("refresh", {"refresh": owner}).json()["refresh"]
    thief = post("refresh", {"refresh": thief}).json()["refresh"]
    assert refresh(owner) == 401
    assert refresh(thief) == 401


def test_a_rotation_whose_answer_was_lost_is_answered_again_within_the_leeway(dana):
    first = sign_in()["refresh"]
    lost = post("refresh", {"refresh": first}).json()
    again = post("refresh", {"refresh": first})
    assert again.status_code == 200
    # The same refresh token (jti and expiry) as the lost answer; a new access token.
    assert jti(again.json()["refresh"]) == jti(lost["refresh"])
    assert (
        FamilyRefreshToken(again.json()["refresh"]).expires_at
        == FamilyRefreshToken(lost["refresh"]).expires_at
    )
    assert bearer(again.json()["access"]).get(f"{AUTH}/me").status_code == 200
    # Either copy rotates once; then the token two rotations back is reuse at once.
    assert refresh(again.json()["refresh"]) == 200
    assert refresh(first) == 401
    assert refresh(lost["refresh"]) == 401


def test_the_leeway_forgives_only_the_token_the_last_rotation_traded_in(dana):
    first = sign_in()["refresh"]
    second = post("refresh", {"refresh": first}).json()["refresh"]
    third = post("refresh", {"refresh": second}).json()["refresh"]
    assert refresh(first) == 401
    assert refresh(third) == 401


def test_no_leeway_makes_any_reuse_end_the_family(dana, settings):
    settings.REFRESH_REUSE_LEEWAY_SECONDS = 0
    first = sign_in()["refresh"]
    second = post("refresh", {"refresh": first}).json()["refresh"]
    assert refresh(first) == 401
    assert refresh(second) == 401


def test_racing_refreshes_of_one_token_rotate_once_and_all_get_its_pair(transactional_db):
    User.objects.create_user("racer@example.com", PASSWORD)
    for _ in range(3):
        token = sign_in("racer@example.com")["refresh"]
        answers = race(lambda i, token=token: post("refresh", {"refresh": token}), 4)
        assert [answer.status_code for answer in answers] == [200] * 4
        # One rotation: the losers get the winner's refresh token, within the leeway.
        assert len({jti(answer.json()["refresh"]) for answer in answers}) == 1
        assert refresh(answers[0].json()["refresh"]) == 200
        assert refresh(answers[1].json()["refresh"]) == 200  # the leeway again
        assert refresh(token) == 401  # two rotations back: reuse
        assert refresh(answers[2].json()["refresh"]) == 401


def test_logout_with_any_token_of_a_family_ends_the_family(dana):
    first = sign_in()["refresh"]
    latest = post("refresh", {"refresh": first}).json()["refresh"]
    assert post("logout", {"refresh": first}).status_code == 204
    assert refresh(latest) == 401


def test_a_refresh_token_that_names_no_family_is_refused(dana):
    legacy = RefreshToken.for_user(dana)  # simplejwt's own: no family claim
    assert refresh(str(legacy)) == 401


def test_no_table_holds_a_refresh_token(dana):
    first = sign_in()
    rotated = post("refresh", {"refresh": first["refresh"]}).json()
    secrets = [first["refresh"], rotated["refresh"], first["access"], rotated["access"]]
    with scopes_disabled():
        for model in apps.get_models():
            for row in model._base_manager.values_list():
                cells = " ".join(str(cell) for cell in row)
                assert not any(secret in cells for secret in secrets), model


# Password change --------------------------------------------------------------------


def test_a_password_change_signs_out_every_other_device_and_keeps_this_one(dana):
    here, laptop, tablet = sign_in(), sign_in(), sign_in()
    tablet = post("refresh", {"refresh": tablet["refresh"]}).json()  # rotated once
    assert change_password(here["access"]).status_code == 204
    assert refresh(laptop["refresh"]) == 401
    assert refresh(tablet["refresh"]) == 401
    # This device keeps refreshing, across rotations.
    next_pair = post("refresh", {"refresh": here["refresh"]}).json()
    assert refresh(next_pair["refresh"]) == 200


def test_a_password_change_keeps_the_device_that_has_rotated_since_sign_in(dana):
    here = sign_in()
    other = sign_in()
    rotated = post("refresh", {"refresh": here["refresh"]}).json()
    assert change_password(rotated["access"]).status_code == 204
    assert refresh(other["refresh"]) == 401
    assert refresh(rotated["refresh"]) == 200


def test_a_password_change_leaves_other_users_signed_in(org_a, alice, bob):
    for person in (alice, bob):
        person.set_password(PASSWORD)
        person.save()
    alice_here, alice_there = sign_in("alice@a.example"), sign_in("alice@a.example")
    bob_tokens = sign_in("bob@a.example")
    assert change_password(alice_here["access"]).status_code == 204
    assert refresh(alice_there["refresh"]) == 401
    assert refresh(bob_tokens["refresh"]) == 200


def test_a_password_change_from_an_access_token_of_no_family_signs_out_everywhere(dana):
    laptop = sign_in()
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    response = client_for(dana).post(f"{AUTH}/password/change", body, format="json")
    assert response.status_code == 204
    assert refresh(laptop["refresh"]) == 401


def test_a_refused_password_change_signs_nobody_out(dana):
    here, laptop = sign_in(), sign_in()
    body = {"old_password": "not it", "new_password": NEW_PASSWORD}
    assert bearer(here["access"]).post(f"{AUTH}/password/change", body, "json").status_code == 400
    assert refresh(laptop["refresh"]) == 200


def test_a_password_reset_still_signs_out_every_device(dana):
    here, laptop = sign_in(), sign_in()
    dana.refresh_from_db()  # the reset token covers last_login, which signing in set
    body = {
        "uid": urlsafe_base64_encode(force_bytes(dana.pk)),
        "token": default_token_generator.make_token(dana),
        "new_password": NEW_PASSWORD,
    }
    assert post("password/reset/confirm", body).status_code == 204
    assert refresh(here["refresh"]) == 401
    assert refresh(laptop["refresh"]) == 401
