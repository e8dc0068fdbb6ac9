"""compose.yaml against the Compose Specification's JSON schema (vendored, no network).

The schema is ``schemas/compose/compose-spec.json`` (a folder of its own: the CRD
schemas' folder holds CRD schemas only): the Compose Specification's
``compose-spec.json`` as the npm package dclint 3.1.0 ships it
(``schemas/compose.schema.json``). No Docker engine runs here, so the file is
checked for what the engine would refuse and for the stack the README names.
"""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
import yaml

from .helpers import DEPLOY_DIR, REPO_DIR

SCHEMA = json.loads(
    (DEPLOY_DIR / "tests" / "schemas" / "compose" / "compose-spec.json").read_text()
)
COMPOSE = REPO_DIR / "compose.yaml"
SETTINGS = REPO_DIR / "backend" / "coditect_license" / "settings.py"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())  # merge keys (<<) resolved as Compose does


def errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_yaml_follows_the_compose_specification(compose):
    assert errors(compose) == []


def test_the_schema_refuses_what_compose_would(compose):
    broken = copy.deepcopy(compose)
    broken["services"]["api"]["ports"] = {"8000": 8000}
    broken["services"]["worker"]["restart_policy"] = "always"
    found = errors(broken)
    assert any(e.startswith("services/api/ports") for e in found), found
    assert any("restart_policy" in e for e in found), found


def test_it_runs_the_production_processes(compose):
    services = compose["services"]
    assert {"api", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    worker, beat = services["worker"]["command"], services["beat"]["command"]
    assert worker[:4] == ["celery", "-A", "coditect_license", "worker"]
    assert beat[:4] == ["celery", "-A", "coditect_license", "beat"]
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("api", "worker", "beat"):
        after = services[name]["depends_on"]
        assert after["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert "@postgres:5432/" in services[name]["environment"]["DATABASE_URL"]
    # Published on loopback only: the placeholder secrets must not face a network.
    assert all(p.startswith("127.0.0.1:") for p in services["api"]["ports"])


def test_every_variable_it_sets_is_a_setting(compose):
    known = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', SETTINGS.read_text()))
    for name, service in compose["services"].items():
        if service.get("build") is None:
            continue
        unknown = set(service["environment"]) - known
        assert not unknown, f"{name}: {sorted(unknown)} are read by no setting"
