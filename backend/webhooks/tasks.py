"""Celery tasks of webhook delivery and notifications.

New events reach a worker at once: after a transaction that wrote events commits, a
thread of this process publishes ``dispatch`` (at most once per
WEBHOOK_PUBLISH_COALESCE_SECONDS; the request itself never waits on the broker).
Everything else the periodic ``sweep`` finds in the database: events whose writer died
after its commit, deliveries due for a retry, attempts of a worker that died
mid-request (their lease expired). The database, not the broker, is the record of what
is left to do, so a lost message delays a delivery by one sweep at most.
"""

import logging
import os
import threading
import time
from typing import Any

from celery import shared_task
from django.conf import settings

from webhooks import notifications, services

logger = logging.getLogger(__name__)
DISPATCH = "webhooks.tasks.dispatch"
DELIVER = "webhooks.tasks.deliver"


@shared_task(name=DISPATCH, ignore_result=True)
def dispatch() -> int:
    """Turn new events into deliveries and queue them; returns how many."""
    created = 0
    while ids := services.events_dispatch():
        created += len(ids)
        _deliver_later(ids)
    return created


@shared_task(name=DELIVER, ignore_result=True)
def deliver(delivery_id: str, manual: bool = False) -> bool | None:
    result = services.delivery_attempt(delivery_id, manual=manual)
    return None if result is None else result.succeeded


@shared_task(name="webhooks.tasks.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """Beat runs this every WEBHOOK_SWEEP_INTERVAL seconds."""
    dispatched = dispatch()
    due = services.deliveries_due()
    _deliver_later(due)
    return {"dispatched": dispatched, "due": len(due)}


@shared_task(name="webhooks.tasks.events_prune", ignore_result=True)
def events_prune() -> int:
    return services.events_prune()


@shared_task(name="webhooks.tasks.utilization_check", ignore_result=True)
def utilization_check() -> int:
    return notifications.utilization_check()


@shared_task(name="webhooks.tasks.denials_digest", ignore_result=True)
def denials_digest() -> int:
    return notifications.denials_digest()


@shared_task(name="webhooks.tasks.licenses_expiring", ignore_result=True)
def licenses_expiring() -> int:
    return notifications.licenses_expiring()


def _deliver_later(delivery_ids: list[str], manual: bool = False) -> None:
    for delivery_id in delivery_ids:
        deliver.apply_async((delivery_id, manual), retry=False)


def _publish(delivery_ids: list[str], manual: bool) -> None:
    """services' enqueue hook: queue these deliveries; the sweep finds them otherwise."""
    try:
        _deliver_later(delivery_ids, manual)
    except Exception as exc:  # a broker down must not fail the admin's request
        logger.warning("could not queue webhook deliveries: %s", exc)


class _Waker:
    """Publishes ``dispatch`` from a thread of its own, at most once per
    WEBHOOK_PUBLISH_COALESCE_SECONDS: the request that committed an event only sets a
    flag, so neither a broker round trip nor a broker that is down is on its path, and
    a burst of events wakes the dispatcher once. Started on first use in each process
    (gunicorn and Celery fork their workers)."""

    def __init__(self) -> None:
        self._pending = threading.Event()
        self._pid = 0
        self._lock = threading.Lock()

    def wake(self) -> None:
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._pending = threading.Event()
                    threading.Thread(target=self._run, name="webhook-waker", daemon=True).start()
                    self._pid = os.getpid()
        self._pending.set()

    def _run(self) -> None:
        pending = self._pending
        while True:
            pending.wait()
            pending.clear()
            try:
                dispatch.apply_async(retry=False)
            except Exception as exc:  # the sweep dispatches it; the change has committed
                logger.warning("could not queue webhook dispatch: %s", exc)
            time.sleep(settings.WEBHOOK_PUBLISH_COALESCE_SECONDS)


_waker = _Waker()


def events_committed(**kwargs: Any) -> None:
    """Receiver of events.signals.events_committed: wake a dispatcher (see _Waker)."""
    _waker.wake()
