"""The operator scripts: shellcheck-clean, and the label selectors that
rollout.sh relies on match the rendered objects."""

from __future__ import annotations

import re

import pytest

from .helpers import DEPLOY_DIR, OVERLAYS, find_tool, run, workloads

SCRIPTS = sorted((DEPLOY_DIR / "scripts").glob("*.sh"))
COMPONENT = "app.kubernetes.io/component"


def test_scripts_exist_and_are_executable() -> None:
    assert {s.name for s in SCRIPTS} == {"rollout.sh"}
    for script in SCRIPTS:
        assert script.stat().st_mode & 0o111, script
        assert script.read_text().startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in script.read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shellcheck_is_clean(script) -> None:
    result = run([find_tool("shellcheck"), "--severity=style", str(script)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rollout_phases_select_the_right_objects(rendered: dict, overlay: str) -> None:
    text = (DEPLOY_DIR / "scripts" / "rollout.sh").read_text()
    [late] = re.findall(r"component notin \(([^)]*)\)", text)
    late_components = set(late.split(","))
    assert "platform" in late_components
    objects = rendered[overlay]
    # Every app workload is held back from phase 1 ...
    for obj in workloads(objects):
        if (
            obj["metadata"]["name"].startswith("coditect-")
            and obj["metadata"]["name"] != "coditect-redis"
        ):
            assert obj["metadata"]["labels"][COMPONENT] in late_components, obj["metadata"]["name"]
    # ... while what the migration Job needs is applied in phase 1.
    early = [
        o for o in objects if o["metadata"].get("labels", {}).get(COMPONENT) not in late_components
    ]
    early_kinds = {
        (
            o["kind"],
            o["metadata"]["name"].rsplit("-", 1)[0]
            if o["kind"] == "ConfigMap"
            else o["metadata"]["name"],
        )
        for o in early
    }
    assert {
        ("SecretProviderClass", "coditect-app"),
        ("ServiceAccount", "coditect-migrate"),
        ("ConfigMap", "coditect-config"),
        ("NetworkPolicy", "datastore-clients-egress"),
    } <= early_kinds
    # Only a cluster admin applies the platform objects (--platform).
    platform = sorted(
        o["kind"] for o in objects if o["metadata"].get("labels", {}).get(COMPONENT) == "platform"
    )
    assert platform == [
        "LimitRange",
        "Namespace",
        "ResourceQuota",
        "Role",
        "Role",
        "RoleBinding",
        "RoleBinding",
    ]
    assert "--selector 'app.kubernetes.io/component=platform'" in text
    # Phase 2 selects exactly the Job.
    migrate = [o for o in objects if o["metadata"].get("labels", {}).get(COMPONENT) == "migrate"]
    assert [(o["kind"], o["metadata"]["name"]) for o in migrate] == [("Job", "coditect-migrate")]


# --- digest pinning: rollout.sh against stub kubectl and gcloud ----------------

DIGEST = "sha256:" + "ab" * 32
STUB_KUBECTL = """#!/usr/bin/env bash
echo "$*" >>"$CALLS"
case "$1" in
  kustomize) exec "$REAL_KUBECTL" "$@" ;;
  config) echo test-context ;;
esac
case "$*" in
  *jsonpath*) echo "Complete " ;;
esac
exit 0
"""
STUB_GCLOUD = f"""#!/usr/bin/env bash
echo "$*" >>"$CALLS"
echo {DIGEST}
"""


@pytest.fixture
def rollout(tmp_path):
    import shutil
    import subprocess

    from .helpers import KUSTOMIZE_DIR

    root = tmp_path / "kubernetes"
    shutil.copytree(KUSTOMIZE_DIR, root)
    for name, text in (("kubectl", STUB_KUBECTL), ("gcloud", STUB_GCLOUD)):
        stub = tmp_path / name
        stub.write_text(text)
        stub.chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()

    def run_rollout(*args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
        env = {
            "PATH": "/usr/bin:/bin",
            "KUBECTL": str(tmp_path / "kubectl"),
            "GCLOUD": str(tmp_path / "gcloud"),
            "REAL_KUBECTL": find_tool("kubectl"),
            "KUSTOMIZE_ROOT": str(root),
            "CALLS": str(calls),
        }
        result = subprocess.run(
            [str(DEPLOY_DIR / "scripts" / "rollout.sh"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return result, calls.read_text().splitlines()

    run_rollout.root = root
    return run_rollout


def test_prod_refuses_an_image_not_pinned_by_digest(rollout) -> None:
    result, calls = rollout("prod")
    assert result.returncode == 1
    assert "pinned by digest only" in result.stderr
    assert not [c for c in calls if c.startswith("apply")]


def test_pin_resolves_the_tag_and_writes_the_digest(rollout) -> None:
    result, calls = rollout("prod", "--pin", "0.2.0")
    assert result.returncode == 0, result.stderr
    registry = "europe-west1-docker.pkg.dev/coditect-prod/coditect/coditect-license"
    assert f"artifacts docker images describe {registry}:0.2.0" in calls[0]
    text = (rollout.root / "overlays" / "prod" / "kustomization.yaml").read_text()
    assert "    newTag: 0.2.0\n    digest: " + DIGEST in text
    assert any(c.startswith("apply") for c in calls)
    # Pinning again replaces the digest instead of adding a second one.
    rollout("prod", "--pin", "0.2.0")
    text = (rollout.root / "overlays" / "prod" / "kustomization.yaml").read_text()
    assert text.count("digest:") == 1


def test_dev_may_roll_out_a_tag(rollout) -> None:
    result, _ = rollout("dev")
    assert result.returncode == 0, result.stderr
