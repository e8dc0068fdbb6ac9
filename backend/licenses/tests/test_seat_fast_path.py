"""Heartbeat and release answer plain requests without DRF (``licenses.api.fast_path``):
the answer must be DRF's, byte for byte where time does not enter, for every outcome.

A body sent as ``application/json; charset=utf-8`` takes DRF's path; the same body as
plain ``application/json`` takes the short one. Both go through the whole Django stack.
"""

import json
import uuid

import pytest
from django.test import Client

from core.metrics import SEAT_HEARTBEAT, SEAT_RELEASE
from licenses.api import fast_path
from licenses.tests.helpers import acquire, proof

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
