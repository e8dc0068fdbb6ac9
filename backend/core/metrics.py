"""Prometheus metrics of the seat path, and the ``/metrics`` view.

Counters live in each process; under gunicorn set ``PROMETHEUS_MULTIPROC_DIR``
(a writable, emptied-at-start folder) and the view merges every worker's files.
Seats in use per license are read at scrape time from the database's live
sessions, so the gauge is right whichever process served the acquire.
"""

import os
from collections.abc import Iterator

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django_scopes import scopes_disabled
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

# result: granted | renewed | ok, or the error code (no_seats_available, …).
SEAT_ACQUIRE = Counter("coditect_seat_acquire", "Acquire calls by result", ["result"])
SEAT_HEARTBEAT = Counter("coditect_seat_heartbeat", "Heartbeats by result", ["result"])
SEAT_RELEASE = Counter("coditect_seat_release", "Releases by result", ["result"])
SEAT_REAP = Counter("coditect_seat_reap", "Sessions reaped as zombies")


class SeatsInUseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        from licenses.models import LicenseSession

        gauge = GaugeMetricFamily(
            "coditect_seats_in_use", "Live sessions per license", labels=["license"]
        )
        with scopes_disabled():
            rows = (
                LicenseSession.objects.filter(status=LicenseSession.Status.ACTIVE)
                .values("license_id")
                .annotate(n=Count("id"))
            )
            for row in rows:
                gauge.add_metric([str(row["license_id"])], row["n"])
        yield gauge


def metrics_view(request: HttpRequest) -> HttpResponse:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(SeatsInUseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
