"""/metrics counts the seat path by result and shows seats in use per license."""

import time

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from licenses import services
from licenses.tests.helpers import proof

pytestmark = pytest.mark.sqlite


def scrape() -> dict[tuple[str, tuple], float]:
    text = Client().get("/metrics").content.decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_counters_move_with_acquire_denial_heartbeat_release_and_reap(store_kind, make_license):
    license_, key = make_license(seats=1, heartbeat_ttl=2)
    api = APIClient()
    before = scrape()
    first = api.post(
        "/api/v1/licenses/acquire", {"license_key": key, "hardware_id": "a"}, format="json"
    ).json()
    api.post("/api/v1/licenses/acquire", {"license_key": key, "hardware_id": "b"}, format="json")
    api.post("/api/v1/licenses/heartbeat", proof(first), format="json")
    during = scrape()
    assert value(during, "coditect_seats_in_use", license=str(license_.id)) == 1
    api.post("/api/v1/licenses/release", proof(first), format="json")
    services.session_acquire(license_key=key, hardware_id="c")
    time.sleep(2.1)
    services.sessions_reap()
    after = scrape()

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("coditect_seat_acquire_total", result="granted") == 1
    assert moved("coditect_seat_acquire_total", result="no_seats_available") == 1
    assert moved("coditect_seat_heartbeat_total", result="ok") == 1
    assert moved("coditect_seat_release_total", result="ok") == 1
    assert moved("coditect_seat_reap_total") == 1
    assert value(after, "coditect_seats_in_use", license=str(license_.id)) == 0
    assert any(name.startswith("django_http_requests_latency") for name, _ in after)
