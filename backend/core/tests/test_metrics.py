"""/metrics counts the seat path by result and shows seats in use per license."""

import ipaddress
import time

import httpx
import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from licenses import services
from licenses.tests.helpers import proof
from tests.fixtures.servers import LiveServer, database_url

pytestmark = [pytest.mark.sqlite, pytest.mark.server]


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


# Who may scrape ------------------------------------------------------------------

NOT_FOUND = {"error": {"code": "not_found", "message": "No such resource.", "details": {}}}


def get_metrics(**meta: str):
    return Client().get("/metrics", **meta)


def test_loopback_may_scrape_and_others_get_a_404_like_a_missing_page(db):
    assert get_metrics(REMOTE_ADDR="127.0.0.1").status_code == 200
    assert get_metrics(REMOTE_ADDR="::1").status_code == 200
    assert get_metrics(REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200
    refused = get_metrics(REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 404
    assert refused.json() == NOT_FOUND == Client().get("/api/v1/no-such-thing").json()
    assert b"coditect" not in refused.content


def test_a_forged_forwarded_for_header_does_not_let_anyone_in(db):
    refused = get_metrics(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert refused.status_code == 404


def test_the_allowed_networks_are_a_setting(db, settings):
    settings.METRICS_ALLOWED_CIDRS = (ipaddress.ip_network("10.4.0.0/14"),)
    assert get_metrics(REMOTE_ADDR="10.5.1.2").status_code == 200
    assert get_metrics(REMOTE_ADDR="127.0.0.1").status_code == 404


def test_behind_the_ingress_the_internet_client_is_judged_not_the_ingress_pod(db, settings):
    settings.METRICS_ALLOWED_CIDRS = (ipaddress.ip_network("10.4.0.0/14"),)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # Prometheus scrapes the pod directly: its own pod address.
    assert get_metrics(REMOTE_ADDR="10.4.7.7").status_code == 200
    # Through the ingress (a pod too), the client is the one the ingress names.
    proxied = get_metrics(REMOTE_ADDR="10.4.0.9", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert proxied.status_code == 404


def test_a_bearer_token_lets_a_scraper_in_from_anywhere(db, settings):
    settings.METRICS_TOKEN = "metrics-" + "s" * 40
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    ok = get_metrics(HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}", **outside)
    assert ok.status_code == 200 and b"coditect_seat_acquire" in ok.content
    for header in ["Bearer wrong", f"Basic {settings.METRICS_TOKEN}", "Bearer ", ""]:
        assert get_metrics(HTTP_AUTHORIZATION=header, **outside).status_code == 404, header


def test_no_token_is_configured_by_default_so_an_empty_bearer_opens_nothing(db, settings):
    settings.METRICS_TOKEN = ""
    assert get_metrics(HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.7").status_code == 404


@pytest.fixture
def guarded_server(transactional_db, tmp_path):
    token_file = tmp_path / "metrics-token"
    token_file.write_text("scrape-" + "t" * 40 + "\n")
    env = {
        "DATABASE_URL": database_url(),
        "SEAT_STORE": "sql",
        "REDIS_URL": "",
        "EMBEDDED_REAPER": "false",
        # Not loopback: the test itself is an outsider.
        "METRICS_ALLOWED_CIDRS": "192.0.2.0/24",
        "METRICS_TOKEN_FILE": str(token_file),
    }
    server = LiveServer(env, workers=1).start()
    server.token = token_file.read_text().strip()
    yield server
    server.stop()


def test_over_http_an_outsider_gets_404_and_the_token_holder_the_metrics(guarded_server):
    url = f"{guarded_server.url}/metrics"
    refused = httpx.get(url)
    assert refused.status_code == 404 and refused.json() == NOT_FOUND
    scraped = httpx.get(url, headers={"Authorization": f"Bearer {guarded_server.token}"})
    assert scraped.status_code == 200
    assert scraped.headers["Content-Type"].startswith("text/plain")
