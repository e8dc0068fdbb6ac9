"""Prometheus metrics of the Celery worker, served by the worker itself.

The reaper and the rollups run in the worker, not in the API, so their numbers only
exist there. With ``WORKER_METRICS_PORT`` set, the worker's main process serves
``/metrics`` on that port (Prometheus scrapes it through a PodMonitor), merging the
files its pool processes write to ``PROMETHEUS_MULTIPROC_DIR`` (set in the
environment: prometheus_client reads it when it is imported).

- ``coditect_celery_task_last_success_timestamp_seconds{task}``: when each task last
  succeeded. A hung beat or worker stops the reaper silently; this gauge going stale
  is what the alert ``CoditectReaperStale`` sees.
- ``coditect_celery_task_wait_seconds{task}``: how long a task waited between being
  sent (a header set by whoever sent it: beat, the API) and starting.
- the seat path's counters (``core.metrics``), e.g. ``coditect_seat_reap_total``.
"""

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import before_task_publish, task_prerun, task_success, worker_init
from prometheus_client import (
    CollectorRegistry,
    Gauge,
    Histogram,
    multiprocess,
    start_http_server,
)

SENT_AT_HEADER = "coditect_sent_at"

TASK_LAST_SUCCESS = Gauge(
    "coditect_celery_task_last_success_timestamp_seconds",
    "Unix time of the task's last success",
    ["task"],
    multiprocess_mode="max",
)
TASK_WAIT = Histogram(
    "coditect_celery_task_wait_seconds",
    "Seconds between a task being sent and starting",
    ["task"],
    buckets=(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600),
)


@before_task_publish.connect
def _stamp_sent_at(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None:
        headers.setdefault(SENT_AT_HEADER, time.time())


@task_prerun.connect
def _observe_wait(task: Any = None, **kwargs: Any) -> None:
    sent_at = task.request.get(SENT_AT_HEADER) if task is not None else None
    if sent_at is not None:
        TASK_WAIT.labels(task.name).observe(max(0.0, time.time() - float(sent_at)))


@task_success.connect
def _record_success(sender: Any = None, **kwargs: Any) -> None:
    if sender is not None:
        TASK_LAST_SUCCESS.labels(sender.name).set(time.time())


@worker_init.connect
def _serve_metrics(**kwargs: Any) -> None:
    port = os.environ.get("WORKER_METRICS_PORT")
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not port:
        return
    if not folder:
        raise RuntimeError("WORKER_METRICS_PORT needs PROMETHEUS_MULTIPROC_DIR")
    # Files of a previous run (a restarted container keeps its emptyDir) would be merged
    # as if they were this one's; this process's own are already open.
    own = f"_{os.getpid()}.db"
    for stale in Path(folder).glob("*.db"):
        if not stale.name.endswith(own):
            stale.unlink(missing_ok=True)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
