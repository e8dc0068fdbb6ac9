from typing import Any

from django.db.backends.signals import connection_created
from django.dispatch import receiver


@receiver(connection_created)
def sqlite_use_wal(sender: Any, connection: Any, **kwargs: Any) -> None:
    """WAL lets readers run beside the one writer. The mode is stored in the file,
    so it is set only when missing: switching takes a lock a busy server lacks."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if cursor.fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
