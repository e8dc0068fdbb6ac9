import os
import signal
import subprocess
import sys

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
            rollup_every = str(settings.USAGE_ROLLUP_INTERVAL)
            children.append(
                subprocess.Popen(
                    [sys.executable, manage, "rollup_usage", "--every", rollup_every], env=env
                )
            )
        self.stdout.write(f"serving on http://{host}:{port}/ (store: {settings.SEAT_STORE})")
        self.stdout.write(sign_in_summary())
        self.stdout.flush()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:coditect_license.gunicorn_conf"],
            env=env,
        )

        def stop(signum: int, frame: object) -> None:
            server.send_signal(signal.SIGTERM)

        # An orchestrator stops us with SIGTERM: gunicorn gets it and drains.
        signal.signal(signal.SIGTERM, stop)
        try:
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
