"""Audit the locked dependencies for known advisories, minus the reasoned allowlist.

    python deploy/scripts/audit_deps.py python   # pip-audit on the exported uv lock
    python deploy/scripts/audit_deps.py npm      # npm audit of the dashboard (no dev deps)

Needs the network (the advisory databases): CI runs it (.github/workflows/ci.yml).
Allowed advisories are in .github/audit-allowlist.toml, each with its reason.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ALLOWLIST = REPO / ".github" / "audit-allowlist.toml"
BLOCKING = {"high", "critical"}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed")
    return found


def load_allowlist(path: Path = ALLOWLIST) -> dict[str, dict[str, Any]]:
    """{advisory id: entry}; an entry without a reason or a review date is an error."""
    entries = tomllib.loads(path.read_text()).get("advisory", [])
    allowed = {}
    for entry in entries:
        missing = {"id", "package", "reason", "review_by"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            raise ValueError(
                f"{path}: entry {entry.get('id')!r} lacks {sorted(missing) or 'a reason'}"
            )
        if not isinstance(entry["review_by"], date):
            raise ValueError(f"{path}: {entry['id']}: review_by must be a date")
        allowed[entry["id"]] = entry
    return allowed


def npm_findings(report: dict[str, Any], allowed: dict[str, Any]) -> list[str]:
    """High and critical advisories of an ``npm audit --json`` report not on the allowlist."""
    found = []
    for name, vulnerability in report.get("vulnerabilities", {}).items():
        if vulnerability.get("severity") not in BLOCKING:
            continue
        for via in vulnerability.get("via", []):
            if not isinstance(via, dict):
                continue  # a package name: its own advisories are listed under it
            advisory = str(via.get("url", "")).rsplit("/", 1)[-1] or str(via.get("source"))
            if advisory not in allowed and via.get("severity") in BLOCKING:
                found.append(f"{name}: {advisory} {via.get('title', '')}".strip())
    return found


def audit_python(allowed: dict[str, Any]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        subprocess.run(
            [
                tool("uv"),
                "export",
                "--frozen",
                "--no-emit-workspace",
                "--quiet",
                "-o",
                str(requirements),
            ],
            cwd=REPO,
            check=True,
        )
        ignores = [arg for advisory in allowed for arg in ("--ignore-vuln", advisory)]
        # The export pins every package with its hashes: nothing to resolve, no pip run.
        command = [tool("pip-audit"), "--strict", "--disable-pip", "-r", str(requirements)]
        return subprocess.run([*command, *ignores], cwd=REPO).returncode


def audit_npm(allowed: dict[str, Any]) -> int:
    result = subprocess.run(
        [tool("npm"), "audit", "--omit=dev", "--audit-level=high", "--json"],
        cwd=REPO / "frontend",
        capture_output=True,
        text=True,
    )
    findings = npm_findings(json.loads(result.stdout or "{}"), allowed)
    for line in findings:
        print(line, file=sys.stderr)
    return 1 if findings else 0


def main(argv: list[str]) -> int:
    if argv not in (["python"], ["npm"]):
        print(__doc__, file=sys.stderr)
        return 2
    allowed = load_allowlist()
    return audit_python(allowed) if argv == ["python"] else audit_npm(allowed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
