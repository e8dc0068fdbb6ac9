"""Helpers shared by the deployment validation tests.

Everything here is offline and fast. The external tools (kubectl for
kustomize, hadolint, checkov) are looked up once; a missing tool FAILS the
tests that need it (it never skips them): a green run must mean every check
ran. See deploy/README.md for how the tools are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = DEPLOY_DIR.parent
KUSTOMIZE_DIR = DEPLOY_DIR / "kubernetes"
OVERLAYS = ("dev", "prod")
OPENTOFU_DIR = DEPLOY_DIR / "opentofu"
DOCKERFILE = REPO_DIR / "Dockerfile"


def find_tool(name: str) -> str:
    """Path of an executable: $<NAME>, PATH, this interpreter's bin, uv's tool bin.

    Fails the calling test with an install hint when the tool is nowhere.
    """
    variable = name.upper().replace("-", "_")
    if os.environ.get(variable):
        # An explicit choice is used as given, never silently replaced.
        candidates = [os.environ[variable]]
    else:
        candidates = [shutil.which(name), str(Path(sys.executable).parent / name)]
        for tool_bin in (os.environ.get("UV_TOOL_BIN_DIR"), os.environ.get("XDG_BIN_HOME")):
            if tool_bin:
                candidates.append(str(Path(tool_bin) / name))
        candidates.append(str(Path.home() / ".local" / "bin" / name))
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        f"{name} not found (looked at ${name.upper()}, PATH, {Path(sys.executable).parent}, "
        f"~/.local/bin). Install it as deploy/README.md says; these tests never skip.",
        pytrace=False,
    )


def run(
    cmd: list[str], *, timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False
    )


def kustomize_build(path: Path) -> list[dict]:
    """Render a kustomization with kubectl's built-in kustomize."""
    result = run([find_tool("kubectl"), "kustomize", str(path)])
    assert result.returncode == 0, f"kustomize build {path} failed:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[dict], kind: str, name: str) -> dict:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def pod_spec(obj: dict) -> dict:
    """The pod template spec of a workload object."""
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj["spec"]["template"]["spec"]


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def workloads(objects: list[dict]) -> list[dict]:
    return [o for o in objects if o["kind"] in WORKLOAD_KINDS]
