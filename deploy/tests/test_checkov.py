"""(4b) checkov, offline (--skip-download: no Prisma Cloud calls, so no
severities either), on the OpenTofu code, on every rendered overlay and on
the Dockerfile. The bar is stricter than "no HIGH/CRITICAL": no failed check
at all. A check that does not fit is skipped where it applies, with its
reason (`#checkov:skip=ID:reason` in .tf, `checkov.io/skipN: ID=reason`
annotations in manifests); this test fails on a skip without a reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .helpers import DOCKERFILE, KUSTOMIZE_DIR, OPENTOFU_DIR, OVERLAYS, find_tool, kustomize_build

TIMEOUT = 120


def start_checkov(directory: Path, frameworks: list[str]) -> subprocess.Popen:
    env = {**os.environ, "LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}
    env.pop("BC_API_KEY", None)
    env.pop("PRISMA_API_URL", None)
    cmd = [
        find_tool("checkov"),
        "--directory",
        str(directory),
        "--framework",
        *frameworks,
        "--skip-download",
        "--output",
        "json",
        "--compact",
    ]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def reports(process: subprocess.Popen) -> list[dict]:
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    # Exit code 1 means "failed checks": the assertions below say which.
    assert process.returncode in (0, 1), (
        f"checkov crashed ({process.returncode}):\n{stderr[-3000:]}"
    )
    data = json.loads(stdout)
    return data if isinstance(data, list) else [data]


@pytest.fixture(scope="module")
def checkov_results(tmp_path_factory) -> dict[str, dict]:
    """Run checkov twice, in parallel: OpenTofu, and manifests + Dockerfile."""
    manifests = tmp_path_factory.mktemp("rendered")
    for overlay in OVERLAYS:
        objects = kustomize_build(KUSTOMIZE_DIR / "overlays" / overlay)
        (manifests / f"{overlay}.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
    platform = kustomize_build(KUSTOMIZE_DIR / "platform")
    (manifests / "platform.yaml").write_text(yaml.safe_dump_all(platform, sort_keys=False))
    shutil.copy(DOCKERFILE, manifests / "Dockerfile")

    terraform = start_checkov(OPENTOFU_DIR, ["terraform"])
    kubernetes = start_checkov(manifests, ["kubernetes", "dockerfile"])
    results = {}
    for process in (terraform, kubernetes):
        for report in reports(process):
            results[report["check_type"]] = report
    return results


@pytest.mark.parametrize("framework", ["terraform", "kubernetes", "dockerfile"])
def test_checkov_finds_nothing_unexplained(checkov_results: dict, framework: str) -> None:
    assert framework in checkov_results, f"checkov did not scan any {framework} file"
    report = checkov_results[framework]
    summary = report["summary"]
    assert summary["parsing_errors"] == 0, summary
    assert summary["resource_count"] > 0 and summary["passed"] > 0, summary
    failed = [
        f"{c['check_id']} {c['check_name']}: {c['resource']} ({c.get('file_path')})"
        for c in report["results"].get("failed_checks", [])
    ]
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("framework", ["terraform", "kubernetes"])
def test_every_skip_gives_a_reason(checkov_results: dict, framework: str) -> None:
    skipped = checkov_results[framework]["results"].get("skipped_checks", [])
    assert skipped, "expected the documented skips to be seen"
    for check in skipped:
        reason = (check.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason) >= 30, f"{check['check_id']} on {check['resource']}: reason {reason!r}"
