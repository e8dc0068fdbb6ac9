"""Session fixtures: every kustomization is rendered once per test run."""

from __future__ import annotations

import pytest

from .helpers import KUSTOMIZE_DIR, OVERLAYS, kustomize_build


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict]]:
    """Every overlay rendered once per session: {"dev": [...], "prod": [...]}."""
    return {name: kustomize_build(KUSTOMIZE_DIR / "overlays" / name) for name in OVERLAYS}


@pytest.fixture(scope="session")
def rendered_platform() -> list[dict]:
    return kustomize_build(KUSTOMIZE_DIR / "platform")
