"""People on the seat path (issue 17): person-token acquire against license-key acquire,
paired in one run, and the dashboard's reads at 1 M session rows.

    uv run python bench/people_bench.py   # PEOPLE_* below

``make bench`` measures the throughput pairing too (``BENCH_OPS=…,acquire_person``,
ratio in RESULTS.md); this script adds the reads at 1 M session rows.

1. Throughput: one server (gunicorn, ``WEB_CONCURRENCY`` workers, PostgreSQL + Redis
   seat store), one wrk thread pinned to core 1; runs alternate key / person
   (``PEOPLE_ROUNDS`` pairs of ``PEOPLE_SECONDS`` each at ``PEOPLE_CLIENTS``
   connections, keep-alive off as in bench/run.py) so drift hits both alike. Each
   request takes a new seat (fresh hardware id) on a license of 1 M seats; the person
   is an open license's member (the common case: no assignment lock).
2. Scale: ``PEOPLE_ROWS`` session rows (default 1 M) of one organization, spread over
   200 people and 20 licenses; p95 of the first page of one person's sessions and of
   one license's (the dashboard's queries, through the selector), and the peak RSS
   of streaming the whole sessions CSV (``analytics.exports``).

Writes ``$BENCH_OUT_DIR/people.json`` (default var/bench-people).
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from loadgen import _script  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT_DIR", REPO / "var" / "bench-people"))
DB = os.environ.get("PEOPLE_DATABASE", "coditect_people_bench")
PG = os.environ.get("PEOPLE_PG", "postgres://postgres@127.0.0.1:5432")
# A Redis database of its own: it is emptied at start.
REDIS = os.environ.get("PEOPLE_REDIS", "redis://127.0.0.1:6379/9")
ROUNDS = int(os.environ.get("PEOPLE_ROUNDS", "3"))
SECONDS = int(os.environ.get("PEOPLE_SECONDS", "10"))
CLIENTS = int(os.environ.get("PEOPLE_CLIENTS", "16"))
ROWS = int(os.environ.get("PEOPLE_ROWS", "1000000"))
PORT = int(os.environ.get("PEOPLE_PORT", "18717"))


def env() -> dict[str, str]:
    data = OUT / "data"
    data.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS,
        "DATA_DIR": str(data),
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "ACCESS_LOG": "false",
        "ACCESS_TOKEN_MINUTES": "240",
        "THROTTLE_ACQUIRE_IP": "100000000/min",
        "THROTTLE_ACQUIRE_KEY": "100000000/min",
    }


def manage(*args: str, capture: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "backend" / "manage.py"), *args],
        env=env(),
        cwd=REPO,
        capture_output=capture,
        text=True,
        check=True,
    )
    return done.stdout or ""


SEED = """
import json, uuid
from django_scopes import scopes_disabled
from core.actor import Actor
from licenses.services import license_create
from tenants.models import Membership, Organization
from users.models import User
from users.services import token_pair_issue
with scopes_disabled():
    org = Organization.objects.create(name="Bench", slug="bench-" + uuid.uuid4().hex[:6])
    user = User.objects.create_user("bench-" + uuid.uuid4().hex[:6] + "@example.com", None)
    Membership.objects.create(org=org, user=user, role="member")
    lic, key = license_create(org=org, name="Bench", seats_total=1000000, heartbeat_ttl=3600,
                              actor=Actor.system_named("bench"))
print("SEED " + json.dumps({"key": key, "license_id": str(lic.id),
      "token": token_pair_issue(user=user)["access"], "org": str(org.id)}))
"""


def wrk(op_file: str, params: dict) -> dict:
    script = _script(OUT, op_file, {**params, "close": True, "threads": 1})
    done = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t", "1", "-c", str(CLIENTS), "-d", f"{SECONDS}s",
         "-s", str(script), f"http://127.0.0.1:{PORT}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def throughput(seed: dict) -> dict:
    server = subprocess.Popen(
        [sys.executable, str(REPO / "backend" / "manage.py"), "serve", "--host", "127.0.0.1",
         "--port", str(PORT)],
        env=env(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        keys = OUT / "keys.txt"
        keys.write_text(seed["key"] + "\n")
        runs: dict[str, list[dict]] = {"key": [], "person": []}
        nonce = uuid.uuid4().hex[:6]
        # Warm-up: both paths once (compiled statements, connections).
        wrk("acquire.lua", {"keys_file": str(keys), "nonce": nonce + "w"})
        wrk("person_acquire.lua", {**seed, "nonce": nonce + "v"})
        for r in range(ROUNDS):
            runs["key"].append(
                wrk("acquire.lua", {"keys_file": str(keys), "nonce": f"{nonce}k{r}"})
            )
            runs["person"].append(wrk("person_acquire.lua", {**seed, "nonce": f"{nonce}p{r}"}))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    ratios = [p["rps"] / k["rps"] for k, p in zip(runs["key"], runs["person"], strict=True)]
    return {
        "clients": CLIENTS,
        "seconds": SECONDS,
        "key_rps": [round(x["rps"], 1) for x in runs["key"]],
        "person_rps": [round(x["rps"], 1) for x in runs["person"]],
        "key_p95_ms": [x["latency_us"]["p95"] / 1000 for x in runs["key"]],
        "person_p95_ms": [x["latency_us"]["p95"] / 1000 for x in runs["person"]],
        "statuses": {
            "key": [x["statuses"] for x in runs["key"]],
            "person": [x["statuses"] for x in runs["person"]],
        },
        "paired_ratios": [round(x, 3) for x in ratios],
        "median_ratio": round(statistics.median(ratios), 3),
    }


SCALE = """
import json, resource, statistics, time
from django.db import connection
from django_scopes import scope, scopes_disabled
from analytics import exports
from licenses import selectors
from licenses.models import License, LicenseSession
from tenants.models import Organization
ROWS = __ROWS__
org = Organization.objects.get(id="__ORG__")
with scopes_disabled():
    lic = License.objects.filter(org=org).first()
from users.models import User
people = [User.objects.create_user(f"p{i}-__N__@example.com", None) for i in range(200)]
with scopes_disabled():
    from licenses.services import license_create
    from core.actor import Actor
    bench = Actor.system_named("bench")
    licenses = [lic] + [
        license_create(org=org, name=f"L{i}", seats_total=100, actor=bench)[0] for i in range(19)
    ]
t0 = time.monotonic()
with connection.cursor() as c:
    c.execute('''
      INSERT INTO licenses_session (id, org_id, license_id, user_id, hardware_id, client_instance,
        member, client_info, secret_digest, ip_address, status, started_at, last_heartbeat_at,
        heartbeat_count, expires_at, ended_at)
      SELECT gen_random_uuid(), %s, (%s::uuid[])[1 + g %% 20], (%s::uuid[])[1 + g %% 200],
        'hw-' || g, '', 'm-' || g, '{"hostname": "host"}'::jsonb, '', '10.0.0.1', 'released',
        now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval, 1,
        now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
      FROM generate_series(1, %s) g''',
      [str(org.id), [str(l.id) for l in licenses], [str(p.id) for p in people], ROWS])
    c.execute("ANALYZE licenses_session")
seeded = time.monotonic() - t0
def p95(fn, n=200):
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50_ms": round(times[n // 2], 2), "p95_ms": round(times[int(n * 0.95)], 2)}
with scope(org=org):
    person = p95(lambda: list(selectors.session_list(user_id=people[7].id)[:50]))
    one_license = p95(lambda: list(selectors.session_list(license_id=licenses[3].id)[:50]))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.monotonic(); lines = 0; size = 0
    for line in exports.sessions_csv(since=None, until=None):
        lines += 1; size += len(line)
    export_s = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("SCALE " + json.dumps({"rows": ROWS, "seed_s": round(seeded, 1),
      "person_sessions_page": person, "license_sessions_page": one_license,
      "csv_lines": lines, "csv_mb": round(size / 1e6, 1),
      "csv_seconds": round(export_s, 1), "rss_before_export_mb": round(before / 1024, 1),
      "rss_peak_after_export_mb": round(after / 1024, 1)}))
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"], check=True)
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True)
    manage("migrate", "--noinput")
    out = manage("shell", "-c", SEED)
    seed = json.loads(re.search(r"^SEED (.*)$", out, re.M).group(1))
    result: dict = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if os.environ.get("PEOPLE_SKIP_THROUGHPUT") != "1":
        result["acquire"] = throughput(
            {k: seed[k] for k in ("token", "license_id")} | {"key": seed["key"]}
        )
        print(json.dumps(result["acquire"], indent=1))
    if ROWS:
        script = (SCALE.replace("__ROWS__", str(ROWS)).replace("__ORG__", seed["org"])
                  .replace("__N__", uuid.uuid4().hex[:6]))  # fmt: skip
        out = manage("shell", "-c", script)
        result["scale"] = json.loads(re.search(r"^SCALE (.*)$", out, re.M).group(1))
        print(json.dumps(result["scale"], indent=1))
    (OUT / "people.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
