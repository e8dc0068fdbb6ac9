"""(6) The operator Role can do what the runbook (docs/deploy.md) and rollout.sh ask
of an operator, and nothing on the objects that bound the team (RBAC, quota, limits):
those are a cluster admin's, applied with `rollout.sh --platform`."""

from __future__ import annotations

import pytest

from .helpers import OVERLAYS, REPO_DIR, one

COMPONENT = "app.kubernetes.io/component"
# kind -> (API group, resource) for every kind the overlays render.
RESOURCES = {
    "ConfigMap": ("", "configmaps"),
    "Service": ("", "services"),
    "ServiceAccount": ("", "serviceaccounts"),
    "Deployment": ("apps", "deployments"),
    "Job": ("batch", "jobs"),
    "HorizontalPodAutoscaler": ("autoscaling", "horizontalpodautoscalers"),
    "PodDisruptionBudget": ("policy", "poddisruptionbudgets"),
    "Ingress": ("networking.k8s.io", "ingresses"),
    "NetworkPolicy": ("networking.k8s.io", "networkpolicies"),
    "Certificate": ("cert-manager.io", "certificates"),
    "ServiceMonitor": ("monitoring.coreos.com", "servicemonitors"),
    "PodMonitor": ("monitoring.coreos.com", "podmonitors"),
    "PrometheusRule": ("monitoring.coreos.com", "prometheusrules"),
    "SecretProviderClass": ("secrets-store.csi.x-k8s.io", "secretproviderclasses"),
    "Namespace": ("", "namespaces"),
    "Role": ("rbac.authorization.k8s.io", "roles"),
    "RoleBinding": ("rbac.authorization.k8s.io", "rolebindings"),
    "ResourceQuota": ("", "resourcequotas"),
    "LimitRange": ("", "limitranges"),
}
# What docs/deploy.md tells an operator to run, and what each needs.
RUNBOOK = {
    "kubectl -n coditect exec": [("", "pods/exec", "create"), ("", "pods", "get")],
    "kubectl -n coditect run redis-flush --rm -i": [
        ("", "pods", "create"),
        ("", "pods/attach", "create"),
        ("", "pods", "delete"),
    ],
    "rollout restart deployment/": [("apps", "deployments", "patch")],
    "rollout undo deployment/": [("apps", "deployments", "patch"), ("apps", "replicasets", "list")],
    "kubectl -n coditect scale deployment/": [("apps", "deployments/scale", "patch")],
    "logs job/coditect-migrate": [("", "pods/log", "get")],
    "delete job coditect-migrate": [("batch", "jobs", "delete")],
    "kubectl -n coditect get certificate": [("cert-manager.io", "certificates", "get")],
}


def grants(role: dict) -> set[tuple[str, str, str]]:
    return {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        for verb in rule["verbs"]
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_operator_can_apply_every_release_object(rendered: dict, overlay: str) -> None:
    objects = rendered[overlay]
    allowed = grants(one(objects, "Role", "coditect-operator"))
    for obj in objects:
        group, resource = RESOURCES[obj["kind"]]
        platform = obj["metadata"].get("labels", {}).get(COMPONENT) == "platform"
        for verb in ("get", "create", "patch"):
            assert ((group, resource, verb) in allowed) != platform, (
                f"{obj['kind']}/{obj['metadata']['name']}: {verb}"
            )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_operator_can_run_the_runbook(rendered: dict, overlay: str) -> None:
    runbook = (REPO_DIR / "docs" / "deploy.md").read_text()
    rollout = (REPO_DIR / "deploy" / "scripts" / "rollout.sh").read_text()
    allowed = grants(one(rendered[overlay], "Role", "coditect-operator"))
    for command, needs in RUNBOOK.items():
        assert command in runbook or command in rollout, f"runbook no longer says {command!r}"
        for need in needs:
            assert need in allowed, f"{command}: {need}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_operator_cannot_lift_its_own_bounds(rendered: dict, overlay: str) -> None:
    allowed = grants(one(rendered[overlay], "Role", "coditect-operator"))
    for resource in ("roles", "rolebindings", "resourcequotas", "limitranges", "secrets"):
        assert not [g for g in allowed if g[1] == resource], resource
    assert not [g for g in allowed if "*" in g], "no wildcards"
