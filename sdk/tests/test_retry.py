"""Retry behaviour of the transport, on an in-process httpx transport (the only
way to make a server answer 503/429 on demand; everything else runs against
the real server)."""

import time

import httpx
import pytest

from coditect_license_client.errors import (
    NoSeatsAvailable,
    RateLimited,
    SeatStoreUnavailable,
    ServerUnreachable,
)
from coditect_license_client.retry import RetryPolicy, parse_retry_after
from coditect_license_client.transport import Transport

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, deadline=5)


def scripted(*answers):
    """An httpx transport answering each request with the next of ``answers``."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(time.monotonic())
        answer = answers[min(len(calls), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def error(status, code, headers=None):
    return httpx.Response(status, json={"error": {"code": code, "message": code}}, headers=headers)


def test_backoff_grows_with_full_jitter_and_a_cap():
    policy = RetryPolicy(base_delay=1, max_delay=4)
    for n, ceiling in [(0, 1), (1, 2), (2, 4), (5, 4)]:
        delays = [policy.backoff(n) for _ in range(200)]
        assert min(delays) >= 0 and max(delays) <= ceiling
    assert policy.backoff(0, retry_after=3) >= 3


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("7") == 7
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_5xx_is_retried_until_it_succeeds():
    http, calls = scripted(
        error(503, "seat_store_unavailable"),
        httpx.Response(502),
        httpx.Response(200, json={"ok": 1}),
    )
    transport = Transport("http://127.0.0.1:9", retry=FAST, http_client=http)
    assert transport.request("GET", "/x") == (200, {"ok": 1})
    assert len(calls) == 3


def test_network_errors_are_retried_then_raised_as_unreachable():
    http, calls = scripted(httpx.ConnectError("refused"))
    transport = Transport("http://127.0.0.1:9", retry=FAST, http_client=http)
    with pytest.raises(ServerUnreachable):
        transport.request("GET", "/x")
    assert len(calls) == FAST.attempts


def test_the_last_transient_error_is_raised_typed():
    http, _ = scripted(error(503, "seat_store_unavailable"))
    with pytest.raises(SeatStoreUnavailable):
        Transport("http://127.0.0.1:9", retry=FAST, http_client=http).request("GET", "/x")


def test_429_waits_at_least_retry_after():
    http, calls = scripted(
        error(429, "rate_limited", {"Retry-After": "0.3"}), httpx.Response(200, json={})
    )
    Transport("http://127.0.0.1:9", retry=FAST, http_client=http).request("GET", "/x")
    assert calls[1] - calls[0] >= 0.29


def test_a_retry_after_beyond_the_deadline_gives_up_at_once():
    http, calls = scripted(error(429, "rate_limited", {"Retry-After": "30"}))
    policy = RetryPolicy(attempts=5, deadline=1)
    with pytest.raises(RateLimited) as caught:
        Transport("http://127.0.0.1:9", retry=policy, http_client=http).request("GET", "/x")
    assert caught.value.retry_after == 30 and len(calls) == 1


def test_refusals_are_not_retried():
    http, calls = scripted(error(409, "no_seats_available"))
    with pytest.raises(NoSeatsAvailable):
        Transport("http://127.0.0.1:9", retry=FAST, http_client=http).request("POST", "/x", {})
    assert len(calls) == 1
