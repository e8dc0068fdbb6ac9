import pytest
from rest_framework.test import APIClient

from users.tests.helpers import PASSWORD
from users.throttles import LoginThrottle, PasswordResetThrottle, RegisterThrottle

pytestmark = [pytest.mark.sqlite, pytest.mark.usefixtures("one_rate_window")]

AUTH = "/api/v1/auth"

ENDPOINTS = [
    (LoginThrottle, "login", {"email": "dana@example.com", "password": "wrong"}),
    (RegisterThrottle, "register", {"email": "dana@example.com", "password": PASSWORD}),
    (PasswordResetThrottle, "password/reset", {"email": "dana@example.com"}),
]


def hit(path: str, body: dict, ip: str = "203.0.113.7", **headers):
    return APIClient().post(f"{AUTH}/{path}", body, format="json", REMOTE_ADDR=ip, **headers)


@pytest.mark.parametrize("throttle, path, body", ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_it_answers_429_with_retry_after_past_the_rate(dana, monkeypatch, throttle, path, body):
    monkeypatch.setattr(throttle, "rate", "2/hour", raising=False)
    first, second = hit(path, body), hit(path, body)
    assert first.status_code != 429 and second.status_code != 429
    refused = hit(path, body)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Another client address has its own allowance.
    assert hit(path, body, ip="198.51.100.9").status_code != 429


def test_a_forged_forwarded_for_header_does_not_reset_the_count(dana, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "rate", "1/hour", raising=False)
    body = {"email": "dana@example.com", "password": "wrong"}
    assert hit("login", body, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 401
    assert hit("login", body, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429


def test_the_right_password_is_throttled_too(dana, monkeypatch):
    """Otherwise the 429 would tell a guesser which try was right."""
    monkeypatch.setattr(LoginThrottle, "rate", "1/hour", raising=False)
    hit("login", {"email": "dana@example.com", "password": "wrong"})
    assert hit("login", {"email": "dana@example.com", "password": PASSWORD}).status_code == 429
