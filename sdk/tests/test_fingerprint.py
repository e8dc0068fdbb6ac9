import re
from pathlib import Path

import pytest

from coditect_license_client import fingerprint as fp


def test_it_is_stable_prefixed_and_short(monkeypatch):
    monkeypatch.delenv(fp.ENV_OVERRIDE, raising=False)
    first = fp.hardware_fingerprint()
    assert first == fp.hardware_fingerprint()
    assert re.fullmatch(r"hw1-[0-9a-f]{64}", first)
    assert len(first) <= fp.MAX_LENGTH


def test_it_reveals_no_source(monkeypatch):
    monkeypatch.delenv(fp.ENV_OVERRIDE, raising=False)
    value = fp.hardware_fingerprint()
    machine_id = Path("/etc/machine-id")
    if machine_id.exists() and machine_id.read_text().strip():
        assert machine_id.read_text().strip() not in value
    mac = fp._real_mac()
    if mac:
        assert mac not in value
    assert all(":" not in name for name in fp.fingerprint_sources())


def test_the_namespace_and_extra_change_it(monkeypatch):
    monkeypatch.delenv(fp.ENV_OVERRIDE, raising=False)
    base = fp.hardware_fingerprint()
    assert fp.hardware_fingerprint(namespace="another-app") != base
    assert fp.hardware_fingerprint(extra=["alice"]) != base


def test_the_fallback_hashes_hostname_and_mac(monkeypatch):
    monkeypatch.delenv(fp.ENV_OVERRIDE, raising=False)
    monkeypatch.setattr(fp, "_MACHINE_ID_SOURCES", ())
    assert fp.fingerprint_sources()[:2] == ["hostname", "arch"]
    assert fp.hardware_fingerprint().startswith("hw1-")


def test_the_environment_overrides_it(monkeypatch):
    monkeypatch.setenv(fp.ENV_OVERRIDE, "build-agent-7")
    assert fp.hardware_fingerprint() == "build-agent-7"
    assert fp.hardware_fingerprint(use_env=False).startswith("hw1-")


def test_an_override_must_fit_the_server_limit():
    with pytest.raises(ValueError):
        fp.validate_hardware_id("x" * 129)
    with pytest.raises(ValueError):
        fp.validate_hardware_id("  ")
