"""The operator scripts: shellcheck-clean, and the label selectors that
rollout.sh relies on match the rendered objects."""

from __future__ import annotations

import re

import pytest

from .helpers import DEPLOY_DIR, OVERLAYS, find_tool, run, workloads

SCRIPTS = sorted((DEPLOY_DIR / "scripts").glob("*.sh"))
COMPONENT = "app.kubernetes.io/component"


def test_scripts_exist_and_are_executable() -> None:
    assert {s.name for s in SCRIPTS} == {"rollout.sh", "sync-secrets.sh"}
    for script in SCRIPTS:
        assert script.stat().st_mode & 0o111, script
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in script.read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_is_clean(script) -> None:
    result = run([find_tool("shellcheck"), "--severity=style", str(script)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rollout_phases_select_the_right_objects(rendered: dict, overlay: str) -> None:
    text = (DEPLOY_DIR / "scripts" / "rollout.sh").read_text()
    [late] = re.findall(r"component notin \(([^)]*)\)", text)
    late_components = set(late.split(","))
    objects = rendered[overlay]
    # Every app workload is held back from phase 1 ...
    for obj in workloads(objects):
        if (
            obj["metadata"]["name"].startswith("coditect-")
            and obj["metadata"]["name"] != "coditect-redis"
        ):
            assert obj["metadata"]["labels"][COMPONENT] in late_components, obj["metadata"]["name"]
    # ... while what the migration Job needs is applied in phase 1.
    early = [
        o for o in objects if o["metadata"].get("labels", {}).get(COMPONENT) not in late_components
    ]
    early_kinds = {
        (
            o["kind"],
            o["metadata"]["name"].rsplit("-", 1)[0]
            if o["kind"] == "ConfigMap"
            else o["metadata"]["name"],
        )
        for o in early
    }
    assert {
        ("Namespace", "coditect"),
        ("ServiceAccount", "coditect-migrate"),
        ("ConfigMap", "coditect-config"),
        ("NetworkPolicy", "datastore-clients-egress"),
    } <= early_kinds
    # Phase 2 selects exactly the Job.
    migrate = [o for o in objects if o["metadata"].get("labels", {}).get(COMPONENT) == "migrate"]
    assert [(o["kind"], o["metadata"]["name"]) for o in migrate] == [("Job", "coditect-migrate")]
