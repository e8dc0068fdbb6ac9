import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_scopes import scopes_disabled
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.fixtures.concurrency import race
from tests.fixtures.world import client_for
from users.models import User
from users.services import normalize_email
from users.tests.helpers import PASSWORD, mail_sent
from users.tokens import FamilyRefreshToken

pytestmark = pytest.mark.sqlite

AUTH = "/api/v1/auth"
NEW_PASSWORD = "a brand new passphrase 42"


def post(path: str, body: dict, client: APIClient | None = None):
    return (client or APIClient()).post(f"{AUTH}/{path}", body, format="json")


def login(email: str, password: str):
    return post("login", {"email": email, "password": password})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def error(response) -> dict:
    return response.json()["error"]


# Register ---------------------------------------------------------------------


def test_it_registers_a_user_and_signs_them_in(db):
    response = post("register", {"email": "Eve@Example.com", "password": PASSWORD, "name": "Eve"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"]["email"] == "eve@example.com"
    assert body["user"]["name"] == "Eve"
    assert body["user"]["memberships"] == []
    assert "password" not in response.content.decode()
    assert PASSWORD not in response.content.decode()
    me = bearer(body["access"]).get(f"{AUTH}/me")
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]
    assert User.objects.get(email="eve@example.com").password.startswith("argon2")


def test_it_refuses_a_registered_email_with_a_field_error_only(dana):
    response = post("register", {"email": "DANA@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    assert list(error(response)["details"]["fields"]) == ["email"]
    assert "Dana" not in response.content.decode()
    assert User.objects.filter(email__iexact="dana@example.com").count() == 1


@pytest.mark.parametrize("weak", ["password", "12345678901", "short"])
def test_it_refuses_a_weak_password(db, weak):
    response = post("register", {"email": "weak@example.com", "password": weak})
    assert response.status_code == 400
    assert "password" in error(response)["details"]["fields"]
    assert not User.objects.filter(email="weak@example.com").exists()


def test_it_refuses_a_password_like_the_email(db):
    response = post("register", {"email": "frankfurter@example.com", "password": "frankfurter"})
    assert response.status_code == 400
    assert "password" in error(response)["details"]["fields"]


def test_it_refuses_a_malformed_registration(db):
    response = post("register", {"email": "not-an-email"})
    assert response.status_code == 400
    assert {"email", "password"} <= set(error(response)["details"]["fields"])


# Login ------------------------------------------------------------------------


def test_it_signs_in_and_lists_the_users_organizations(org_a, alice):
    alice.set_password(PASSWORD)
    alice.save()
    response = login("Alice@A.example", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert {"access", "refresh", "user"} <= set(body)
    assert PASSWORD not in response.content.decode()
    assert body["user"]["memberships"] == [
        {"org": {"id": str(org_a.id), "slug": "org-a", "name": "Org A"}, "role": "owner"}
    ]
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(dana):
    wrong = login("dana@example.com", "not the password")
    unknown = login("nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error(wrong)["code"] == "invalid_credentials"


def test_an_inactive_user_cannot_sign_in(dana):
    dana.is_active = False
    dana.save()
    response = login("dana@example.com", PASSWORD)
    assert response.status_code == 401
    assert error(response)["code"] == "invalid_credentials"


# Refresh and logout -------------------------------------------------------------


def test_refresh_rotates_and_the_old_refresh_token_stops_working(dana):
    first = login("dana@example.com", PASSWORD).json()
    rotated = post("refresh", {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    pair = rotated.json()
    assert set(pair) == {"access", "refresh"} and pair["refresh"] != first["refresh"]
    assert bearer(pair["access"]).get(f"{AUTH}/me").status_code == 200
    assert post("refresh", {"refresh": pair["refresh"]}).status_code == 200
    reused = post("refresh", {"refresh": first["refresh"]})
    assert reused.status_code == 401
    assert error(reused)["code"] == "invalid_refresh_token"


def test_two_requests_racing_to_rotate_one_refresh_token_get_one_pair(transactional_db):
    user = User.objects.create_user("racer@example.com", PASSWORD)
    refresh = post("login", {"email": user.email, "password": PASSWORD}).json()["refresh"]
    answers = race(lambda i: post("refresh", {"refresh": refresh}), 4)
    assert [answer.status_code for answer in answers] == [200] * 4
    # One rotation; the losers are answered with its refresh token (the reuse leeway).
    assert len({FamilyRefreshToken(a.json()["refresh"]).jti for a in answers}) == 1


def test_logout_revokes_the_refresh_token(dana):
    tokens = login("dana@example.com", PASSWORD).json()
    response = post("logout", {"refresh": tokens["refresh"]})
    assert response.status_code == 204
    refused = post("refresh", {"refresh": tokens["refresh"]})
    assert refused.status_code == 401
    assert error(refused)["code"] == "invalid_refresh_token"
    assert post("logout", {"refresh": tokens["refresh"]}).status_code == 204


def test_logout_refuses_what_is_not_a_refresh_token(dana):
    tokens = login("dana@example.com", PASSWORD).json()
    for bogus in ["not-a-jwt", tokens["access"], tokens["refresh"][:-4] + "AAAA"]:
        response = post("logout", {"refresh": bogus})
        assert response.status_code == 401, bogus
        assert error(response)["code"] == "invalid_refresh_token"
        assert post("refresh", {"refresh": bogus}).status_code == 401
    assert post("refresh", {"refresh": tokens["refresh"]}).status_code == 200


def test_a_refresh_token_of_a_deactivated_user_is_refused(dana):
    tokens = login("dana@example.com", PASSWORD).json()
    dana.is_active = False
    dana.save()
    assert post("refresh", {"refresh": tokens["refresh"]}).status_code == 401


# The signed-in user ---------------------------------------------------------------


def test_me_updates_name_and_email(dana):
    api = client_for(dana)
    response = api.patch(f"{AUTH}/me", {"name": "Dana S.", "email": "D.S@Example.com"}, "json")
    assert response.status_code == 200
    assert response.json()["name"] == "Dana S." and response.json()["email"] == "d.s@example.com"
    assert login("d.s@example.com", PASSWORD).status_code == 200


def test_me_refuses_an_email_someone_else_has(dana, alice):
    response = client_for(dana).patch(f"{AUTH}/me", {"email": "alice@a.example"}, format="json")
    assert response.status_code == 400
    assert list(error(response)["details"]["fields"]) == ["email"]
    dana.refresh_from_db()
    assert dana.email == "dana@example.com"


def test_me_ignores_read_only_fields(dana):
    response = client_for(dana).patch(f"{AUTH}/me", {"id": "x", "is_staff": True}, format="json")
    assert response.status_code == 200
    dana.refresh_from_db()
    assert not dana.is_staff


def test_me_needs_a_signed_in_person(dana):
    assert client_for().get(f"{AUTH}/me").status_code == 401
    response = bearer("cot_" + "x" * 43).get(f"{AUTH}/me")
    assert response.status_code == 401


# Passwords ------------------------------------------------------------------------


def test_a_user_changes_their_password(dana):
    api = client_for(dana)
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert api.post(f"{AUTH}/password/change", body, format="json").status_code == 204
    assert login("dana@example.com", PASSWORD).status_code == 401
    assert login("dana@example.com", NEW_PASSWORD).status_code == 200


def test_a_wrong_old_password_is_a_field_error(dana):
    body = {"old_password": "guess", "new_password": NEW_PASSWORD}
    response = client_for(dana).post(f"{AUTH}/password/change", body, format="json")
    assert response.status_code == 400
    assert list(error(response)["details"]["fields"]) == ["old_password"]
    assert login("dana@example.com", PASSWORD).status_code == 200


def test_a_weak_new_password_is_a_field_error(dana):
    body = {"old_password": PASSWORD, "new_password": "123"}
    response = client_for(dana).post(f"{AUTH}/password/change", body, format="json")
    assert response.status_code == 400
    assert list(error(response)["details"]["fields"]) == ["new_password"]


def test_password_change_needs_a_signed_in_person(dana):
    body = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert post("password/change", body).status_code == 401


def reset_link_parts() -> tuple[str, dict[str, str]]:
    mail_sent()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = next(w for w in message.body.split() if w.startswith(settings.PUBLIC_URL))
    parts = urlsplit(link)
    return link, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_password_reset_end_to_end(dana):
    old_tokens = login("dana@example.com", PASSWORD).json()
    mail.outbox.clear()
    assert post("password/reset", {"email": "Dana@Example.com"}).status_code == 202
    mail_sent()
    assert mail.outbox[0].to == ["dana@example.com"]
    link, query = reset_link_parts()
    assert link.startswith(f"{settings.PUBLIC_URL}/reset-password?uid=")
    assert set(query) == {"uid", "token"}
    body = {**query, "new_password": NEW_PASSWORD}
    assert post("password/reset/confirm", body).status_code == 204
    assert login("dana@example.com", NEW_PASSWORD).status_code == 200
    assert login("dana@example.com", PASSWORD).status_code == 401
    # The link works once, and every session from before the reset is signed out.
    again = post("password/reset/confirm", {**query, "new_password": "yet another one 77"})
    assert again.status_code == 400 and error(again)["code"] == "invalid_reset_token"
    assert post("refresh", {"refresh": old_tokens["refresh"]}).status_code == 401


def test_password_reset_says_the_same_for_unknown_addresses(dana):
    known = post("password/reset", {"email": "dana@example.com"})
    unknown = post("password/reset", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    mail_sent()
    assert len(mail.outbox) == 1


def test_password_reset_sends_nothing_to_inactive_or_passwordless_users(dana, alice):
    dana.is_active = False
    dana.save()
    alice.set_unusable_password()
    alice.save()
    assert post("password/reset", {"email": "dana@example.com"}).status_code == 202
    assert post("password/reset", {"email": "alice@a.example"}).status_code == 202
    mail_sent()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "uid, token",
    [("garbage", "1-2"), ("", ""), ("Zm9v", "abc-def"), ("!!!", "x")],
)
def test_a_bad_reset_link_is_refused(dana, uid, token):
    response = post("password/reset/confirm", {"uid": uid, "token": token, "new_password": "x"})
    assert response.status_code == 400
    code = error(response)["code"]
    assert code == ("validation_error" if not uid else "invalid_reset_token")
    assert login("dana@example.com", PASSWORD).status_code == 200


def test_a_reset_token_for_another_user_is_refused(dana, alice):
    post("password/reset", {"email": "dana@example.com"})
    _, query = reset_link_parts()

    forged = {**query, "uid": urlsafe_base64_encode(force_bytes(alice.pk))}
    response = post("password/reset/confirm", {**forged, "new_password": NEW_PASSWORD})
    assert response.status_code == 400 and error(response)["code"] == "invalid_reset_token"


def test_a_weak_password_on_reset_is_a_field_error(dana):
    post("password/reset", {"email": "dana@example.com"})
    _, query = reset_link_parts()
    response = post("password/reset/confirm", {**query, "new_password": "dana"})
    assert response.status_code == 400
    assert list(error(response)["details"]["fields"]) == ["new_password"]
    # The link still works for a good password.
    body = {**query, "new_password": NEW_PASSWORD}
    assert post("password/reset/confirm", body).status_code == 204


def test_no_auth_flow_writes_a_secret_to_the_audit_log(org_a, alice):
    alice.set_password(PASSWORD)
    alice.save()
    tokens = login("alice@a.example", PASSWORD).json()
    api = bearer(tokens["access"])
    api.post(f"{AUTH}/password/change", {"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    post("password/reset", {"email": "alice@a.example"})
    rotated = post("refresh", {"refresh": tokens["refresh"]}).json()
    post("logout", {"refresh": rotated["refresh"]})
    with scopes_disabled():
        rows = [str(row) for row in AuditEvent.objects.values()]
    for secret in [PASSWORD, NEW_PASSWORD, tokens["refresh"], rotated["refresh"]]:
        assert not any(secret in row for row in rows)


# Password reset: an address with an account costs what one without costs -------------


def reset_trace(email: str) -> dict:
    """What one reset request did: its SQL (the address masked), the templates it rendered
    and the shape of the link it made."""
    rendered = []

    def on_render(sender, template, context, **kwargs):
        link = re.sub(r"uid=[\w-]+&token=\w+-\w+", "uid=U&token=T", context["link"])
        rendered.append((template.name, sorted(context.flatten()), link))

    template_rendered.connect(on_render)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = post("password/reset", {"email": email})
    finally:
        template_rendered.disconnect(on_render)
    assert response.status_code == 202
    # The rate limit's own count (in the database when Redis is not configured) is the
    # same work for every address; its savepoint names differ from call to call, and
    # its window's end is a clock reading (two calls may straddle a second), and now and
    # then it sweeps expired counters (work of the limiter, not of this address).
    sql = [
        re.sub(
            r"(:127\.0\.0\.1', \d+, )\d+",
            r"\1<expires>",
            re.sub(r'"s\d+_x\d+"', '"<savepoint>"', query["sql"]),
        ).replace(normalize_email(email), "<email>")
        for query in queries
        if not query["sql"].startswith('DELETE FROM "core_ratecounter"')
    ]
    return {"sql": sql, "rendered": rendered}


@pytest.mark.parametrize("case", ["unknown", "inactive", "passwordless"])
def test_a_reset_does_the_same_work_for_an_address_that_gets_no_email(dana, case):
    known = reset_trace("dana@example.com")
    if case == "inactive":
        dana.is_active = False
    if case == "passwordless":
        dana.set_unusable_password()
    dana.save()
    other = reset_trace("nobody@example.com" if case == "unknown" else "dana@example.com")
    assert other == known
    assert len(known["rendered"]) == 2  # subject and body, with a real link
    assert known["rendered"][1][2] == f"{settings.PUBLIC_URL}/reset-password?uid=U&token=T"


class ThreadRecordingBackend(BaseEmailBackend):
    """A mail server stand-in that notes which thread handed it each message."""

    sent: list[tuple[str, str]] = []

    def send_messages(self, messages) -> int:
        for message in messages:
            self.sent.append((threading.current_thread().name, message.to[0]))
        return len(messages)


def test_the_reset_email_leaves_from_outside_the_request(dana, settings):
    settings.EMAIL_BACKEND = f"{__name__}.ThreadRecordingBackend"
    ThreadRecordingBackend.sent.clear()
    request_thread = threading.current_thread().name
    assert post("password/reset", {"email": "dana@example.com"}).status_code == 202
    mail_sent()
    assert len(ThreadRecordingBackend.sent) == 1
    thread, to = ThreadRecordingBackend.sent[0]
    assert to == "dana@example.com" and thread != request_thread
