"""Heartbeat, release and acquire answer plain requests without DRF
(``licenses.api.fast_path``): the answer must be DRF's, byte for byte where time does
not enter, for every outcome.

A body sent as ``application/json; charset=utf-8`` takes DRF's path; the same body as
plain ``application/json`` takes the short one. Both go through the whole Django stack.
"""

import json
import uuid

import pytest
from django.test import Client

from core import ratelimit
from core.metrics import SEAT_ACQUIRE, SEAT_HEARTBEAT, SEAT_RELEASE
from licenses.api import fast_path
from licenses.api.throttles import AcquireKeyThrottle
from licenses.tests.helpers import acquire, proof
from users.services import token_pair_issue

PLAIN = "application/json"
VIA_DRF = "application/json; charset=utf-8"
# Headers that differ between any two answers.
_VARYING = {"Date", "X-Request-ID", "Content-Length"}


def post(path: str, body: object, content_type: str = PLAIN, **headers: str):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return Client().post(f"/api/v1/licenses/{path}", data, content_type=content_type, **headers)


def answer(response) -> tuple[int, object, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k not in _VARYING}
    return response.status_code, response.json(), headers


def counted(counter, result: str) -> float:
    return counter.labels(result=result)._value.get()


@pytest.mark.parametrize("path", ["heartbeat", "release"])
def test_a_success_is_drfs_answer(store_kind, make_license, path):
    _, key = make_license(seats=3)
    fast_seat, drf_seat = acquire(key, "a").json(), acquire(key, "b").json()
    counter = SEAT_HEARTBEAT if path == "heartbeat" else SEAT_RELEASE
    before = counted(counter, "ok")
    fast = answer(post(path, proof(fast_seat)))
    slow = answer(post(path, proof(drf_seat), VIA_DRF))
    assert counted(counter, "ok") == before + 2
    assert fast[0] == slow[0] == 200
    assert fast[2] == slow[2]
    assert fast[1]["session_id"] == fast_seat["session_id"]
    assert fast[1].keys() == slow[1].keys()
    if path == "heartbeat":
        assert fast[1]["heartbeat_interval"] == slow[1]["heartbeat_interval"]
    else:
        assert fast[1]["released"] is slow[1]["released"] is True


def refusals(seat: dict, ended: dict) -> list[dict]:
    return [
        {**proof(seat), "session_secret": "sks_" + "0" * 32 + ".guess"},
        {**proof(seat), "session_id": str(uuid.uuid4())},
        proof(ended),
    ]


@pytest.mark.parametrize("path", ["heartbeat", "release"])
def test_every_refusal_is_drfs_answer_counted_once(store_kind, make_license, path):
    _, key = make_license(seats=3)
    seat, ended = acquire(key, "a").json(), acquire(key, "b").json()
    assert post("release", proof(ended)).status_code == 200
    counter = SEAT_HEARTBEAT if path == "heartbeat" else SEAT_RELEASE
    for body in refusals(seat, ended):
        fast = post(path, body)
        code = fast.json()["error"]["code"] if fast.status_code != 200 else "ok"
        before = counted(counter, code)
        assert answer(post(path, body)) == answer(post(path, body, VIA_DRF)) == answer(fast)
        assert counted(counter, code) == before + 2


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ('{"session_id": "%s", "session_secret": "\\u0073ks"}', {}),
        ('{"session_id": "%s", "session_secret": " padded "}', {}),
        ('{"session_id": "%s", "session_secret": "caf\u00e9"}', {}),
        ('{"session_id": "%s", "session_secret": ""}', {}),
        ('{"session_id": "%s", "session_secret": 7}', {}),
        ('{"session_id": "%s"}', {}),
        ('{"session_id": "%s", "session_secret": "x", "session_secret": "y"}', {}),
        ('{"session_id": "%s", "session_secret": NaN}', {}),
        ('{"session_id": "%s", "session_secret": "x"', {}),
        ('["%s"]', {}),
        ('{"session_id": "%s", "session_secret": "sks_x"}', {"HTTP_ACCEPT": "text/html"}),
    ],
)
def test_what_the_short_path_leaves_gets_drfs_answer(store_kind, make_license, body, headers):
    _, key = make_license(seats=1)
    seat = acquire(key, "a").json()
    text = body % seat["session_id"]
    got = post("heartbeat", text.encode(), **headers)
    assert answer(got) == answer(post("heartbeat", text.encode(), VIA_DRF, **headers))
    assert got.status_code in (400, 401, 406)


def request_for(body: bytes, content_type: str = PLAIN, **meta: str):
    from django.test import RequestFactory

    return RequestFactory().post("/", body, content_type=content_type, **meta)


def test_the_short_path_takes_only_plain_requests():
    session_id = str(uuid.uuid4())
    plain = json.dumps({"session_id": session_id, "session_secret": "sks_a.b"}).encode()
    assert fast_path.plain_session_proof(request_for(plain)) == (session_id, "sks_a.b")
    upper = plain.replace(session_id.encode(), session_id.upper().encode())
    assert fast_path.plain_session_proof(request_for(upper)) == (session_id, "sks_a.b")
    assert fast_path.plain_session_proof(request_for(plain, HTTP_ACCEPT="*/*")) is not None
    for request in (
        request_for(plain, VIA_DRF),
        request_for(plain, "text/plain"),
        request_for(plain, HTTP_ACCEPT="text/html"),
        request_for(plain.replace(b"sks_a", b"\\u0073ks_a")),
        request_for(b'{"session_id": "x", "session_secret": "sks_a.b"}'),
        request_for(b"[]"),
    ):
        assert fast_path.plain_session_proof(request) is None


# --- acquire (by license key) ------------------------------------------------------

# Django's never_cache stamps Expires with the second it answers.
_ACQUIRE_VARYING = _VARYING | {"Expires"}


def acquire_answer(response) -> tuple[int, object, dict[str, str]]:
    assert "Expires" in response.headers
    headers = {k: v for k, v in response.headers.items() if k not in _ACQUIRE_VARYING}
    return response.status_code, response.json(), headers


def same_shape(fast: tuple, slow: tuple) -> None:
    assert fast[0] == slow[0]
    assert fast[2] == slow[2]
    assert fast[1].keys() == slow[1].keys()


def test_an_acquire_grant_renewal_and_place_in_line_are_drfs_answers(store_kind, make_license):
    _, key = make_license(seats=2, queue_enabled=True)
    for result, first, again in (("granted", "a", "b"), ("renewed", "a", "b")):
        before = counted(SEAT_ACQUIRE, result)
        fast = post("acquire", {"license_key": key, "hardware_id": first})
        slow = post("acquire", {"license_key": key, "hardware_id": again}, VIA_DRF)
        same_shape(acquire_answer(fast), acquire_answer(slow))
        assert fast.status_code == (201 if result == "granted" else 200)
        assert "no-store" in fast["Cache-Control"]
        assert counted(SEAT_ACQUIRE, result) == before + 2
    before = counted(SEAT_ACQUIRE, "queued")
    fast = post("acquire", {"license_key": key, "hardware_id": "c", "wait": True})
    slow = post("acquire", {"license_key": key, "hardware_id": "d", "wait": True}, VIA_DRF)
    # Retry-After grows with the place in line.
    fast_retry, slow_retry = fast["Retry-After"], slow["Retry-After"]
    del fast["Retry-After"], slow["Retry-After"]
    same_shape(acquire_answer(fast), acquire_answer(slow))
    assert fast.status_code == 202
    assert int(fast_retry) == fast.json()["retry_after"] <= int(slow_retry)
    assert (fast.json()["position"], slow.json()["position"]) == (1, 2)
    assert counted(SEAT_ACQUIRE, "queued") == before + 2


def test_every_acquire_refusal_is_drfs_answer_counted_once(store_kind, make_license):
    _, key = make_license(seats=1)
    assert post("acquire", {"license_key": key, "hardware_id": "holder"}).status_code == 201
    for body in (
        {"license_key": key, "hardware_id": "second"},
        {"license_key": "lic_" + uuid.uuid4().hex, "hardware_id": "x"},
        {"license_key": key},
        {"license_key": key, "hardware_id": "x", "client_info": "not an object"},
        {"license_key": key, "hardware_id": "x", "wait": "yes please"},
        {"license_key": key, "hardware_id": "x", "project": "no-such-project"},
    ):
        fast = post("acquire", body)
        code = fast.json()["error"]["code"]
        before = counted(SEAT_ACQUIRE, code)
        assert answer(post("acquire", body)) == answer(post("acquire", body, VIA_DRF))
        assert answer(fast) == answer(post("acquire", body, VIA_DRF))
        assert counted(SEAT_ACQUIRE, code) == before + 3
        assert fast.status_code in (400, 401, 409)


def test_a_throttled_short_acquire_is_drfs_429_and_counted_once(monkeypatch, make_license):
    counts: list[int] = []
    real = ratelimit.hit_many

    def recording(windows, **kwargs):
        got = real(windows, **kwargs)
        counts.append(got[0][-1])
        return got

    monkeypatch.setattr(ratelimit, "hit_many", recording)
    monkeypatch.setattr(AcquireKeyThrottle, "rate", "1/hour")
    _, key = make_license(seats=5)
    assert post("acquire", {"license_key": key, "hardware_id": "a"}).status_code == 201
    fast = post("acquire", {"license_key": key, "hardware_id": "b"})
    slow = post("acquire", {"license_key": key, "hardware_id": "c"}, VIA_DRF)
    assert fast.status_code == slow.status_code == 429
    assert fast.json() == slow.json()
    assert fast.headers.keys() == slow.headers.keys()
    # The key's window counted each of the three requests once.
    assert counts == [1, 2, 3]


def test_a_persons_acquire_and_its_refusals_are_drfs_answers(store_kind, org_a, bob, license_a):
    lic, _ = license_a(seats=2)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_pair_issue(user=bob)['access']}"}

    def body(machine: str) -> dict:
        return {"license_id": str(lic.id), "hardware_id": machine}

    before = counted(SEAT_ACQUIRE, "granted")
    fast = post("acquire", body("bob-laptop"), **bearer)
    slow = post("acquire", body("bob-desktop"), VIA_DRF, **bearer)
    assert fast.status_code == slow.status_code == 201
    same_shape(acquire_answer(fast), acquire_answer(slow))
    assert counted(SEAT_ACQUIRE, "granted") == before + 2
    for refused, headers in (
        (body("bob-tablet"), bearer),  # both seats are taken
        (body("bob-laptop"), {"HTTP_AUTHORIZATION": "Bearer not-a-token"}),
        ({"license_id": "not-a-uuid", "hardware_id": "x"}, bearer),
        ({"hardware_id": "x"}, bearer),  # no license named and none assigned
    ):
        answers = [
            post("acquire", refused, **headers),
            post("acquire", refused, VIA_DRF, **headers),
        ]
        assert answer(answers[0]) == answer(answers[1])
        assert answers[0].status_code in (400, 401, 409, 422)


def test_the_short_acquire_takes_only_plain_requests():
    plain = json.dumps({"license_key": "lic_x", "hardware_id": "h"}).encode()
    assert fast_path.plain_acquire(request_for(plain)) == {
        "license_key": "lic_x",
        "hardware_id": "h",
    }
    assert fast_path.plain_acquire(request_for(plain, HTTP_AUTHORIZATION="Bearer a")) is not None
    for request in (
        request_for(plain, VIA_DRF),
        request_for(plain, HTTP_ACCEPT="text/html"),
        request_for(plain.replace(b"lic_x", b"lic_\\u0078")),
        request_for(b"[]"),
    ):
        assert fast_path.plain_acquire(request) is None
