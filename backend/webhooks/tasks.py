"""Celery tasks of webhook delivery and notifications.

New events reach a worker at once: after a transaction that wrote events commits, this
process publishes ``dispatch`` (at most once per WEBHOOK_PUBLISH_COALESCE_SECONDS, and
never blocking the request on a broker that is down). Everything else the periodic
``sweep`` finds in the database: events whose writer died after its commit, deliveries
due for a retry, attempts of a worker that died mid-request (their lease expired). The
database, not the broker, is the record of what is left to do, so a lost message delays
a delivery by one sweep at most.
"""

import logging
import threading
import time
from typing import Any

from celery import shared_task
from django.conf import settings

from webhooks import notifications, services

logger = logging.getLogger(__name__)
DISPATCH = "webhooks.tasks.dispatch"
DELIVER = "webhooks.tasks.deliver"
_last_publish = 0.0
_publish_lock = threading.Lock()


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


def events_committed(**kwargs: Any) -> None:
    """Receiver of events.signals.events_committed: wake a dispatcher, coalesced."""
    global _last_publish
    now = time.monotonic()
    with _publish_lock:
        if now - _last_publish < settings.WEBHOOK_PUBLISH_COALESCE_SECONDS:
            return
        _last_publish = now
    try:
        dispatch.apply_async(retry=False)
    except Exception as exc:  # the sweep dispatches it; the change has committed
        logger.warning("could not queue webhook dispatch: %s", exc)
