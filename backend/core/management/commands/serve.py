import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import preflight


def sign_in_summary() -> str:
    """Which sign-in providers are offered, or how to offer them (docs/sign-in.md)."""
    offered = settings.SIGN_IN_PROVIDERS
    if not offered:
        return (
            "sign-in: email and password only. For Google, GitHub or your company's "
            "OpenID Connect provider set GOOGLE_CLIENT_ID + GOOGLE_CLIENT_SECRET, "
            "GITHUB_CLIENT_ID + GITHUB_CLIENT_SECRET, or OIDC_PROVIDERS (docs/sign-in.md)"
        )
    names = ", ".join(p["name"] for p in offered)
    return (
        f"sign-in: email and password, {names} "
        f"(redirect URLs: {settings.PUBLIC_URL}/sign-in/callback/<provider id>)"
    )


class Command(BaseCommand):
    help = "Check every service, then serve the platform with gunicorn (and the embedded reaper)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, host: str, port: int, workers: int | None, **options) -> None:
        try:
            preflight.check_all()
        except preflight.ServiceUnavailable as exc:
            raise CommandError(str(exc)) from None
        env = {**os.environ, "HOST": host, "PORT": str(port)}
        env.setdefault("ACCESS_LOG", "true")
        # A line per request as it happens, also when stdout is a pipe (a log collector).
        env.setdefault("PYTHONUNBUFFERED", "1")
        # gunicorn's start-up lines (one per worker) would bury the ready block.
        env.setdefault("GUNICORN_LOG_LEVEL", "warning")
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        backend = str(settings.BASE_DIR)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [backend, env.get("PYTHONPATH")]))
        children = []
        if settings.EMBEDDED_REAPER:
            manage = os.path.join(backend, "manage.py")
            every = str(settings.REAPER_INTERVAL)
            children.append(
                subprocess.Popen(
                    [sys.executable, manage, "reap_sessions", "--every", every], env=env
                )
            )
            # Webhooks and notifications (the webhooks app), what Celery does elsewhere.
            children.append(
                subprocess.Popen(
                    [sys.executable, manage, "deliver_webhooks", "--every", "5"], env=env
                )
            )
            rollup_every = str(settings.USAGE_ROLLUP_INTERVAL)
            children.append(
                subprocess.Popen(
                    [sys.executable, manage, "rollup_usage", "--every", rollup_every], env=env
                )
            )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
            env=env,
        )

        def stop(signum: int, frame: object) -> None:
            server.send_signal(signal.SIGTERM)

        # An orchestrator stops us with SIGTERM: gunicorn gets it and drains.
        signal.signal(signal.SIGTERM, stop)
        try:
            if _wait_until_listening(server, _url(host, port)):
                self.stdout.write(ready_block(host, port))
                self.stdout.flush()
            code = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            code = server.wait()
        finally:
            for child in children:
                child.terminate()
                child.wait()
        if code:
            raise CommandError(f"gunicorn exited with status {code}")


def _reachable_host(host: str) -> str:
    """The address a client on this machine uses for ``host`` (a wildcard is loopback)."""
    if host in ("0.0.0.0", ""):  # noqa: S104 (read, not bound)
        return "127.0.0.1"
    if host in ("::", "[::]"):
        return "::1"
    return host.strip("[]")


def _wait_until_listening(server: subprocess.Popen, url: str) -> bool:
    """True once a worker answers; False if gunicorn died or took over 60 s."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=10):  # noqa: S310 (our URL)
                return True
        except urllib.error.HTTPError:
            return True  # any answer is a worker (a HOST outside ALLOWED_HOSTS gets a 400)
        except OSError:
            time.sleep(0.2)
    return False


def _url(host: str, port: int) -> str:
    address = _reachable_host(host)
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"


def ready_block(host: str, port: int) -> str:
    """The closing block of ``make run``: where to go, and the demo's login and key if any."""
    url = _url(host, port)
    rule = "-" * 72
    lines = ["", rule, f"  CODITECT License Platform is ready: {url}/", ""]
    try:
        demo = json.loads(settings.DEMO_CREDENTIALS_FILE.read_text())
    except (OSError, ValueError):
        demo = None
    if demo:
        acquire = json.dumps({"license_key": demo["license_key"], "hardware_id": "my-laptop"})
        lines += [
            f"  dashboard login   {demo['email']}",
            f"  password          {demo['password']}",
            f"  demo license key  {demo['license_key']}",
            "",
            "  acquire a seat:",
            f"  curl -s -X POST {url}/api/v1/licenses/acquire \\",
            f"    -H 'Content-Type: application/json' -d '{acquire}'",
            "",
            f"  (saved in {settings.DEMO_CREDENTIALS_FILE}; the password is the one",
            "  setup_demo created, until you change it in the dashboard)",
            "",
        ]
    lines += [
        f"  {sign_in_summary()}",
        "",
        f"  API reference     {url}/api/docs/",
        "  stop with Ctrl+C",
        rule,
    ]
    return "\n".join(lines)
