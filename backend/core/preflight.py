"""Start-up checks: every configured service answers, or one clear line says which does not."""

from django.conf import settings
from django.db import connection
from django.db.utils import Error as DatabaseError

from core.redis import redis_client


class ServiceUnavailable(Exception):
    pass


def check_database() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServiceUnavailable(f"database unreachable ({connection.vendor}): {reason}") from None


def check_redis() -> None:
    if not settings.REDIS_URL:
        return
    try:
        redis_client().ping()
    except Exception as exc:  # redis-py raises several unrelated types here
        raise ServiceUnavailable(f"redis unreachable at {settings.REDIS_URL}: {exc}") from None


def check_migrations() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise ServiceUnavailable("database migrations are not applied (run: manage.py migrate)")


def check_all(*, migrations: bool = True) -> None:
    check_database()
    check_redis()
    if migrations:
        check_migrations()
