"""Operator entry points: ``manage.py`` and the ``coditect-server`` console script.

Configuration errors (bad or unreachable settings) end the process with one
line on stderr and exit code 2, never a traceback.
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

ALIASES = {"reap": "reap_sessions", "worker": None, "beat": None}


def run_django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coditect_license.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        raise SystemExit(2) from None


def main() -> None:
    """``coditect-server serve|migrate|reap|worker|beat|<any manage.py command>``."""
    args = sys.argv[1:]
    command = args[0] if args else "help"
    if command in ("worker", "beat"):
        from coditect_license.celery import app

        app.start(["celery", command, "--loglevel=INFO", *args[1:]])
        return
    run_django(["coditect-server", ALIASES.get(command) or command, *args[1:]])
