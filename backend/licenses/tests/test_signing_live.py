"""The PKCS#11 root under load, through real HTTP against gunicorn (two processes):
a rotation while clients acquire and heartbeat breaks no token, and a token that
disappears makes acquire fail closed (503 signing_unavailable, nothing else) until it
comes back, with no restart."""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import httpx
import jwt
import pytest

from coditect_license_client.jwks import StaticJWKS
from coditect_license_client.verify import verify_token
from core.actor import Actor
from licenses.models import SigningKey
from licenses.services.signing_roots import signing_root_activate, signing_root_publish
from tests.fixtures.servers import LiveServer, database_url
from tests.fixtures.signing_roots import SoftHsm

pytestmark = pytest.mark.server

CLIENTS = 6


def root_of(token: str) -> str:
    return jwt.get_unverified_header(jwt.get_unverified_header(token)["kcert"])["kid"]


@pytest.fixture
def hsm_server(transactional_db, softhsm: SoftHsm, pkcs11_root) -> Iterator[Callable]:
    servers: list[LiveServer] = []

    def start(**env: str) -> LiveServer:
        server = LiveServer(
            softhsm.env(
                DATABASE_URL=database_url(),
                SEAT_STORE="sql",
                REDIS_URL="",
                EMBEDDED_REAPER="false",
                SIGNING_ROOT_REFRESH_SECONDS="1",
                **env,
            )
        ).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class Clients:
    """Machines that acquire (refreshing their token) and heartbeat until stopped."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.stop = threading.Event()
        self.statuses: Counter = Counter()
        self.refusals: list[dict] = []
        self.tokens: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(CLIENTS)]

    def run(self, i: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                body = {"license_key": self.key, "hardware_id": f"machine-{i}"}
                answer = client.post("/api/v1/licenses/acquire", json=body)
                with self.lock:
                    self.statuses[("acquire", answer.status_code)] += 1
                    if answer.status_code in (200, 201):
                        self.tokens.append(answer.json()["token"])
                    else:
                        self.refusals.append(
                            {**answer.json()["error"], "retry": answer.headers.get("Retry-After")}
                        )
                if answer.status_code in (200, 201):
                    seat = answer.json()
                    proof = {k: seat[k] for k in ("session_id", "session_secret")}
                    beat = client.post("/api/v1/licenses/heartbeat", json=proof)
                    with self.lock:
                        self.statuses[("heartbeat", beat.status_code)] += 1
                else:
                    time.sleep(0.05)

    def __enter__(self) -> "Clients":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_a_rotation_under_load_breaks_no_token(hsm_server, make_license, pkcs11_root):
    server = hsm_server()
    _, key = make_license(seats=CLIENTS, offline_grace=3600)
    snapshots: list[tuple[float, dict]] = []
    stop = threading.Event()

    def fetch_jwks() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                snapshots.append((time.time(), client.get("/.well-known/jwks.json").json()))
                time.sleep(0.2)

    fetcher = threading.Thread(target=fetch_jwks)
    with Clients(server.url, key) as clients:
        fetcher.start()
        time.sleep(1.5)
        pkcs11_root.SIGNING_ROOT_PUBLISH_SECONDS = 2
        nxt = signing_root_publish(actor=Actor.system_named("tests"))
        published_at = time.time()
        time.sleep(2.2)
        signing_root_activate(kid=nxt.kid, actor=Actor.system_named("tests"))
        wait_for(lambda: any(root_of(t) == nxt.kid for t in list(clients.tokens)), 20)
        time.sleep(1)
    stop.set()
    fetcher.join()

    allowed = {("acquire", 200), ("acquire", 201), ("heartbeat", 200)}
    assert set(clients.statuses) <= allowed, (clients.statuses, server.errors())
    roots = Counter(root_of(token) for token in clients.tokens)
    assert len(roots) == 2 and roots[nxt.kid] > 0, roots
    old_root = next(kid for kid in roots if kid != nxt.kid)
    # No token of the new root before it had been published for the whole period.
    activated = SigningKey.objects.get(kid=nxt.kid).activated_at.timestamp()
    for token in clients.tokens:
        if root_of(token) == nxt.kid:
            assert jwt.decode(token, options={"verify_signature": False})["iat"] >= int(activated)
    # Every JWKS fetched at any point holds the old root; every one fetched after the
    # publication also the new one: each verifies every token whose root it holds,
    # including tokens of online keys certified after it was fetched.
    distinct: dict[str, dict] = {}
    for fetched_at, document in snapshots:
        kids = {k["kid"] for k in document["keys"]}
        assert old_root in kids
        if fetched_at > published_at + 0.5:
            assert nxt.kid in kids
        distinct.setdefault(json.dumps(document, sort_keys=True), document)
    # Each distinct document once (they change only when a key is published).
    assert len(distinct) >= 2
    verified = Counter()
    for document in distinct.values():
        kids = {k["kid"] for k in document["keys"]}
        for token in clients.tokens:
            if root_of(token) in kids:
                verify_token(token, StaticJWKS(document), issuer="coditect-license")
                verified[root_of(token)] += 1
    assert verified[old_root] >= roots[old_root] * len(distinct)
    assert verified[nxt.kid] >= roots[nxt.kid]


def test_a_token_removed_under_load_fails_closed_and_recovers(hsm_server, make_license, softhsm):
    server = hsm_server(TOKEN_ONLINE_KEY_LIFETIME="6", SIGNING_RETRY_SECONDS="1")
    _, key = make_license(seats=CLIENTS, offline_grace=3600)

    with Clients(server.url, key) as clients:
        wait_for(lambda: len(clients.tokens) > 10, 20)
        away = softhsm.take_token_away()
        try:
            wait_for(lambda: clients.refusals, 20)
            # Each worker process says so once its own online key has run out.
            unready: list[httpx.Response] = []

            def readyz_refuses() -> bool:
                answer = httpx.get(f"{server.url}/readyz", timeout=30)
                unready.extend([answer] if answer.status_code == 503 else [])
                return bool(unready)

            wait_for(readyz_refuses, 20)
            assert "signer" in unready[0].json()["error"]["message"]
            time.sleep(1)
        finally:
            softhsm.put_token_back(away)
        served = len(clients.tokens)
        wait_for(lambda: len(clients.tokens) > served + 10, 20)
    assert httpx.get(f"{server.url}/readyz", timeout=30).status_code == 200

    allowed = {("acquire", 200), ("acquire", 201), ("acquire", 503), ("heartbeat", 200)}
    assert set(clients.statuses) <= allowed, (clients.statuses, server.errors())
    assert clients.statuses[("acquire", 503)] > 0
    assert {(r["code"], r["retry"]) for r in clients.refusals} == {("signing_unavailable", "5")}
    document = httpx.get(f"{server.url}/.well-known/jwks.json", timeout=30).json()
    for token in clients.tokens:
        verify_token(token, StaticJWKS(document), issuer="coditect-license")
    # One process all along: the workers recovered without a restart.
    assert server.process is not None and server.process.poll() is None
