"""Hot-path scripts sent on a connection each thread owns: the client's seat calls
(``licenses.seatstore.redis_store``) and the rate limits' count (``core.ratelimit``).

Why not ``Script.__call__`` or a pipeline through the client: redis-py 8 wraps every
command in machinery a hot-path script does not need: a pool checkout and return under a lock,
observability hooks that run even when no exporter is set, argument-deprecation
wrappers. Measured in one process (bench/RESULTS.md, seventh session) that costs a
script call 33-44 µs of client CPU against 9-12 µs when the same command is sent on
a connection directly: on a heartbeat that is about 5 % of the request's CPU.

What is kept: redis-py's own ``Connection`` (its socket handling, RESP parsing with
hiredis, health checks, decoding and error mapping) built from the client's own
connection settings. A gthread worker's thread sends one command at a time and waits
for its answer, so a connection per thread needs no pool. The first connection error
on a connection is retried once on a fresh connection (the client's default does as
much); a script Redis no longer knows (restart, ``SCRIPT FLUSH``) is loaded again.
Only for a single Redis: a cluster client routes by slot and keeps its own pools.
"""

import os
import threading
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError


class ThreadConnections(threading.local):
    def __init__(self, client: redis.Redis):
        self._client = client
        self._connection: Any = None
        self._pid = 0

    def run(self, script: Script, keys: list[str], args: list[Any]) -> Any:
        """``EVALSHA`` the script with ``keys`` and ``args``; redis-py's exceptions.

        A restarted Redis shows both faults in turn: the connection is closed, and the
        new server knows no script. Each is repaired at most once."""
        command = ("EVALSHA", script.sha, len(keys), *keys, *args)
        reconnected = reloaded = False
        while True:
            try:
                return self._send(command)
            except NoScriptError:
                if reloaded:
                    raise
                self._client.script_load(script.script)
                reloaded = True
            except (redis.ConnectionError, redis.TimeoutError):
                if reconnected:
                    raise
                self._drop()
                reconnected = True

    def _send(self, command: tuple[Any, ...]) -> Any:
        connection = self._current()
        connection.send_command(*command)
        return connection.read_response()

    def _current(self) -> Any:
        # A forked worker must not share its parent's socket.
        if self._connection is None or self._pid != os.getpid():
            pool = self._client.connection_pool
            self._connection = pool.connection_class(**pool.connection_kwargs)
            self._pid = os.getpid()
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.disconnect()
        self._connection = None
