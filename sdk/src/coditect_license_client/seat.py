"""``with client.seat() as seat:`` holds a seat for the life of a block.

On entry the seat is acquired; a daemon thread then heartbeats it at the
interval the server returned (never later than ``renew_fraction`` of the TTL,
minus up to ``jitter`` of it so clients do not beat in lockstep) and refreshes
the token (an idempotent acquire) once half of its lifetime is used. On exit,
on SIGTERM/SIGINT/SIGHUP and at interpreter exit the seat is released.

When the server cannot be reached the seat is kept on the token until the
token expires (the license's offline grace), retrying with backoff; heartbeats
resume by themselves when the server answers again. If the server answers
that the session is gone (410) or no longer takes its secret (401: a newer
acquire with the same key holds it) the seat is acquired again once,
transparently.

The program is told when the seat cannot be kept (the token expired with the
server still unreachable, or the server refused: no seat left, license
suspended or expired): ``on_lost(error)`` is called from the heartbeat thread
if given; otherwise :class:`SeatLost` is raised in the thread that entered the
block (asynchronously, at its next Python instruction: a blocking call such as
``time.sleep`` finishes first), and again on leaving the block if it ended
normally. ``seat.lost`` and ``seat.check()`` let the program poll as well.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any

from .errors import InvalidSessionSecret, LicenseError, NotAcquired, SeatLost, TransientError
from .retry import RetryPolicy

if TYPE_CHECKING:
    from .client import LicenseClient
    from .lease import Lease, WaitStatus
    from .verify import TokenClaims

log = logging.getLogger("coditect_license_client")

LostCallback = Callable[[LicenseError], None]


class Seat:
    """A held seat kept alive by a background thread. Use as a context manager,
    or call :meth:`start` and :meth:`stop` yourself."""

    def __init__(
        self,
        client: LicenseClient,
        *,
        wait: bool = False,
        wait_timeout: float | None = None,
        on_wait: Callable[[WaitStatus], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_lost: LostCallback | None = None,
        handle_signals: bool = True,
        raise_in_owner: bool = True,
        renew_fraction: float = 0.8,
        jitter: float = 0.1,
        release_timeout: float = 3.0,
    ) -> None:
        if not 0 < renew_fraction <= 1:
            raise ValueError("renew_fraction must be in (0, 1]")
        if not 0 <= jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        self.client = client
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.on_wait = on_wait
        self.should_stop = should_stop
        self.on_lost = on_lost
        self.handle_signals = handle_signals
        self.raise_in_owner = raise_in_owner
        self.renew_fraction = renew_fraction
        self.jitter = jitter
        self.release_timeout = release_timeout
        self.heartbeats = 0
        self.reacquired = 0
        self.last_contact: float | None = None
        self._lock = threading.RLock()
        self._stop_event = threading.Event()
        self._lost_event = threading.Event()
        self._lost_error: SeatLost | None = None
        self._thread: threading.Thread | None = None
        self._owner: int | None = None
        self._started = False
        self._stopped = False
        self._exiting = False
        self._injected = False
        self._offline = False

    # -- state ------------------------------------------------------------------

    @property
    def lease(self) -> Lease | None:
        return self.client.lease

    @property
    def session_id(self) -> str | None:
        lease = self.client.lease
        return lease.session_id if lease else None

    @property
    def token(self) -> str | None:
        lease = self.client.lease
        return lease.token if lease else None

    @property
    def claims(self) -> TokenClaims | None:
        lease = self.client.lease
        return lease.claims if lease else None

    @property
    def offline(self) -> bool:
        """True while the server cannot be reached (the seat is kept on the token)."""
        return self._offline

    @property
    def lost(self) -> bool:
        return self._lost_event.is_set()

    @property
    def lost_error(self) -> SeatLost | None:
        return self._lost_error

    @property
    def held(self) -> bool:
        return self._started and not self._stopped and not self.lost

    def check(self) -> None:
        """Raise :class:`SeatLost` if the seat could not be kept."""
        if self._lost_error is not None:
            raise self._lost_error

    def wait_lost(self, timeout: float | None = None) -> bool:
        """Block until the seat is lost (True) or ``timeout`` passes (False)."""
        return self._lost_event.wait(timeout)

    # -- life cycle -------------------------------------------------------------

    def start(self) -> Seat:
        """Acquire the seat and start heartbeating (raises the acquire error)."""
        with self._lock:
            if self._started:
                raise RuntimeError("a Seat can be started only once")
            self._started = True
        lease = self.client.acquire(
            wait=self.wait,
            wait_timeout=self.wait_timeout,
            on_wait=self.on_wait,
            should_stop=self.should_stop,
        )
        self._offline = lease.offline
        self.last_contact = None if lease.offline else time.monotonic()
        self._owner = threading.get_ident()
        _register(self, handle_signals=self.handle_signals)
        self._thread = threading.Thread(
            target=self._run, name="coditect-license-heartbeat", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, *, release: bool = True) -> None:
        """Stop heartbeating and (by default) release the seat. Safe to call twice."""
        with self._lock:
            if self._stopped or not self._started:
                return
            self._stopped = True
            self._exiting = True
        self._stop_event.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=min(self._request_timeout() * 2 + 1, 5.0))
        _unregister(self)
        if release and self.client.lease is not None:
            try:
                self.client.release(retry=self._release_policy(), timeout=self.release_timeout)
            except InvalidSessionSecret as exc:
                log.warning(
                    "seat not released (%s): a newer acquire with this license key holds it", exc
                )
            except LicenseError as exc:
                log.warning(
                    "could not release the seat (%s); the server frees it after its TTL", exc
                )

    release = stop

    def __repr__(self) -> str:
        state = "lost" if self.lost else "held" if self.held else "not held"
        return f"<Seat {state} session={self.session_id}>"

    def __enter__(self) -> Seat:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._begin_exit()
        self.stop()
        if exc_type is None and self._lost_error is not None and self.on_lost is None:
            raise self._lost_error

    # -- heartbeat thread ---------------------------------------------------------

    def _base_interval(self) -> float:
        lease = self.client.lease
        if lease is None:
            return 1.0
        return max(0.2, min(lease.heartbeat_interval, self.renew_fraction * lease.heartbeat_ttl))

    def _beat_delay(self) -> float:
        return self._base_interval() * (1 - self.jitter * random.random())  # noqa: S311

    def _request_timeout(self) -> float:
        lease = self.client.lease
        ttl = lease.heartbeat_ttl if lease else 30
        return max(1.0, min(self.client.timeout, ttl / 3))

    def _beat_policy(self) -> RetryPolicy:
        return RetryPolicy(
            attempts=2, base_delay=0.2, max_delay=1.0, deadline=self._base_interval()
        )

    def _release_policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=2, base_delay=0.2, max_delay=0.5, deadline=self.release_timeout)

    def _needs_refresh(self, lease: Lease) -> bool:
        claims = lease.claims
        if claims is None:
            return False
        left = claims.seconds_left()
        return left < max(claims.lifetime / 2, 2 * self._base_interval())

    def _token_seconds_left(self) -> float | None:
        lease = self.client.lease
        return lease.token_seconds_left() if lease else None

    def _beat(self) -> None:
        lease = self.client.lease
        if lease is None:
            raise NotAcquired("the seat was released behind the Seat's back")
        policy, timeout = self._beat_policy(), self._request_timeout()
        if self._needs_refresh(lease):
            new = self.client.acquire(retry=policy, timeout=timeout, offline_fallback=False)
            if new.session_id != lease.session_id:
                self.reacquired += 1
            log.debug("token refreshed; session %s", new.session_id)
        else:
            result = self.client.heartbeat(retry=policy, timeout=timeout)
            if result.reacquired:
                self.reacquired += 1
                log.info("session lost on the server; acquired again as %s", result.session_id)
        self.heartbeats += 1
        self.last_contact = time.monotonic()

    def _run(self) -> None:
        failures = 0
        delay = self._beat_delay()
        while not self._stop_event.wait(delay):
            try:
                self._beat()
            except TransientError as exc:
                if self._on_unreachable(exc, failures):
                    return
                failures += 1
                delay = self._retry_delay(failures)
            except LicenseError as exc:
                self._lose(SeatLost(f"the seat was lost: {exc}", cause=exc))
                return
            except Exception as exc:  # a bug must not stop the heartbeat silently
                log.exception("unexpected error in the heartbeat thread")
                if self._on_unreachable(exc, failures):
                    return
                failures += 1
                delay = self._retry_delay(failures)
            else:
                if self._offline:
                    log.warning("license server reachable again; seat %s kept", self.session_id)
                self._offline = False
                failures = 0
                delay = self._beat_delay()

    def _on_unreachable(self, exc: BaseException, failures: int) -> bool:
        """Note a failed contact; return True when the seat is now lost."""
        left = self._token_seconds_left()
        if left is None or left <= 0:
            self._lose(
                SeatLost("the license server stayed unreachable until the token expired", cause=exc)
            )
            return True
        if failures == 0:
            log.warning(
                "license server unreachable (%s); keeping the seat on the token for %.0f s",
                exc,
                left,
            )
        self._offline = True
        return False

    def _retry_delay(self, failures: int) -> float:
        backoff = max(0.2, self.client.retry.backoff(failures - 1))
        left = self._token_seconds_left() or 0.0
        # Wake up at the token's expiry at the latest, to tell the program in time.
        return max(0.05, min(backoff, self._base_interval(), left + 0.05))

    # -- telling the program --------------------------------------------------------

    def _lose(self, error: SeatLost) -> None:
        with self._lock:
            if self._lost_error is not None or self._stopped:
                return
            self._lost_error = error
            inject = self.on_lost is None and self.raise_in_owner and not self._exiting
            self._injected = inject
        self._offline = False
        self._lost_event.set()
        log.error("%s", error.message)
        if self.on_lost is not None:
            try:
                self.on_lost(error)
            except Exception:
                log.exception("the on_lost callback failed")
        elif inject and self._owner is not None:
            _raise_in_thread(self._owner, _exception_class(error))

    def _begin_exit(self) -> None:
        with self._lock:
            self._exiting = True
            injected = self._injected
        if injected and self._owner == threading.get_ident():
            _raise_in_thread(self._owner, None)  # drop a SeatLost not raised yet


def _exception_class(error: SeatLost) -> type[SeatLost]:
    """A SeatLost subclass whose no-argument constructor rebuilds ``error``
    (an asynchronous exception is raised as a class)."""

    def __init__(self: SeatLost) -> None:
        SeatLost.__init__(self, error.message, cause=error.cause)

    return type("SeatLost", (SeatLost,), {"__init__": __init__, "__module__": SeatLost.__module__})


def _raise_in_thread(ident: int, exc_class: type[BaseException] | None) -> None:
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is None:  # not CPython: the program learns at block exit / check()
        return
    set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(exc_class) if exc_class else None)


# -- process-wide: signals and interpreter exit ------------------------------------

_active: set[Seat] = set()
_registry_lock = threading.RLock()
_previous_handlers: dict[int, Any] = {}
_atexit_registered = False
_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def _register(seat: Seat, *, handle_signals: bool) -> None:
    global _atexit_registered
    with _registry_lock:
        _active.add(seat)
        if not _atexit_registered:
            atexit.register(_release_all)
            _atexit_registered = True
    if handle_signals and threading.current_thread() is threading.main_thread():
        _install_handlers()


def _unregister(seat: Seat) -> None:
    with _registry_lock:
        _active.discard(seat)
        empty = not _active
    if empty and threading.current_thread() is threading.main_thread():
        _restore_handlers()


def _install_handlers() -> None:
    for signum in _SIGNALS:
        if signum in _previous_handlers:
            continue
        previous = signal.getsignal(signum)
        if previous is None or previous == signal.SIG_IGN:
            continue  # installed outside Python, or ignored by the program: leave it
        signal.signal(signum, _on_signal)
        _previous_handlers[signum] = previous


def _restore_handlers() -> None:
    for signum, previous in list(_previous_handlers.items()):
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signum) is _on_signal:
                signal.signal(signum, previous)
        _previous_handlers.pop(signum, None)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    previous = _previous_handlers.get(signum, signal.SIG_DFL)
    if callable(previous):
        # The program's own handler (for SIGINT, Python's default one raises
        # KeyboardInterrupt): it decides; leaving the with-block releases.
        previous(signum, frame)
        return
    # Default action: the process is about to die. Free the seats, then die
    # exactly as it would have (same signal, same exit status).
    _release_all()
    _restore_handlers()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _release_all() -> None:
    with _registry_lock:
        seats = list(_active)
    for seat in seats:
        try:
            seat.stop(release=True)
        except Exception:  # never let one failure keep the others
            log.exception("releasing a seat at exit failed")
