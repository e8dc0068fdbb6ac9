"""Checks that every configured service answers, or one clear line says which does not.

A failure names the part and its host, never a URL: the Redis URL carries the
Memorystore AUTH string and the database URL its password, and these lines end up in
HTTP bodies and logs.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError

from core.redis import redis_client


class ServiceUnavailable(Exception):
    pass


def _redacted(text: str, *secrets: str | None) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def redis_location() -> str:
    """``host:port`` (or the socket path) of the configured Redis: never its password."""
    parts = urlsplit(settings.REDIS_URL)
    if parts.scheme == "unix":
        return parts.path
    try:
        port = parts.port or 6379
    except ValueError:
        port = "?"
    return f"{parts.hostname or '?'}:{port}"


def check_database() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        text = str(exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        reason = _redacted(reason, connection.settings_dict.get("PASSWORD"))
        raise ServiceUnavailable(f"database unreachable ({connection.vendor}): {reason}") from None


def check_redis() -> None:
    if not settings.REDIS_URL:
        return
    try:
        redis_client().ping()
    except Exception as exc:  # redis-py raises several unrelated types here
        reason = _redacted(str(exc) or type(exc).__name__, urlsplit(settings.REDIS_URL).password)
        raise ServiceUnavailable(f"redis unreachable at {redis_location()}: {reason}") from None


def check_migrations() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ServiceUnavailable("database migrations are not applied (run: manage.py migrate)")


# Checks an app above adds to readiness (core imports no app): the licenses app adds
# its token signer, so a pod whose root cannot sign says so by name.
_pod_checks: dict[str, Callable[[], None]] = {}


def add_pod_check(name: str, check: Callable[[], None]) -> None:
    _pod_checks[name] = check


def check_pod() -> None:
    """Whether this process can serve: its database answers, its schema is current, and
    every check an app added passes (the token signer: see licenses.signing.check_signer).

    Redis is not asked: it is shared by every pod, so a Redis blip would make all of
    them unready at once and leave the ingress with no backend, even for the reads
    that never touch Redis. The seat path answers 503 ``seat_store_unavailable`` on
    its own, and Redis is watched by ``check_all`` and the ``coditect_redis_up`` gauge.
    """
    check_database()
    check_migrations()
    for name, check in _pod_checks.items():
        try:
            check()
        except ServiceUnavailable:
            raise
        except Exception as exc:
            raise ServiceUnavailable(f"{name}: {exc}") from None


def check_all(*, migrations: bool = True) -> None:
    check_database()
    check_redis()
    if migrations:
        check_migrations()
