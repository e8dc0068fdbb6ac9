"""(1) Every kustomization builds, and every rendered object is a valid
Kubernetes object: core kinds against the official OpenAPI-derived JSON
schemas bundled in kubernetes-validate (strict: unknown fields are errors),
CRD kinds against the hand-written subsets in ./schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest

from .helpers import KUSTOMIZE_DIR, OVERLAYS, kustomize_build

# Oldest Kubernetes minor the manifests must work on (GKE STABLE channel) and
# the newest one the bundled schemas know.
KUBERNETES_VERSIONS = ("1.32", kubernetes_validate.latest_version())

SCHEMA_DIR = Path(__file__).parent / "schemas"
# (kind, apiVersion) -> schema file, named <kind>-<group>-<version>.json.
CRD_SCHEMAS = {
    ("servicemonitor", "monitoring.coreos.com/v1"): SCHEMA_DIR
    / "servicemonitor-monitoring.coreos.com-v1.json",
    ("podmonitor", "monitoring.coreos.com/v1"): SCHEMA_DIR
    / "podmonitor-monitoring.coreos.com-v1.json",
    ("prometheusrule", "monitoring.coreos.com/v1"): SCHEMA_DIR
    / "prometheusrule-monitoring.coreos.com-v1.json",
    ("secretproviderclass", "secrets-store.csi.x-k8s.io/v1"): SCHEMA_DIR
    / "secretproviderclass-secrets-store.csi.x-k8s.io-v1.json",
    ("certificate", "cert-manager.io/v1"): SCHEMA_DIR / "certificate-cert-manager.io-v1.json",
    ("clusterissuer", "cert-manager.io/v1"): SCHEMA_DIR / "clusterissuer-cert-manager.io-v1.json",
}


def crd_schema(obj: dict) -> dict | None:
    path = CRD_SCHEMAS.get((obj["kind"].lower(), obj["apiVersion"]))
    return json.loads(path.read_text()) if path else None


def validate(obj: dict, version: str) -> None:
    schema = crd_schema(obj)
    if schema is not None:
        jsonschema.Draft202012Validator(schema).validate(obj)
        return
    kubernetes_validate.validate(obj, version, strict=True)


def test_crd_schemas_are_valid_schemas() -> None:
    assert sorted(SCHEMA_DIR.glob("*.json")) == sorted(CRD_SCHEMAS.values())
    for path in CRD_SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_builds(rendered: dict, overlay: str) -> None:
    kinds = {o["kind"] for o in rendered[overlay]}
    assert {
        "Namespace",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "NetworkPolicy",
        "ResourceQuota",
        "LimitRange",
        "ConfigMap",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
        "Ingress",
        "Certificate",
        "ServiceMonitor",
        "PodMonitor",
        "PrometheusRule",
        "SecretProviderClass",
    } <= kinds


def test_base_and_platform_build(rendered_platform: list) -> None:
    assert kustomize_build(KUSTOMIZE_DIR / "base")
    assert [o["kind"] for o in rendered_platform] == ["ClusterIssuer", "ClusterIssuer"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates(rendered: dict, overlay: str, version: str) -> None:
    errors = []
    for obj in rendered[overlay]:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            validate(obj, version)
        except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as exc:
            where = ".".join(str(p) for p in exc.path)
            errors.append(f"{name}: {where}: {exc.message}")
        except kubernetes_validate.SchemaNotFoundError as exc:
            errors.append(f"{name}: no schema ({exc.message}); add one under deploy/tests/schemas")
    assert not errors, "\n".join(errors)


def test_platform_objects_validate(rendered_platform: list) -> None:
    for obj in rendered_platform:
        validate(obj, KUBERNETES_VERSIONS[-1])


def test_a_typo_is_caught() -> None:
    """The validation is strict: a misspelt field fails, in core and CRD kinds."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "i:1", "livenesProbe": {}}]},
            },
        },
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment, KUBERNETES_VERSIONS[-1])
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "x", "namespace": "y"},
        "spec": {"selector": {}, "endpoints": [{"port": "http", "intervall": "30s"}]},
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(monitor, KUBERNETES_VERSIONS[-1])
