"""The line's scenario over HTTP (issue 21): 50 waiters on a 2-seat license.

Two holders take both seats; 50 waiters join the line one after another (their
arrival order); then each seat changes hands one by one: whoever holds it keeps it
``hold_s`` and releases, and every waiter asks again when its ``retry_after`` says. The
report: the order seats were granted in, each waiter's wait (first ask to grant), the
most holders ever seen (must be 2) and the answers.

The order is seen by the clients, which note a grant when its answer arrives. When both
seats come free together, the first two waiters are both owed one and their answers may
arrive either way round: that is fair. Unfair is a waiter granted while one that arrived
``seats`` or more places ahead still waits (``no_overtaking``: must hold).
"""

import statistics
import threading
import time
import uuid
from typing import Any

import httpx


def run_waiters(
    api_url: str, license_key: str, *, waiters: int = 50, seats: int = 2, hold_s: float = 0.2
) -> dict[str, Any]:
    acquire = f"{api_url}/api/v1/licenses/acquire"
    release = f"{api_url}/api/v1/licenses/release"
    lock = threading.Lock()
    holding = {"now": 0, "peak": 0}
    granted: list[tuple[int, float]] = []
    statuses: dict[int, int] = {}
    nonce = uuid.uuid4().hex[:8]

    def count(status: int) -> None:
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def hold_then_release(client: httpx.Client, body: dict[str, Any]) -> None:
        with lock:
            holding["now"] += 1
            holding["peak"] = max(holding["peak"], holding["now"])
        time.sleep(hold_s)
        with lock:
            holding["now"] -= 1
        proof = {"session_id": body["session_id"], "session_secret": body["session_secret"]}
        client.post(release, json=proof).raise_for_status()

    with httpx.Client(timeout=30) as client:
        holders = []
        for i in range(seats):
            reply = client.post(
                acquire, json={"license_key": license_key, "hardware_id": f"h-{nonce}-{i}"}
            )
            reply.raise_for_status()
            holders.append(reply.json())
            with lock:
                holding["now"] += 1
                holding["peak"] = max(holding["peak"], holding["now"])
        joined = threading.Barrier(waiters + 1)
        started = [0.0] * waiters

        def waiter(i: int) -> None:
            body = {"license_key": license_key, "hardware_id": f"w-{nonce}-{i:02d}", "wait": True}
            with httpx.Client(timeout=30) as own:
                # Arrival order: waiter i joins only after waiter i - 1 has.
                while True:
                    with lock:
                        if len(arrived) == i:
                            break
                    time.sleep(0.001)
                started[i] = time.monotonic()
                reply = own.post(acquire, json=body)
                count(reply.status_code)
                with lock:
                    arrived.append(i)
                joined.wait()
                while reply.status_code == 202:
                    time.sleep(float(reply.json()["retry_after"]))
                    reply = own.post(acquire, json=body)
                    count(reply.status_code)
                reply.raise_for_status()
                with lock:
                    granted.append((i, time.monotonic() - started[i]))
                hold_then_release(own, reply.json())

        arrived: list[int] = []
        threads = [threading.Thread(target=waiter, args=(i,)) for i in range(waiters)]
        for t in threads:
            t.start()
        joined.wait()
        for body in holders:
            time.sleep(hold_s)
            with lock:
                holding["now"] -= 1
            proof = {"session_id": body["session_id"], "session_secret": body["session_secret"]}
            client.post(release, json=proof).raise_for_status()
        for t in threads:
            t.join(timeout=600)
    order = [i for i, _ in granted]
    waits = sorted(w for _, w in granted)
    return {
        "waiters": waiters,
        "seats": seats,
        "hold_s": hold_s,
        "served": len(granted),
        "in_arrival_order": order == sorted(order) and len(order) == waiters,
        "no_overtaking": len(order) == waiters and all(i < k + seats for k, i in enumerate(order)),
        "grant_order": order,
        "peak_holders": holding["peak"],
        "wait_s": {
            "p50": round(statistics.median(waits), 2) if waits else None,
            "p95": round(waits[int(0.95 * (len(waits) - 1))], 2) if waits else None,
            "max": round(waits[-1], 2) if waits else None,
            "first": round(granted[0][1], 2) if granted else None,
        },
        "statuses": statuses,
    }
