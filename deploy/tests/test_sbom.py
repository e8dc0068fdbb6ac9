"""`make sbom`: CycloneDX files for the server's runtime and the dashboard, valid and whole."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .helpers import REPO_DIR

CHECK = REPO_DIR / "deploy" / "scripts" / "check_sbom.py"


@pytest.fixture(scope="module")
def sboms(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sbom")
    subprocess.run(
        ["make", "-s", "sbom", f"SBOM_DIR={folder}"], cwd=REPO_DIR, check=True, timeout=300
    )
    return folder


def components(path) -> dict[str, str]:
    return {c["name"].lower(): c.get("version") for c in json.loads(path.read_text())["components"]}


def test_the_python_sbom_lists_the_runtime_at_its_locked_versions(sboms):
    listed = components(sboms / "python.cdx.json")
    lock = (REPO_DIR / "uv.lock").read_text()
    django = listed["django"]
    assert f'name = "django"\nversion = "{django}"' in lock
    assert "gunicorn" in listed and "celery" in listed
    assert "pytest" not in listed and "ruff" not in listed  # no development tools


def test_the_dashboard_sbom_lists_what_ships_and_what_builds_it(sboms):
    listed = components(sboms / "dashboard.cdx.json")
    lock = json.loads((REPO_DIR / "frontend" / "package-lock.json").read_text())["packages"]
    for name in ("react", "react-dom", "@tanstack/react-query", "vite"):
        assert listed[name] == lock[f"node_modules/{name}"]["version"], name


def test_the_check_refuses_an_invalid_file(sboms, tmp_path):
    broken = json.loads((sboms / "dashboard.cdx.json").read_text())
    broken["components"][0]["type"] = "not-a-component-type"
    path = tmp_path / "broken.cdx.json"
    path.write_text(json.dumps(broken))
    result = subprocess.run(
        [sys.executable, str(CHECK), str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "broken.cdx.json" in result.stderr
