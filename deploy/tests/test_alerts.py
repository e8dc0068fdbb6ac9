"""(5) The alert rules: every alert the launch review asked for exists, names only
metrics that something exports (the app's code, django-prometheus, cert-manager),
carries a severity and a runbook, and the worker's metrics are scraped."""

from __future__ import annotations

import re
from pathlib import Path

import django_prometheus
import pytest

from .helpers import OVERLAYS, REPO_DIR, one, pod_spec

EXPECTED_ALERTS = {
    "CoditectHigh5xxRate",
    "CoditectSeatPathSlow",
    "CoditectSeatStoreDown",
    "CoditectReaperStale",
    "CoditectCeleryQueueSlow",
    "CoditectCertificateExpiresSoon",
}
# Exported by cert-manager's controller (its Helm chart's ServiceMonitor, docs/deploy.md §5).
EXTERNAL_METRICS = {"certmanager_certificate_expiration_timestamp_seconds"}
DEFINITION = re.compile(
    r"\b(Counter|Gauge|Histogram|GaugeMetricFamily)\(\s*\"([a-z_:]+)\"|"
    r"register_metric\(\s*(Counter|Gauge|Histogram),\s*\"([a-z_:]+)\""
)
METRIC = re.compile(r"\b((?:coditect|django|certmanager)_[a-z_:]+)")
SUFFIXES = {
    "Counter": ("_total",),
    "Gauge": ("",),
    "GaugeMetricFamily": ("",),
    "Histogram": ("_bucket", "_count", "_sum"),
}


def exported_names(paths: list[Path]) -> set[str]:
    names = set()
    for path in paths:
        for match in DEFINITION.finditer(path.read_text()):
            kind = match.group(1) or match.group(3)
            name = match.group(2) or match.group(4)
            for suffix in SUFFIXES[kind]:
                names.add(name if name.endswith(suffix) and suffix else name + suffix)
    return names


@pytest.fixture(scope="module")
def known_metrics() -> set[str]:
    ours = [p for p in (REPO_DIR / "backend").rglob("*.py") if "tests" not in p.parts]
    theirs = list(Path(django_prometheus.__file__).parent.rglob("*.py"))
    return exported_names(ours) | exported_names(theirs) | EXTERNAL_METRICS


def alerts(objects: list[dict]) -> dict[str, dict]:
    rule = one(objects, "PrometheusRule", "coditect-alerts")
    assert rule["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    return {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}


def test_the_metric_finder_knows_the_apps_metrics(known_metrics: set[str]) -> None:
    assert {
        "coditect_seat_reap_total",
        "coditect_redis_up",
        "coditect_celery_task_wait_seconds_bucket",
        "django_http_responses_total_by_status_total",
        "django_http_requests_latency_seconds_by_view_method_bucket",
    } <= known_metrics


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_alert_is_there_and_names_exported_metrics(
    rendered: dict, overlay: str, known_metrics: set[str]
) -> None:
    found = alerts(rendered[overlay])
    assert set(found) == EXPECTED_ALERTS
    for name, rule in found.items():
        used = set(METRIC.findall(rule["expr"]))
        assert used, name
        assert used <= known_metrics, f"{name}: unknown {sorted(used - known_metrics)}"
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert rule["annotations"]["summary"] and "docs/deploy.md" in rule["annotations"]["runbook"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_reaper_alert_fires_after_three_intervals(rendered: dict, overlay: str) -> None:
    from .test_manifests import config

    interval = int(config(rendered[overlay])["REAPER_INTERVAL"])
    expr = alerts(rendered[overlay])["CoditectReaperStale"]["expr"]
    assert f"> {3 * interval}" in expr and "absent(" in expr
    assert 'task="licenses.tasks.reap_sessions"' in expr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_worker_is_scraped(rendered: dict, overlay: str) -> None:
    objects = rendered[overlay]
    monitor = one(objects, "PodMonitor", "coditect-worker")
    worker = one(objects, "Deployment", "coditect-worker")
    labels = worker["spec"]["template"]["metadata"]["labels"]
    assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
    [endpoint] = monitor["spec"]["podMetricsEndpoints"]
    [container] = pod_spec(worker)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert ports[endpoint["port"]] == int(env["WORKER_METRICS_PORT"])
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    policy = one(objects, "NetworkPolicy", "worker-allow-prometheus")
    [rule] = policy["spec"]["ingress"]
    assert [p["port"] for p in rule["ports"]] == [ports[endpoint["port"]]]
