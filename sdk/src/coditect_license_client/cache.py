"""A small on-disk JSON cache (JWKS and the last lease), private to the user.

Files are written atomically (temporary file + rename) with mode 0600 in a
0700 folder. The license key is never written: entries are named by digests.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ENV_CACHE_DIR = "CODITECT_LICENSE_CACHE"


def default_cache_dir() -> Path:
    """``$CODITECT_LICENSE_CACHE``, else the platform's per-user cache folder."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "coditect-license" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "coditect-license"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coditect-license"


def digest(*parts: str | None) -> str:
    """A short, stable file-name-safe digest of ``parts``."""
    joined = "\x00".join(part or "" for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


class DiskCache:
    """JSON documents by name under one folder; every failure to write is tolerated."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def path(self, name: str) -> Path:
        return self.root / f"{name}.json"

    def read(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write(self, name: str, data: dict[str, Any]) -> bool:
        """Write ``data`` atomically; return False (never raise) if the disk refuses."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.root)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=1, sort_keys=True)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path(name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return False
        return True

    def delete(self, name: str) -> None:
        with contextlib.suppress(OSError):
            self.path(name).unlink()
