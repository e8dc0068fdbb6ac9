"""The CLI's configuration file, read after its options and the environment.

``$CODITECT_LICENSE_CONFIG``, else ``$XDG_CONFIG_HOME/coditect/license.toml``
(``~/.config/coditect/license.toml``). Every key is optional::

    server = "https://license.example.com"
    license_key_file = "~/.config/coditect/license.key"
    hardware_id = "build-box-7"
    instance = "ci"
    cache_dir = "~/.cache/coditect-license"
    timeout = 10
    retries = 4

A ``license_key`` key is accepted too; the file should then be readable by its
owner only (``chmod 600``), like a key file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

ENV_CONFIG = "CODITECT_LICENSE_CONFIG"

_TYPES: dict[str, tuple[type, ...]] = {
    "server": (str,),
    "license_key": (str,),
    "license_key_file": (str,),
    "hardware_id": (str,),
    "instance": (str,),
    "cache_dir": (str,),
    "timeout": (int, float),
    "retries": (int,),
}
_PATHS = ("license_key_file", "cache_dir")


class ConfigError(ValueError):
    pass


def config_path() -> Path:
    explicit = os.environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "coditect" / "license.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The file's settings ({} when there is no file); ConfigError names a bad one."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    settings: dict[str, Any] = {}
    for key, value in data.items():
        expected = _TYPES.get(key)
        if expected is None:
            known = ", ".join(sorted(_TYPES))
            raise ConfigError(f"{path}: unknown key {key!r} (known: {known})")
        if isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(f"{path}: {key} must be a {expected[0].__name__}")
        settings[key] = str(Path(value).expanduser()) if key in _PATHS else value
    return settings
