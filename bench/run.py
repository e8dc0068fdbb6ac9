"""`make bench`: the production stack on this machine, driven at 1, 8, 32, 128 clients.

Run: ``uv run --with matplotlib python bench/run.py`` (``BENCH_QUICK=1`` for a
run under two minutes). Writes ``bench/results/latest.json``,
``bench/RESULTS.md`` and the plots in ``bench/plots/``. See bench/README.md.
"""

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ceilings  # noqa: E402
import dashboard  # noqa: E402
import report  # noqa: E402
import waiters  # noqa: E402
from loadgen import LoadGen, RunResult  # noqa: E402
from seed import KEY_PREFIX, Seeder, session_line  # noqa: E402
from stack import BACKEND, REPO, Stack  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
LEVELS = [int(x) for x in os.environ.get("BENCH_LEVELS", "1,8,32,128").split(",")]
SECONDS = float(os.environ.get("BENCH_SECONDS", "2" if QUICK else "5"))
REPS = int(os.environ.get("BENCH_REPS", "1" if QUICK else "3"))
SCALE_SIZES = [
    int(x)
    for x in os.environ.get(
        "BENCH_SCALE_SIZES", "10000,100000" if QUICK else "10000,100000,1000000"
    ).split(",")
]
SCALE_LICENSES = int(os.environ.get("BENCH_SCALE_LICENSES", "1000"))
SCALE_CLIENTS = int(os.environ.get("BENCH_SCALE_CLIENTS", "32"))
USAGE_ROWS = int(os.environ.get("BENCH_USAGE_ROWS", "300000" if QUICK else "10000000"))
DASHBOARD_RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "6" if QUICK else "30"))
RS256_LEVELS = [32] if QUICK else LEVELS
ROOTS_LEVELS = [int(x) for x in os.environ.get("BENCH_ROOTS_LEVELS", "8,32").split(",")]
CERTIFY_SAMPLES = int(os.environ.get("BENCH_CERTIFY_SAMPLES", "20"))
# gunicorn_conf's defaults on this machine: two processes per core, two threads each.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WAIT_QUIET = float(os.environ.get("BENCH_WAIT_QUIET", "0"))
KEEP = os.environ.get("BENCH_KEEP", "") not in ("", "0")
KEEPALIVE = os.environ.get("BENCH_KEEPALIVE", "") not in ("", "0")
TIGHT_SEATS = 8
DRAIN_S = 0.3 if QUICK else 1.0
PHASES = os.environ.get("BENCH_PHASES", "ceilings,matrix,churn,rs256,scale,dashboard").split(",")
OPS = tuple(os.environ.get("BENCH_OPS", "healthz,heartbeat,acquire,release").split(","))


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def wait_for_quiet(limit: float) -> dict[str, Any]:
    """Poll the 1-minute load every 30 s until it is below 1.0, for ``limit`` seconds."""
    started = time.monotonic()
    seen = [loadavg()]
    while seen[-1] >= 1.0 and time.monotonic() - started < limit:
        log(f"load {seen[-1]:.2f}: waiting for a quiet machine")
        time.sleep(30)
        seen.append(loadavg())
    return {"waited_s": round(time.monotonic() - started), "load_at_start": seen[-1]}


def machine() -> dict[str, Any]:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in run("lscpu").splitlines() if "Model name" in ln),
        platform.processor(),
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    import django
    import gunicorn
    import redis

    git = run("git", "-C", str(REPO), "rev-parse", "--short", "HEAD")
    dirty = bool(run("git", "-C", str(REPO), "status", "--porcelain", "--", "backend"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "redis_py": redis.__version__,
        "redis_server": run("redis-server", "--version").split(" v=")[-1].split()[0],
        "postgresql": run("psql", "--version"),
        "wrk": run("wrk", "--version").splitlines()[0] if run("wrk", "--version") else "?",
        "git": f"{git}{' + uncommitted backend changes' if dirty else ''}",
        "backend_dir": str(BACKEND),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def pg_settings(db: Any) -> dict[str, str]:
    names = ("synchronous_commit", "fsync", "shared_buffers", "work_mem", "max_connections")
    return {n: db.execute(f"SHOW {n}").fetchone()[0] for n in names}


class Bench:
    def __init__(self) -> None:
        self.workdir = Path(os.environ.get("BENCH_WORKDIR", f"/tmp/coditect-bench-{os.getpid()}"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "data").mkdir(exist_ok=True)
        self.stack = Stack(self.workdir, workers=WORKERS, threads=THREADS)
        self.load = LoadGen(self.workdir)
        self.results: dict[str, Any] = {
            "config": {
                "quick": QUICK,
                "levels": LEVELS,
                "seconds": SECONDS,
                "reps": REPS,
                "scale_sizes": SCALE_SIZES,
                "scale_licenses": SCALE_LICENSES,
                "scale_clients": SCALE_CLIENTS,
                "usage_rows": USAGE_ROWS,
                "workers": WORKERS,
                "threads": THREADS,
                "load_generator": "wrk, 1 thread, taskset -c 1, closed loop, "
                + (
                    "keep-alive connections"
                    if KEEPALIVE
                    else "a new connection per request (Connection: close)"
                ),
                "server": "gunicorn gthread (backend/coditect_license/gunicorn_conf.py), "
                "unpinned: cores 0-1 shared with PostgreSQL and Redis",
            },
            "runs": [],
        }
        self.release_cursor = 0
        self.nonce = uuid.uuid4().hex[:8]

    # setup -------------------------------------------------------------------------

    def setup(self) -> None:
        log(f"work folder {self.workdir}; backend {BACKEND}")
        self.stack.start_redis()
        self.stack.create_database()
        self.stack.migrate()
        os.environ.update(self.stack.env())
        os.environ["DJANGO_SETTINGS_MODULE"] = "coditect_license.settings"
        sys.path.insert(0, str(BACKEND))
        import django

        django.setup()
        self.seeder = Seeder(
            self.stack.database_url, self.stack.redis_url, os.environ["SECRET_KEY"]
        )
        self.results["postgresql_settings"] = pg_settings(self.seeder.db)

    def seed_protocol(self) -> None:
        s = self.seeder
        self.hot = s.licenses("hot", "bench", 16, seats_total=1_000_000, ttl=3600)
        self.tight = s.licenses("tight", "bench", 1, seats_total=TIGHT_SEATS, ttl=3600)
        # The same as ``hot`` with the line on (issue 21): acquire with an empty line.
        self.hot_queue = s.licenses(
            "hotq", "bench", 16, seats_total=1_000_000, ttl=3600, queue=True
        )
        self.heartbeat_pool = 20_000
        per_run = int(max(4000, 1500 * SECONDS))
        self.release_pool = per_run * len(LEVELS) * REPS * 2 + per_run
        self.release_per_run = per_run
        started = time.monotonic()
        s.sessions(self.hot, "b0000001", 0, self.heartbeat_pool)
        s.sessions(self.hot, "b0000002", 0, self.release_pool)
        s.analyze()
        rebuild_s = s.rebuild(self.hot.ids)
        log(
            f"seeded {self.heartbeat_pool} heartbeat and {self.release_pool} release sessions "
            f"in {time.monotonic() - started:.1f}s (Redis rebuilt from them in {rebuild_s:.1f}s)"
        )
        self.keys_file = self.workdir / "hot-keys.txt"
        self.keys_file.write_text("\n".join(self.hot.keys) + "\n")
        self.queue_keys_file = self.workdir / "hotq-keys.txt"
        self.queue_keys_file.write_text("\n".join(self.hot_queue.keys) + "\n")
        self.budget_file = self.workdir / "budget-targets.txt"
        self.budget_file.write_text(
            "\n".join(f"{lid} {self.hot.org_id}" for lid in self.hot.ids) + "\n"
        )
        self.person = self.seed_person()
        self.tight_keys_file = self.workdir / "tight-keys.txt"
        self.tight_keys_file.write_text(self.tight.keys[0] + "\n")
        lines = [session_line(self.hot, "b0000001", g) for g in range(self.heartbeat_pool)]
        random.Random(1).shuffle(lines)
        self.heartbeat_file = self.workdir / "heartbeat-sessions.txt"
        self.heartbeat_file.write_text("\n".join(lines) + "\n")

    def seed_person(self) -> dict[str, str]:
        """A member of the hot licenses' organization, signed in (issue 17): their access
        token and the license they acquire, one of 1 M seats, open to every member."""
        from django_scopes import scopes_disabled

        from tenants.models import Membership
        from users.models import User
        from users.services import token_pair_issue

        with scopes_disabled():
            user = User.objects.create_user(f"bench-{self.nonce}@example.com", None)
            Membership.objects.create(org_id=self.hot.org_id, user=user, role="member")
        return {"token": token_pair_issue(user=user)["access"], "license_id": self.hot.ids[0]}

    # driving -------------------------------------------------------------------------

    def run_op(self, op: str, clients: int, seconds: float, **tags: Any) -> RunResult:
        url = self.stack.api_url
        if op == "healthz":
            spec = ("get.lua", {"path": "/healthz", "delay_ms": tags.pop("delay_ms", 0)})
        elif op == "heartbeat":
            spec = (
                "session.lua",
                {
                    "path": "/api/v1/licenses/heartbeat",
                    "sessions_file": str(self.heartbeat_file),
                    "delay_ms": tags.pop("delay_ms", 0),
                },
            )
        elif op == "release":
            first = self.release_cursor
            self.release_cursor += self.release_per_run
            if self.release_cursor > self.release_pool:
                self.release_cursor, first = self.release_per_run, 0
            path = self.workdir / "release-sessions.txt"
            path.write_text(
                "\n".join(
                    session_line(self.hot, "b0000002", g)
                    for g in range(first, first + self.release_per_run)
                )
                + "\n"
            )
            spec = ("session.lua", {"path": "/api/v1/licenses/release", "sessions_file": str(path)})
        elif op in ("acquire", "acquire_q"):
            keys_file = self.queue_keys_file if op == "acquire_q" else self.keys_file
            spec = ("acquire.lua", {"keys_file": str(tags.pop("keys_file", keys_file))})
            spec[1]["nonce"] = f"{self.nonce}-{len(self.results['runs'])}"
            if project := tags.get("project"):
                spec[1]["project"] = project
        elif op == "acquire_person":
            spec = (
                "person_acquire.lua",
                {**self.person, "nonce": f"{self.nonce}-{len(self.results['runs'])}"},
            )
        elif op == "budget":
            spec = ("budget.lua", {"targets_file": str(self.budget_file)})
        elif op == "churn":
            spec = (
                "churn.lua",
                {"keys_file": str(self.tight_keys_file), "nonce": f"{self.nonce}-churn"},
            )
        else:
            raise ValueError(op)
        spec[1]["close"] = not KEEPALIVE
        result = self.load.run(
            op,
            url,
            clients,
            seconds,
            op_file=spec[0],
            params=spec[1],
            server_pids=[*self.stack.api_pids(), self.stack.procs["redis"].pid],
        )
        row = {
            **asdict(result),
            "server_errors": result.server_errors,
            "socket_error_count": result.socket_error_count,
            **tags,
        }
        self.results["runs"].append(row)
        # wrk stops sending at the deadline, but the server still works off what it
        # had accepted: let it drain before the next point.
        time.sleep(DRAIN_S)
        lat = result.latency_ms
        log(
            f"{op:<9} c={clients:<3} {result.rps:8.0f} req/s  p50 {lat['p50']:6.2f}  "
            f"p95 {lat['p95']:6.2f}  p99 {lat['p99']:6.2f} ms  {result.statuses}  "
            f"wrk {result.wrk_cpu:.2f} cores, server {result.server_cpu:.2f}, "
            f"machine {result.machine_busy:.2f}, load {result.loadavg:.1f}  {tags}"
        )
        return result

    def warm_up(self, ops: tuple[str, ...]) -> None:
        for op in ops:
            self.load.run(
                op,
                self.stack.api_url,
                8,
                1,
                op_file="get.lua" if op == "healthz" else "acquire.lua",
                params={"path": "/healthz", "close": not KEEPALIVE}
                if op == "healthz"
                else {
                    "keys_file": str(self.keys_file),
                    "nonce": f"{self.nonce}-warm-{op}",
                    "close": not KEEPALIVE,
                },
                server_pids=[],
            )

    def token_header(self) -> dict[str, Any]:
        import base64

        import httpx

        reply = httpx.post(
            f"{self.stack.api_url}/api/v1/licenses/acquire",
            json={"license_key": self.hot.keys[0], "hardware_id": f"hw-probe-{uuid.uuid4()}"},
            timeout=30,
        )
        reply.raise_for_status()
        head = reply.json()["token"].split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        jwks = httpx.get(f"{self.stack.api_url}/.well-known/jwks.json", timeout=30).json()
        signer = next((k for k in jwks["keys"] if k.get("kid") == header.get("kid")), {})
        return {
            "token_alg": header.get("alg"),
            "signer_has_root_cert": "cert" in signer,
            "jwks_algs": sorted({k.get("alg") for k in jwks["keys"]}),
        }

    # phases ----------------------------------------------------------------------------

    def phase_ceilings(self) -> None:
        log("ceilings: token signing per algorithm (one core)")
        self.results["crypto"] = ceilings.crypto_ceiling(0.5 if QUICK else 2.0)
        for label, row in self.results["crypto"].items():
            log(f"  {label}: {row['per_second_cpu']:.0f} signatures/s per core")
        log("ceilings: seat store (redis-benchmark)")
        self.results["seat_store"] = ceilings.seat_store_ceiling(
            self.stack.redis_port, KEY_PREFIX, 50_000 if QUICK else 200_000
        )
        for label, rps in self.results["seat_store"].items():
            log(f"  {label}: {rps:.0f}/s")

    def phase_matrix(self) -> None:
        self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA", BENCH_BUDGET_ENDPOINT="1")
        self.warm_up(("healthz", "acquire"))
        self.results["eddsa_token"] = self.token_header()
        for rep in range(REPS):
            for clients in LEVELS:
                for op in OPS:
                    self.run_op(op, clients, SECONDS, phase="matrix", server="EdDSA", rep=rep)
        self.paced_heartbeat()
        self.results["ratios"] = paired_ratios(self.results["runs"])
        for name, row in self.results["ratios"].items():
            log(f"ratio {name}: {row}")

    def paced_heartbeat(self, clients: int = 32) -> None:
        """Heartbeat latency at 32 clients offering half the bare endpoint's peak rate.

        Closed-loop clients keep the server saturated, so their latency is
        clients / throughput (Little's law); paced clients show the latency at
        a load the server carries. The bare view, paced the same way, is the
        ceiling: the latency of any request at that rate on this machine
        (target: heartbeat p99 <= 1.5 x the bare view's, and < 20 ms).
        """
        peak = max((r["rps"] for r in self.results["runs"] if r["op"] == "healthz"), default=0.0)
        if not peak:
            return
        target = peak / 2
        delay_ms = max(1, round(clients / target * 1000 - 2))
        self.results["paced"] = {"clients": clients, "offered_rps": target, "delay_ms": delay_ms}
        for rep in range(REPS):
            for op in ("healthz", "heartbeat"):
                self.run_op(
                    op, clients, SECONDS, phase="paced", server="EdDSA", rep=rep, delay_ms=delay_ms
                )

    def phase_waiters(self) -> None:
        """50 waiters on a 2-seat license with a line (issue 21), over HTTP."""
        line = self.seeder.licenses("line", "bench", 1, seats_total=2, ttl=3600, queue=True)
        self.results["waiters"] = []
        for rep in range(REPS):
            row = waiters.run_waiters(self.stack.api_url, line.keys[0])
            self.results["waiters"].append(row)
            log(
                f"waiters rep {rep}: served {row['served']}/{row['waiters']}, in arrival order "
                f"{row['in_arrival_order']}, no overtaking {row['no_overtaking']}, "
                f"peak holders {row['peak_holders']}, "
                f"waits {row['wait_s']}, answers {row['statuses']}"
            )

    def phase_churn(self) -> None:
        """Clients fight over a license of 8 seats; a sampler watches the seat count."""
        import redis

        client = redis.Redis(port=self.stack.redis_port)
        key = f"{KEY_PREFIX}seats:{{{self.tight.ids[0]}}}"
        peak = {"redis": 0, "samples": 0}
        stop = threading.Event()

        def sample() -> None:
            deadline = time.monotonic() + SECONDS * 3 + 30
            while not stop.is_set() and time.monotonic() < deadline:
                peak["redis"] = max(peak["redis"], client.zcard(key))
                peak["samples"] += 1
                time.sleep(0.002)

        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        try:
            result = self.run_op("churn", 128, SECONDS * 2, phase="churn", server="EdDSA")
        finally:
            stop.set()
            watcher.join(timeout=10)
        self.results["churn"] = {
            "seats_total": TIGHT_SEATS,
            "clients": 128,
            "statuses": result.statuses,
            "peak_redis_members": peak["redis"],
            "redis_samples": peak["samples"],
        }
        log(f"churn: peak {peak['redis']} of {TIGHT_SEATS} seats over {peak['samples']} samples")

    def phase_rs256(self) -> None:
        self.stack.start_api(TOKEN_SIGNING_ALGORITHM="RS256")
        self.warm_up(("healthz", "acquire"))
        self.results["rs256_token"] = self.token_header()
        for rep in range(REPS):
            for clients in RS256_LEVELS:
                for op in ("healthz", "acquire"):
                    self.run_op(op, clients, SECONDS, phase="rs256", server="RS256+online", rep=rep)
        if not QUICK:
            self.stack.start_api(TOKEN_SIGNING_ALGORITHM="RS256", TOKEN_ONLINE_KEYS="0")
            self.warm_up(("acquire",))
            self.results["rs256_root_token"] = self.token_header()
            self.run_op("acquire", 32, SECONDS, phase="rs256-root", server="RS256 root only", rep=0)

    def phase_roots(self) -> None:
        """Acquire with the root in a file, in a PKCS#11 token (SoftHSM2) and in Cloud
        KMS (a local gRPC server): RS256 roots certifying online keys, paired in each
        rep; then the time each backend takes to certify a new online key."""
        from tests.fixtures.signing_roots import (
            PIN,
            RSA_LABEL,
            TOKEN_LABEL,
            init_softhsm,
            kms_version,
            serve_fake_kms,
        )

        hsm = init_softhsm(self.workdir / "softhsm")
        kms, kms_server = serve_fake_kms()
        common = {"TOKEN_SIGNING_ALGORITHM": "RS256", "TOKEN_ONLINE_KEYS": "1"}
        backends = {
            "file": {"SIGNING_BACKEND": "file"},
            "pkcs11": hsm.env(),
            "gcp-kms": {
                "SIGNING_BACKEND": "gcp-kms",
                "GCP_KMS_ENDPOINT": kms.endpoint,
                "GCP_KMS_INSECURE": "1",
                "GCP_KMS_KEY_VERSION": kms_version("root-pkcs1"),
            },
        }
        from licenses.models import SigningKey

        try:
            for rep in range(REPS):
                for name, env in backends.items():
                    # Each backend as on a fresh install: its configured root becomes the
                    # active one (otherwise the root on record, another backend's, wins).
                    SigningKey.objects.all().delete()
                    self.stack.start_api(**{**common, **env})
                    # Every worker certifies its online key on its first acquire (a root
                    # call, and for KMS the client library's first import): not measured.
                    self.warm_up(("acquire", "acquire", "acquire"))
                    for clients in ROOTS_LEVELS:
                        self.run_op(
                            "acquire", clients, SECONDS, phase="roots", server=name, rep=rep
                        )
            self.stack.stop_api()
            self.results["roots_certify_ms"] = self.certify_times(
                {
                    "file": {},
                    "pkcs11": {
                        "PKCS11_MODULE": hsm.module,
                        "PKCS11_TOKEN_LABEL": TOKEN_LABEL,
                        "PKCS11_PIN": PIN,
                        "PKCS11_KEY_LABEL": RSA_LABEL,
                    },
                    "gcp-kms": {
                        "GCP_KMS_ENDPOINT": kms.endpoint,
                        "GCP_KMS_INSECURE": True,
                        "GCP_KMS_KEY_VERSION": kms_version("root-pkcs1"),
                    },
                }
            )
            log(f"roots: certifying an online key, median ms {self.results['roots_certify_ms']}")
        finally:
            kms_server.stop(grace=None)

    def certify_times(self, backends: dict[str, dict[str, Any]]) -> dict[str, float]:
        """Median wall time of certifying one online key (the root's signature and the
        key's row), in this process, per backend."""
        from django.conf import settings

        from licenses import signing
        from licenses.models import SigningKey
        from licenses.signers import gcp_kms

        times: dict[str, float] = {}
        for name, overrides in backends.items():
            settings.TOKEN_ROOT_BACKEND = name
            settings.TOKEN_SIGNING_ALGORITHM = "RS256"
            for key, value in overrides.items():
                setattr(settings, key, value)
            gcp_kms.kms_client.cache_clear()
            signing.reset_signers()
            SigningKey.objects.all().delete()
            kid = signing.active_root_kid()
            samples = []
            for _ in range(CERTIFY_SAMPLES):
                started = time.perf_counter()
                signing._certify(kid)
                samples.append((time.perf_counter() - started) * 1000)
            times[name] = round(median(samples), 2)
        return times

    def phase_webhooks(self) -> None:
        """Acquire with no webhook endpoint vs five subscribed to ``session.*`` (each acquire
        then writes a ``session.started`` event in its transaction), paired per repetition
        in alternating order; then delivery throughput of one worker process."""
        from django_scopes import scopes_disabled

        from core.actor import Actor
        from tenants.models import Organization
        from webhooks import services as webhook_services
        from webhooks.models import WebhookEndpoint

        org_id = self.hot.org_id
        with scopes_disabled():
            org = Organization.objects.get(id=org_id)
            for n in range(5):
                webhook_services.endpoint_create(
                    org=org,
                    url=f"https://hooks{n}.bench.example/in",
                    event_types=["session.*"],
                    is_enabled=False,
                    actor=Actor.system_named("bench"),
                )
        # The API processes re-read an organization's subscriptions this often.
        settle = float(os.environ.get("EVENT_SUBSCRIPTIONS_CACHE_SECONDS", "5")) + 1.0
        clients = int(os.environ.get("BENCH_WEBHOOK_CLIENTS", "32"))
        pairs = []
        for rep in range(REPS):
            order = (0, 5) if rep % 2 == 0 else (5, 0)
            got = {}
            for endpoints in order:
                with scopes_disabled():
                    WebhookEndpoint.objects.filter(org_id=org_id).update(is_enabled=endpoints > 0)
                time.sleep(settle)
                got[endpoints] = self.run_op(
                    "acquire",
                    clients,
                    SECONDS,
                    phase="webhooks",
                    server="EdDSA",
                    rep=rep,
                    endpoints=endpoints,
                ).rps
            pairs.append({"rep": rep, "none": got[0], "five": got[5], "ratio": got[5] / got[0]})
            ratio = got[5] / got[0]
            log(f"webhooks: rep {rep}: {got[0]:.0f} vs {got[5]:.0f} acquires/s = {ratio:.3f}")
        self.results["webhooks"] = {
            "clients": clients,
            "pairs": pairs,
            "median_ratio": median([p["ratio"] for p in pairs]),
            "delivery": self.webhook_delivery_throughput(org_id),
        }
        log(f"webhooks: {self.results['webhooks']}")

    def webhook_delivery_throughput(self, org_id: str) -> dict[str, Any]:
        """Dispatch the outbox, then attempt deliveries one after another in this process
        (what one Celery worker process does per task, without the broker round trip)
        against a receiver in another process on loopback that answers 204."""
        from django.conf import settings
        from django_scopes import scopes_disabled

        from events.models import Event
        from webhooks import services as webhook_services
        from webhooks.models import WebhookEndpoint

        port = free_port()
        receiver = subprocess.Popen([sys.executable, "-c", RECEIVER.format(port=port)])
        try:
            time.sleep(1.0)
            settings.WEBHOOK_ALLOW_LOOPBACK = True
            with scopes_disabled():
                WebhookEndpoint.objects.filter(org_id=org_id).update(
                    is_enabled=True, url=f"http://127.0.0.1:{port}/in"
                )
                events = Event.objects.filter(org_id=org_id, dispatched_at__isnull=True).count()
            started = time.monotonic()
            ids: list[str] = []
            while batch := webhook_services.events_dispatch():
                ids += batch
            dispatch_s = time.monotonic() - started
            limit = int(os.environ.get("BENCH_WEBHOOK_DELIVERIES", "3000"))
            started, cpu = time.monotonic(), time.process_time()
            ok = 0
            for delivery_id in ids[:limit]:
                result = webhook_services.delivery_attempt(delivery_id)
                ok += bool(result and result.succeeded)
            deliver_s, deliver_cpu = time.monotonic() - started, time.process_time() - cpu
        finally:
            receiver.terminate()
            receiver.wait(timeout=10)
        attempted = min(limit, len(ids))
        return {
            "events": events,
            "deliveries_created": len(ids),
            "dispatch_s": round(dispatch_s, 3),
            "deliveries_per_s_dispatch": round(len(ids) / dispatch_s, 1) if dispatch_s else None,
            "attempted": attempted,
            "succeeded": ok,
            "deliveries_per_s_one_worker": round(attempted / deliver_s, 1) if deliver_s else None,
            # Less sensitive to a busy machine: the worker process's own CPU per delivery.
            "deliveries_per_cpu_s_one_worker": round(attempted / deliver_cpu, 1)
            if deliver_cpu
            else None,
        }

    def phase_policy(self) -> None:
        """Acquire on licenses with a seat policy (25 % overage, a reservation, and the
        asker's project capped) against plain acquire, paired: both in each repetition
        and level, alternating which goes first, on the same server."""
        s = self.seeder
        org_id = s.org("bench")
        reserved, capped = s.project(org_id, "reserved"), s.project(org_id, "capped")
        rules = [
            {"project": reserved, "slug": "reserved", "reserved": 1000, "cap": None},
            {"project": capped, "slug": "capped", "reserved": 0, "cap": 900_000},
        ]
        policy = s.licenses(
            "policy",
            "bench",
            16,
            seats_total=1_000_000,
            ttl=3600,
            overage=("percent", 25),
            project_seats=rules,
        )
        s.rebuild(policy.ids)
        keys_file = self.workdir / "policy-keys.txt"
        keys_file.write_text("\n".join(policy.keys) + "\n")
        if self.stack.procs.get("api") is None:
            self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA")
        self.warm_up(("healthz", "acquire"))
        kinds = {
            "plain": {"keys_file": self.keys_file},
            "policy": {"keys_file": keys_file, "project": "capped"},
        }
        for rep in range(REPS):
            for clients in LEVELS:
                order = ["plain", "policy"] if rep % 2 == 0 else ["policy", "plain"]
                for kind in order:
                    self.run_op(
                        "acquire",
                        clients,
                        SECONDS,
                        phase="policy",
                        server="EdDSA",
                        rep=rep,
                        policy=kind,
                        **kinds[kind],
                    )

    def phase_scale(self) -> None:
        from licenses import services

        s = self.seeder
        self.stack.stop_api()
        s.reset_sessions()
        self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA")
        self.scale = s.licenses("scale", "scale", SCALE_LICENSES, seats_total=100_000, ttl=3600)
        keys_file = self.workdir / "scale-keys.txt"
        keys_file.write_text("\n".join(self.scale.keys) + "\n")
        self.warm_up(("healthz",))
        self.results["scale"] = []
        seeded = 0
        for index, size in enumerate(SCALE_SIZES, start=1):
            started = time.monotonic()
            s.sessions(self.scale, "5ca1e000", seeded, size - seeded)
            seeded = size
            s.analyze()
            seed_s = time.monotonic() - started
            rebuild_s = s.rebuild(self.scale.ids)
            live = s.db.execute(
                "SELECT count(*) FROM licenses_session WHERE status = 'active'"
            ).fetchone()[0]
            log(
                f"scale: {size} sessions seeded ({live} live) in {seed_s:.1f}s, "
                f"Redis rebuilt from them in {rebuild_s:.1f}s"
            )
            # Heartbeats of sessions spread over all licenses (none of the reaped ones).
            rng = random.Random(size)
            sample = [g for g in (rng.randrange(size) for _ in range(30_000)) if g % 100 >= 10]
            hb_file = self.workdir / "scale-heartbeat-sessions.txt"
            hb_file.write_text(
                "\n".join(session_line(self.scale, "5ca1e000", g) for g in sample) + "\n"
            )
            self.heartbeat_file = hb_file
            # Unrecorded warm-up: the first heartbeats of a size touch cold pages.
            self.run_op("heartbeat", SCALE_CLIENTS, 1, phase="warm-up")
            self.results["runs"].pop()
            for rep in range(REPS):
                for op in ("heartbeat", "acquire"):
                    extra = {"keys_file": keys_file} if op == "acquire" else {}
                    self.run_op(
                        op, SCALE_CLIENTS, SECONDS, phase="scale", size=size, rep=rep, **extra
                    )
            # Reaper: first with nothing expired (its fixed cost at this size), then
            # with 1 % of the live sessions expired and the rest alive.
            from django.db import connection

            connection.close()
            services.heartbeats_flush(max_licenses=100_000)
            idle = services.sessions_reap()
            expired = s.expire_every(self.scale, "5ca1e000", index, size, 100)
            report_ = services.sessions_reap()
            row = {
                "reaper_idle_s": idle.seconds,
                "size": size,
                "live": live,
                "seed_s": seed_s,
                "rebuild_s": rebuild_s,
                "expired": expired,
                "reaper_s": report_.seconds,
                "reaper_checked": report_.checked,
                "reaper_reaped": report_.reaped,
                "reaper_flushed": report_.flushed,
            }
            self.results["scale"].append(row)
            log(
                f"reaper at {size}: {report_.reaped} of {expired} expired reaped "
                f"({report_.checked} checked) in {report_.seconds:.3f}s"
            )

    def phase_dashboard(self) -> None:
        db = self.seeder.db
        has_events = db.execute("SELECT to_regclass('analytics_seatevent') IS NOT NULL").fetchone()[
            0
        ]
        usage_s = rollup_s = None
        if has_events:
            log(f"dashboard: seeding {USAGE_ROWS} usage rows (analytics_seatevent)")
            usage_s = dashboard.seed_usage(db, self.scale.org_id, self.scale.ids, USAGE_ROWS)
            log(f"  seeded in {usage_s:.1f}s")
            has_rollup = db.execute(
                "SELECT to_regclass('analytics_usagehour') IS NOT NULL"
            ).fetchone()[0]
            if has_rollup:
                rollup_s = dashboard.rollup_usage(self.stack.env())
                log(f"  rolled up in {rollup_s:.1f}s")
        sessions = db.execute("SELECT count(*) FROM licenses_session").fetchone()[0]
        events = (
            db.execute("SELECT count(*) FROM analytics_seatevent").fetchone()[0]
            if has_events
            else 0
        )
        token = dashboard.api_token(db, self.scale.org_id, os.environ["SECRET_KEY"])
        queries = dashboard.measure(
            self.stack.api_url,
            token,
            "scale",
            self.scale.ids[0],
            DASHBOARD_RUNS,
            heavy_runs=1 if QUICK else 3,
        )
        for q in queries:
            if "error" in q:
                log(f"  {q['name']}: {q['error']}")
            else:
                log(f"  {q['name']}: p50 {q['p50_ms']:.1f} ms, p95 {q['p95_ms']:.1f} ms")
        self.results["dashboard"] = {
            "session_rows": sessions,
            "usage_rows": events,
            "usage_seed_s": usage_s,
            "usage_rollup_s": rollup_s,
            "queries": queries,
        }

    def phase_checks(self) -> None:
        """Over-allocation against Redis and PostgreSQL, for every license."""
        import redis

        db = self.seeder.db
        client = redis.Redis(port=self.stack.redis_port, decode_responses=True)
        sec, usec = client.time()
        now = sec + usec / 1e6
        rows = db.execute("SELECT id, seats_total FROM licenses_license").fetchall()
        pipe = client.pipeline(transaction=False)
        for lid, _ in rows:
            pipe.zcount(f"{KEY_PREFIX}seats:{{{lid}}}", f"({now}", "+inf")
        live_redis = pipe.execute()
        over_redis = [
            str(lid) for (lid, total), n in zip(rows, live_redis, strict=True) if n > total
        ]
        over_sql = db.execute(
            "SELECT l.id, l.seats_total, count(*) FROM licenses_session s "
            "JOIN licenses_license l ON l.id = s.license_id WHERE s.status = 'active' "
            "GROUP BY l.id, l.seats_total HAVING count(*) > l.seats_total"
        ).fetchall()
        tight_sql = db.execute(
            "SELECT count(*) FROM licenses_session WHERE license_id = %s AND status = 'active'",
            (self.tight.ids[0],),
        ).fetchone()[0]
        server_errors = sum(r["server_errors"] for r in self.results["runs"]) + sum(
            1
            for q in self.results.get("dashboard", {}).get("queries", [])
            if q.get("status", 200) >= 500
        )
        socket_errors = sum(r["socket_error_count"] for r in self.results["runs"])
        self.results["checks"] = {
            "licenses_checked": len(rows),
            "over_allocated_redis": over_redis,
            "over_allocated_sql": [str(r[0]) for r in over_sql],
            "tight_license_live_sql_at_end": tight_sql,
            "server_errors_5xx": server_errors,
            "socket_errors": socket_errors,
        }
        log(f"checks: {self.results['checks']}")

    # main ------------------------------------------------------------------------------

    def main(self) -> int:
        started = time.monotonic()
        self.results["quiet"] = wait_for_quiet(WAIT_QUIET) if WAIT_QUIET else {"waited_s": 0}
        self.results["machine"] = machine()
        self.results["loadavg_start"] = Path("/proc/loadavg").read_text().split()[:3]
        try:
            self.setup()
            self.seed_protocol()
            if "ceilings" in PHASES:
                self.phase_ceilings()
            if "matrix" in PHASES:
                self.phase_matrix()
            if "waiters" in PHASES:
                if self.stack.procs.get("api") is None:
                    self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA")
                self.phase_waiters()
            if "churn" in PHASES:
                if self.stack.procs.get("api") is None:
                    self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA")
                self.phase_churn()
            if "rs256" in PHASES:
                self.phase_rs256()
            if "roots" in PHASES:
                self.phase_roots()
            if "webhooks" in PHASES:
                if self.stack.procs.get("api") is None:
                    self.stack.start_api(TOKEN_SIGNING_ALGORITHM="EdDSA")
                    self.warm_up(("healthz", "acquire"))
                self.phase_webhooks()
            if "policy" in PHASES:
                self.phase_policy()
            if "scale" in PHASES:
                self.phase_scale()
                if "dashboard" in PHASES:
                    self.phase_dashboard()
            self.phase_checks()
        finally:
            self.stack.stop()
            try:
                from django.db import connections

                connections.close_all()
            except Exception as exc:  # Django never came up
                log(f"(no Django connections to close: {exc})")
            if hasattr(self, "seeder"):
                self.seeder.close()
            if not KEEP:
                self.stack.drop_database()
        self.results["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
        self.results["total_s"] = round(time.monotonic() - started)
        # BENCH_OUT_DIR: an experiment's results go there, not over bench/RESULTS.md.
        custom = os.environ.get("BENCH_OUT_DIR")
        out_dir = Path(custom) if custom else HERE / "results"
        out_dir.mkdir(parents=True, exist_ok=True)
        name = "latest-quick.json" if QUICK else "latest.json"
        (out_dir / name).write_text(json.dumps(self.results, indent=1, default=str))
        md = report.write(self.results, HERE, Path(custom) if custom else None)
        log(f"done in {self.results['total_s']}s: {md} and the plots beside it")
        return 0


RECEIVER = """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
ThreadingHTTPServer(("127.0.0.1", {port}), H).serve_forever()
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# (name, numerator op, denominator op): throughput ratios paired within a repetition and
# level of the matrix, the median over repetitions per level (issue 21's targets:
# acquire with the line on but empty >= 95 % of plain acquire; acquire >= 80 % of its
# budget, the bare endpoint doing one seat step, one insert, one signature).
RATIOS = (
    ("acquire_person / acquire", "acquire_person", "acquire"),
    ("acquire_queue_on / acquire", "acquire_q", "acquire"),
    ("acquire / budget", "acquire", "budget"),
    ("budget / healthz", "budget", "healthz"),
    ("heartbeat / healthz", "heartbeat", "healthz"),
)


def paired_ratios(runs: list[dict[str, Any]]) -> dict[str, Any]:
    matrix = [r for r in runs if r.get("phase") == "matrix"]
    by_point: dict[tuple[int, int], dict[str, float]] = {}
    for r in matrix:
        by_point.setdefault((r.get("rep", 0), r["clients"]), {})[r["op"]] = r["rps"]
    out: dict[str, Any] = {}
    for name, top, bottom in RATIOS:
        per_level: dict[int, list[float]] = {}
        for (_, clients), ops in by_point.items():
            if ops.get(top) and ops.get(bottom):
                per_level.setdefault(clients, []).append(ops[top] / ops[bottom])
        if per_level:
            out[name] = {c: round(median(v), 3) for c, v in sorted(per_level.items())}
    paced = [r for r in runs if r.get("phase") == "paced"]
    if paced:
        p99 = {
            op: median([r["latency_ms"]["p99"] for r in paced if r["op"] == op])
            for op in ("healthz", "heartbeat")
        }
        out["paced p99 ms (heartbeat, healthz, ratio)"] = (
            round(p99["heartbeat"], 2),
            round(p99["healthz"], 2),
            round(p99["heartbeat"] / p99["healthz"], 2) if p99["healthz"] else None,
        )
    return out


if __name__ == "__main__":
    sys.exit(Bench().main())
