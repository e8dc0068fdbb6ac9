"""Acquire is rate limited per client IP and per license key: 429 ``rate_limited``."""

import uuid

import pytest
from rest_framework.test import APIClient

from core import ratelimit
from licenses.api.throttles import AcquireIpThrottle, AcquireKeyThrottle

pytestmark = [pytest.mark.sqlite, pytest.mark.usefixtures("one_rate_window")]


def an_ip() -> str:
    # A fresh address per test: counters outlive a test in a shared cache.
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def hit(key: str, ip: str, hwid: str = "box", **headers):
    return APIClient().post(
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": hwid},
        format="json",
        REMOTE_ADDR=ip,
        **headers,
    )


def assert_rate_limited(response):
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_it_limits_acquire_per_client_ip(monkeypatch, license_a):
    monkeypatch.setattr(AcquireIpThrottle, "rate", "3/hour")
    _, key = license_a(seats=10)
    ip = an_ip()
    codes = [hit(key, ip, f"m{i}").status_code for i in range(3)]
    assert codes == [201, 201, 201]
    assert_rate_limited(hit(key, ip, "m3"))
    # Another address has its own allowance, and a forged X-Forwarded-For is no way out.
    assert hit(key, an_ip(), "m3").status_code == 201
    assert_rate_limited(hit(key, ip, "m4", HTTP_X_FORWARDED_FOR="192.0.2.1"))


def test_it_limits_acquire_per_license_key(monkeypatch, license_a):
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "2/hour")
    _, key = license_a(seats=10)
    _, other_key = license_a(seats=10)
    assert hit(key, an_ip(), "a").status_code == 201
    assert hit(key, an_ip(), "b").status_code == 201
    assert_rate_limited(hit(key, an_ip(), "c"))  # from anywhere
    assert hit(other_key, an_ip(), "c").status_code == 201


def test_unknown_keys_are_limited_too(monkeypatch, db):
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "1/hour")
    guess = "lic_" + uuid.uuid4().hex
    assert hit(guess, an_ip()).status_code == 401
    assert_rate_limited(hit(guess, an_ip()))


def test_the_throttle_never_keys_by_the_raw_license_key(monkeypatch, license_a):
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "100/hour")
    seen: list[str] = []
    original = ratelimit.hit_many
    monkeypatch.setattr(
        ratelimit,
        "hit_many",
        lambda w, **kw: seen.extend(k for k, _ in w) or original(w, **kw),
    )
    _, key = license_a()
    hit(key, an_ip())
    assert len(seen) == 2
    assert all(key not in k and key[4:] not in k for k in seen)
    assert any(k.startswith("throttle:acquire_key:") for k in seen)


def test_bad_input_is_still_a_400_and_counts_by_ip(monkeypatch, db):
    monkeypatch.setattr(AcquireIpThrottle, "rate", "1/hour")
    ip = an_ip()
    bad = APIClient().post(
        "/api/v1/licenses/acquire", {"license_key": ["x"]}, format="json", REMOTE_ADDR=ip
    )
    assert bad.status_code == 400
    assert_rate_limited(hit("lic_x", ip))


def test_the_longest_wait_is_retry_after(monkeypatch, license_a):
    monkeypatch.setattr(AcquireIpThrottle, "rate", "1/s")
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "1/day")
    _, key = license_a()
    ip = an_ip()
    assert hit(key, ip, "a").status_code == 201
    refused = hit(key, ip, "b")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60  # the key's day, not the IP's second
