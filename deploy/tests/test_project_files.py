"""The files that let others adopt the project: license, versions, changelog, CI, updates."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from .helpers import REPO_DIR

SCRIPT = REPO_DIR / "deploy" / "scripts" / "audit_deps.py"


def _audit_deps():
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_license_declared_everywhere():
    text = (REPO_DIR / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    # The SDK is built from sdk/ alone, so it carries its own copy: the same file.
    assert (REPO_DIR / "sdk" / "LICENSE").read_text() == text
    for pyproject in (REPO_DIR / "pyproject.toml", REPO_DIR / "sdk" / "pyproject.toml"):
        assert tomllib.loads(pyproject.read_text())["project"]["license"] == "Apache-2.0"
    assert json.loads((REPO_DIR / "frontend" / "package.json").read_text())["license"] == (
        "Apache-2.0"
    )


def test_every_version_is_the_platform_version_and_the_changelogs_last_release():
    version = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]["version"]
    sdk = (REPO_DIR / "sdk" / "src" / "coditect_license_client" / "_version.py").read_text()
    assert re.search(r'__version__ = "(.+)"', sdk).group(1) == version
    dashboard = json.loads((REPO_DIR / "frontend" / "package.json").read_text())
    assert dashboard["version"] == version
    changelog = (REPO_DIR / "CHANGELOG.md").read_text()
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.M)
    assert releases and releases[0] == version
    assert "## [Unreleased]" in changelog


def test_dependabot_watches_every_kind_of_pinned_dependency():
    config = yaml.safe_load((REPO_DIR / ".github" / "dependabot.yml").read_text())
    watched = {u["package-ecosystem"]: u for u in config["updates"]}
    assert {"uv", "npm", "docker", "terraform"} <= set(watched)
    for update in config["updates"]:
        folders = update.get("directories") or [update["directory"]]
        for folder in folders:
            matches = list(REPO_DIR.glob(folder.strip("/"))) if folder != "/" else [REPO_DIR]
            assert matches and all(m.is_dir() for m in matches), folder
    assert (REPO_DIR / watched["npm"]["directory"].strip("/") / "package-lock.json").exists()
    assert (REPO_DIR / "Dockerfile").exists() and (REPO_DIR / "uv.lock").exists()


def test_the_ci_workflow_audits_both_locks_with_the_allowlist():
    workflow = yaml.safe_load((REPO_DIR / ".github" / "workflows" / "ci.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["audit"]["steps"]]
    assert "python deploy/scripts/audit_deps.py python" in steps
    assert "python deploy/scripts/audit_deps.py npm" in steps
    assert "bash .ci/run" in [s.get("run") for s in workflow["jobs"]["test"]["steps"]]
    _audit_deps().load_allowlist()  # parses, and every entry has its reason


def test_an_allowlist_entry_needs_a_reason(tmp_path: Path):
    audit = _audit_deps()
    path = tmp_path / "allow.toml"
    path.write_text(
        '[[advisory]]\nid = "GHSA-1"\npackage = "x"\nreason = ""\nreview_by = 2027-01-01\n'
    )
    with pytest.raises(ValueError, match="GHSA-1"):
        audit.load_allowlist(path)
    path.write_text(
        '[[advisory]]\nid = "GHSA-1"\npackage = "x"\nreason = "not reachable"\n'
        "review_by = 2027-01-01\n"
    )
    assert set(audit.load_allowlist(path)) == {"GHSA-1"}


def test_npm_findings_block_high_advisories_unless_allowed():
    report = {
        "vulnerabilities": {
            "lodash": {
                "severity": "high",
                "via": [
                    {
                        "url": "https://github.com/advisories/GHSA-aaaa",
                        "severity": "high",
                        "title": "Prototype pollution",
                    },
                    {"url": "https://github.com/advisories/GHSA-low", "severity": "low"},
                ],
            },
            "uses-lodash": {"severity": "high", "via": ["lodash"]},
            "minimist": {"severity": "moderate", "via": [{"url": ".../GHSA-mod"}]},
        }
    }
    audit = _audit_deps()
    assert audit.npm_findings(report, {}) == ["lodash: GHSA-aaaa Prototype pollution"]
    assert audit.npm_findings(report, {"GHSA-aaaa": {}}) == []
