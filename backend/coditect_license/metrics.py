"""The ``/metrics`` view: the seat path's counters (``core.metrics``) and seats in use.

It lives in the project package because it reads an app's model and ``core``
imports no app. Under gunicorn (``PROMETHEUS_MULTIPROC_DIR``) it merges every
worker's counter files.

Seats in use per license are read at scrape time from the database's live
sessions, so the gauge is right whichever process served the acquire.

``coditect_redis_up`` pings Redis at scrape time: readiness leaves Redis out (a Redis
blip must not take every pod out of the ingress), so this gauge is what alerts on it.

Only allowed clients see the metrics (``METRICS_ALLOWED_CIDRS``, or the bearer
``METRICS_TOKEN``); anyone else gets the 404 of a missing page, not a 403 that would
confirm there is something to see.
"""

import hmac
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django_scopes import scopes_disabled
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from rest_framework.authentication import get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core import preflight
from core.errors import not_found_view
from licenses.models import LicenseSession


class SeatsInUseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
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


class RedisUpCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "coditect_redis_up", "1 if the seat store's Redis answered a PING at scrape time"
        )
        try:
            preflight.check_redis()
        except preflight.ServiceUnavailable:
            gauge.add_metric([], 0)
        else:
            gauge.add_metric([], 1)
        yield gauge


def _client_address(request: HttpRequest) -> str:
    # The address the rate limits see: the TCP peer, or behind NUM_PROXIES trusted
    # proxies the one the nearest of them put in X-Forwarded-For. The header alone is
    # never trusted: any client can write it.
    if api_settings.NUM_PROXIES is None:
        return request.META.get("REMOTE_ADDR", "")
    return BaseThrottle().get_ident(request)


def _from_allowed_network(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in settings.METRICS_ALLOWED_CIDRS)


def _has_metrics_token(request: HttpRequest) -> bool:
    if not settings.METRICS_TOKEN:
        return False
    scheme, _, token = get_authorization_header(request).decode("latin-1").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not (_from_allowed_network(request) or _has_metrics_token(request)):
        return not_found_view(request)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            registry.register(collector)
    registry.register(SeatsInUseCollector())
    if settings.REDIS_URL:
        registry.register(RedisUpCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
