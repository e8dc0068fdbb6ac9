"""Validate CycloneDX JSON files against their spec version's schema (bundled, offline).

    python deploy/scripts/check_sbom.py FILE...

Exits 1 naming each file that is not a valid CycloneDX document or lists no
components.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def problems(path: Path) -> list[str]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return [f"{path}: {exc}"]
    if document.get("bomFormat") != "CycloneDX":
        return [f"{path}: not a CycloneDX document"]
    try:
        version = SchemaVersion.from_version(document.get("specVersion", ""))
    except ValueError:
        return [f"{path}: unknown specVersion {document.get('specVersion')!r}"]
    error = JsonStrictValidator(version).validate_str(json.dumps(document))
    if error is not None:
        return [f"{path}: {error}"]
    if not document.get("components"):
        return [f"{path}: lists no components"]
    return []


def main(paths: list[str]) -> int:
    found = [p for path in paths for p in problems(Path(path))]
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        print(f"valid CycloneDX: {', '.join(paths)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
