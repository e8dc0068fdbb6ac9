"""Ceilings the seat protocol is measured against (besides /healthz, the framework's).

- crypto: license tokens signed per second on one core, per algorithm, with the
  project's own ``Signer`` and the claims ``licenses.services`` signs.
- seat store: the seat Lua scripts run by ``redis-benchmark`` (C client,
  pipelined) against the bench's Redis, and the heartbeat's one script call
  sent by redis-py in pipelines of 100, as an API process would send it.
"""

import subprocess
import time
import uuid
from typing import Any

import redis


def crypto_ceiling(seconds: float) -> dict[str, dict[str, float]]:
    """Signatures per second on one core (this process), per algorithm."""
    from licenses.signing import Signer, generate_private_key

    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "coditect-license",
        "sub": str(uuid.uuid4()),
        "lic": str(uuid.uuid4()),
        "org": str(uuid.uuid4()),
        "hwid": "hw-0123456789abcdef",
        "seats": 100,
        "iat": now,
        "exp": now + 86400,
        "lic_exp": None,
    }
    out = {}
    for label, algorithm in (
        ("EdDSA (Ed25519)", "EdDSA"),
        ("RS256 (RSA-4096)", "RS256"),
        ("PS256 (RSA-4096)", "PS256"),
    ):
        signer = Signer("bench", algorithm, generate_private_key(algorithm))
        signer.sign(claims)
        n, started, cpu = 0, time.perf_counter(), time.process_time()
        deadline = started + seconds
        while time.perf_counter() < deadline and n < 1_000_000:
            signer.sign(claims)
            n += 1
        wall = time.perf_counter() - started
        used = time.process_time() - cpu
        out[label] = {
            "algorithm": algorithm,
            "signs": n,
            "per_second_wall": n / wall,
            "per_second_cpu": n / used if used else 0.0,
            "ms_cpu_each": used / n * 1000,
        }
    return out


def _redis_benchmark(port: int, requests: int, command: list[str]) -> float:
    proc = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "redis-benchmark",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-n",
            str(requests),
            "-c",
            "8",
            "-P",
            "16",
            "-r",
            "100000000",
            "--csv",
            *command,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # "test","rps",...  then one row per test
    rows = [ln for ln in proc.stdout.splitlines() if ln and not ln.startswith('"test"')]
    return float(rows[-1].split(",")[1].strip('"'))


def seat_store_ceiling(port: int, prefix: str, requests: int) -> dict[str, float]:
    """Operations per second of the seat scripts, with Redis as the only limit."""
    from licenses.seatstore import lua
    from licenses.seatstore.base import SeatTerms
    from licenses.seatstore.redis_store import RedisSeatStore
    from licenses.session_secrets import session_secret_digest, session_secret_new

    client = redis.Redis(port=port, decode_responses=True)
    # The store's own key names: the scripts are run with the keys the API gives them.
    store = RedisSeatStore(client, prefix=prefix, seat_loader=lambda _license_id: [])
    license_id = str(uuid.uuid4())
    keys = [*store.seat_keys(license_id), store.dirty_key]
    client.set(keys[2], "1")
    sha_acquire = client.script_load(lua.ACQUIRE)
    sha_heartbeat = client.script_load(lua.HEARTBEAT)
    holder = str(uuid.uuid4())
    digest = session_secret_digest(session_secret_new(license_id))
    nkeys = str(len(keys))
    terms = SeatTerms(seats_total=100_000_000).as_json()
    # One live member for the heartbeat script to extend.
    client.evalsha(
        sha_acquire, len(keys), *keys, "hw-beat", holder, 3600, digest, license_id, terms
    )
    out = {}
    try:
        out["acquire script (new member each call), redis-benchmark -P16 -c8"] = _redis_benchmark(
            port,
            requests,
            [
                "EVALSHA",
                sha_acquire,
                nkeys,
                *keys,
                "hw-__rand_int__",
                "h-__rand_int__",
                "3600",
                digest,
                license_id,
                terms,
            ],
        )
        # The same with a seat policy: 25 % overage, a project's reservation, and the
        # asker's project capped (licenses.seat_policy), on a license of its own.
        policy_id = str(uuid.uuid4())
        policy_keys = [*store.seat_keys(policy_id), store.dirty_key]
        client.set(policy_keys[2], "1")
        policy_terms = SeatTerms(
            seats_total=100_000_000,
            allowance=25_000_000,
            project="capped",
            reserved={"reserved": 1000},
            cap=90_000_000,
        ).as_json()
        out["acquire script with overage, reservation, cap, redis-benchmark -P16 -c8"] = (
            _redis_benchmark(
                port,
                requests,
                [
                    "EVALSHA",
                    sha_acquire,
                    nkeys,
                    *policy_keys,
                    "hw-__rand_int__",
                    "h-__rand_int__",
                    "3600",
                    digest,
                    policy_id,
                    policy_terms,
                ],
            )
        )
        out["heartbeat script, redis-benchmark -P16 -c8"] = _redis_benchmark(
            port, requests, ["EVALSHA", sha_heartbeat, nkeys, *keys, holder, digest, license_id]
        )
        # What an API process sends per heartbeat: the one script (the secret names
        # the license; the script checks the digest and marks the license dirty).
        script = client.register_script(lua.HEARTBEAT)
        n, started = 0, time.perf_counter()
        deadline = started + 2.0
        while time.perf_counter() < deadline and n < 2_000_000:
            pipe = client.pipeline(transaction=False)
            for _ in range(100):
                script(keys=keys, args=[holder, digest, license_id], client=pipe)
            pipe.execute()
            n += 100
        label = "heartbeat as an API process sends it (one script call), redis-py pipeline of 100"
        out[label] = n / (time.perf_counter() - started)
    finally:
        client.delete(*keys[:-1])
        client.srem(store.dirty_key, license_id)
        client.close()
    return out
