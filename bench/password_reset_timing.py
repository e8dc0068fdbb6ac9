"""Does a password reset take longer for an address that has an account?

Starts the API under gunicorn (the production config, one worker) on the embedded
SQLite database in a temporary folder, with one user, and times
``POST /api/v1/auth/password/reset`` over real HTTP for that user's address and for
unknown addresses, in pairs of one of each (in random order within the pair). Prints
the median and 90th percentile of each, the difference of the medians, and the median
of the pairs' differences (which cancels the drift of a busy machine's load). Emails
go to files in the temporary folder (production settings refuse the console
backend). Everything it starts is stopped by pid at the end.

    uv run python bench/password_reset_timing.py            # n=300 of each
    uv run python bench/password_reset_timing.py -n 500
    uv run python bench/password_reset_timing.py --backend /tmp/old/backend   # another tree
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
KNOWN = "known@example.com"
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=300, help="requests of each kind")
    parser.add_argument("--backend", type=Path, default=REPO / "backend")
    args = parser.parse_args()
    backend = args.backend.resolve()

    with tempfile.TemporaryDirectory(prefix="reset-timing-") as workdir:
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
        }
        env.update(
            DATA_DIR=workdir,
            SECRET_KEY="bench-secret-key-not-for-production",
            DJANGO_DEBUG="0",
            LOG_LEVEL="WARNING",
            PYTHONPATH=str(backend),
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="2",
            THROTTLE_PASSWORD_RESET="100000000/min",
            # Production settings refuse the console backend (it logs reset tokens).
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(Path(workdir) / "emails"),
            PUBLIC_URL=f"http://127.0.0.1:{port}",
            EMBEDDED_REAPER="0",
        )
        manage = [sys.executable, str(backend / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        create = (
            "from users.models import User; "
            f"User.objects.create_user({KNOWN!r}, {PASSWORD!r}, name='Known')"
        )
        subprocess.run([*manage, "shell", "-c", create], env=env, check=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/api/v1/auth/password/reset"
            with httpx.Client(timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        client.get(f"http://127.0.0.1:{port}/healthz")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise RuntimeError("gunicorn did not come up") from None
                        time.sleep(0.2)
                pairs = [random.sample(["known", "unknown"], 2) for _ in range(args.n)]
                kinds = [kind for pair in pairs for kind in pair]
                warmup = ["known", "unknown"] * 20
                times: dict[str, list[float]] = {"known": [], "unknown": []}
                for i, kind in enumerate(warmup + kinds):
                    email = KNOWN if kind == "known" else f"nobody-{i}@example.com"
                    started = time.perf_counter()
                    response = client.post(url, json={"email": email})
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 202:
                        raise RuntimeError(f"{kind}: {response.status_code} {response.text}")
                    if i >= len(warmup):
                        times[kind].append(elapsed)
        finally:
            server.terminate()
            server.wait(timeout=30)

    median = {kind: statistics.median(values) for kind, values in times.items()}
    print(f"backend: {backend}  n={args.n} of each, over HTTP, one gunicorn worker, SQLite")
    for kind, values in times.items():
        print(f"{kind:8} median {median[kind]:6.2f} ms   p90 {percentile(values, 0.9):6.2f} ms")
    print(f"known - unknown: {median['known'] - median['unknown']:+.2f} ms (medians)")
    paired = [k - u for k, u in zip(times["known"], times["unknown"], strict=True)]
    print(f"known - unknown: {statistics.median(paired):+.2f} ms (median of the pairs)")


if __name__ == "__main__":
    main()
