"""A stable, privacy-preserving hardware fingerprint.

The fingerprint is ``hw1-`` followed by the HMAC-SHA256 (keyed with an
application namespace) of the machine's stable identifier: the systemd/D-Bus
machine id on Linux, ``IOPlatformUUID`` on macOS, ``MachineGuid`` on Windows,
``/etc/hostid`` or the SMBIOS UUID on the BSDs. This is what ``machine-id(5)``
asks applications to do: never send the raw id, send a keyed hash of it, so
that two applications cannot correlate the same machine.

When no such identifier exists (some containers), the hash is taken over the
hostname, the architecture and the MAC address from :func:`uuid.getnode`
(only when it is a real one). Raw values never leave this module: only the
digest is returned, and :func:`fingerprint_sources` names the sources used
without their values.

The caller can always override it: pass ``hardware_id=`` to the client, or set
``CODITECT_HARDWARE_ID``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import platform
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

ENV_OVERRIDE = "CODITECT_HARDWARE_ID"
DEFAULT_NAMESPACE = "coditect-license/hardware-id/v1"
PREFIX = "hw1-"
MAX_LENGTH = 128

_HEX_ID = re.compile(r"^[0-9a-fA-F-]{16,}$")


def _read_file(path: str) -> str | None:
    try:
        value = Path(path).read_text(encoding="ascii", errors="ignore").strip()
    except OSError:
        return None
    return value or None


def _linux_machine_id() -> str | None:
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        value = _read_file(path)
        # An uninitialised machine-id is empty or the literal "uninitialized".
        if value and _HEX_ID.match(value) and set(value) != {"0"}:
            return value.lower()
    return None


def _run(args: list[str]) -> str | None:
    try:
        out = subprocess.run(  # noqa: S603 - fixed argument lists, no shell
            args, capture_output=True, text=True, timeout=3, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def _macos_platform_uuid() -> str | None:
    if sys.platform != "darwin":
        return None
    out = _run(["/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice"])
    match = re.search(r'"IOPlatformUUID"\s*=\s*"([^"]+)"', out or "")
    return match.group(1).lower() if match else None


def _windows_machine_guid() -> str | None:
    if sys.platform != "win32":
        return None
    try:
        import winreg

        flags = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
        with winreg.OpenKey(
            winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0, flags
        ) as key:
            value, _ = winreg.QueryValueEx(key, "MachineGuid")
    except (ImportError, OSError):
        return None
    return str(value).lower() or None


def _bsd_host_id() -> str | None:
    if not sys.platform.startswith(("freebsd", "openbsd", "netbsd", "dragonfly")):
        return None
    value = _read_file("/etc/hostid")
    if value:
        return value.lower()
    out = _run(["/bin/kenv", "-q", "smbios.system.uuid"])
    return out.strip().lower() if out and out.strip() else None


_MACHINE_ID_SOURCES: tuple[tuple[str, Callable[[], str | None]], ...] = (
    ("machine-id", _linux_machine_id),
    ("IOPlatformUUID", _macos_platform_uuid),
    ("MachineGuid", _windows_machine_guid),
    ("hostid", _bsd_host_id),
)


def _real_mac() -> str | None:
    node = uuid.getnode()
    # uuid.getnode() falls back to a random number with the multicast bit set.
    if node >> 40 & 0x01:
        return None
    return f"{node:012x}"


def _collect() -> list[tuple[str, str]]:
    for name, source in _MACHINE_ID_SOURCES:
        value = source()
        if value:
            return [(name, value)]
    fallback = [("hostname", socket.gethostname().lower()), ("arch", platform.machine())]
    mac = _real_mac()
    if mac:
        fallback.append(("mac", mac))
    return fallback


def fingerprint_sources() -> list[str]:
    """The names (never the values) of the sources the fingerprint is made of."""
    return [name for name, _ in _collect()]


def hardware_fingerprint(
    *,
    namespace: str = DEFAULT_NAMESPACE,
    extra: Iterable[str] = (),
    use_env: bool = True,
) -> str:
    """This machine's hardware id, as sent to the license server.

    ``CODITECT_HARDWARE_ID`` wins when set (and ``use_env`` is true). ``extra``
    strings are mixed into the hash (e.g. a user name to tell users of one
    machine apart). The result is stable across runs and reboots, at most
    128 characters, and reveals none of its sources.
    """
    if use_env:
        override = os.environ.get(ENV_OVERRIDE, "").strip()
        if override:
            return validate_hardware_id(override)
    parts = [f"{name}={value}" for name, value in _collect()]
    parts.extend(f"extra={value}" for value in extra)
    message = "\x00".join(parts).encode("utf-8")
    digest = hmac.new(namespace.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return PREFIX + digest


def validate_hardware_id(value: str) -> str:
    """Check a caller-supplied hardware id against the server's limits (1..128 chars)."""
    value = value.strip()
    if not 1 <= len(value) <= MAX_LENGTH:
        raise ValueError(f"hardware id must be 1 to {MAX_LENGTH} characters, got {len(value)}")
    return value
