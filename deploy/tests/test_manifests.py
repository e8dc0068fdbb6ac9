"""(2) Assertions on the rendered objects of every overlay: what the platform
promises about availability, security and configuration."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from .helpers import KUSTOMIZE_DIR, OVERLAYS, by_kind, kustomize_build, one, pod_spec, workloads

APP_UID = 10001
APP_WORKLOADS = ("coditect-api", "coditect-worker", "coditect-beat", "coditect-migrate")
NAMESPACE = "coditect"
EXPECTED_API_REPLICAS = {"dev": 1, "prod": 3}
EXPECTED_HPA = {"base": (2, 10), "dev": (1, 3), "prod": (3, 10)}
DASHBOARD_METRICS = (
    "coditect_seat_acquire_total",
    "coditect_seat_heartbeat_total",
    "coditect_seat_release_total",
    "coditect_seat_reap_total",
    "coditect_seats_in_use",
    "django_http_requests_latency_seconds_by_view_method",
)

overlays = pytest.mark.parametrize("overlay", OVERLAYS)


def app_workloads(objects: list[dict]) -> list[dict]:
    return [o for o in workloads(objects) if o["metadata"]["name"] in APP_WORKLOADS]


def containers(obj: dict) -> list[dict]:
    spec = pod_spec(obj)
    return spec.get("initContainers", []) + spec["containers"]


def config(objects: list[dict]) -> dict:
    [cm] = [
        c
        for c in by_kind(objects, "ConfigMap")
        if c["metadata"]["name"].startswith("coditect-config-")
    ]
    return cm["data"]


# --- API availability -------------------------------------------------------


@overlays
def test_api_replicas(rendered: dict, overlay: str) -> None:
    api = one(rendered[overlay], "Deployment", "coditect-api")
    assert api["spec"]["replicas"] == EXPECTED_API_REPLICAS[overlay]


@overlays
def test_api_rolls_out_without_losing_capacity(rendered: dict, overlay: str) -> None:
    strategy = one(rendered[overlay], "Deployment", "coditect-api")["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0
    assert strategy["rollingUpdate"]["maxSurge"] >= 1


@overlays
def test_api_probes(rendered: dict, overlay: str) -> None:
    [api] = one(rendered[overlay], "Deployment", "coditect-api")["spec"]["template"]["spec"][
        "containers"
    ]
    port_names = {p["name"]: p["containerPort"] for p in api["ports"]}
    expected = {
        "readinessProbe": "/readyz",
        "livenessProbe": "/healthz",
        "startupProbe": "/healthz",
    }
    for probe, path in expected.items():
        http = api[probe]["httpGet"]
        assert http["path"] == path, probe
        assert port_names.get(http["port"], http["port"]) == 8000, probe
        # Django refuses unknown Host headers: probes must send an allowed one.
        hosts = {h["value"] for h in http.get("httpHeaders", []) if h["name"].lower() == "host"}
        assert hosts and hosts <= set(config(rendered[overlay])["ALLOWED_HOSTS"].split(",")), probe
    assert api["startupProbe"]["failureThreshold"] * api["startupProbe"]["periodSeconds"] >= 30


@overlays
def test_api_spreads_over_zones_and_nodes(rendered: dict, overlay: str) -> None:
    spec = pod_spec(one(rendered[overlay], "Deployment", "coditect-api"))
    keys = {c["topologyKey"] for c in spec["topologySpreadConstraints"]}
    assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    for constraint in spec["topologySpreadConstraints"]:
        assert constraint["labelSelector"]["matchLabels"] == {
            "app.kubernetes.io/name": "coditect-api"
        }


@pytest.mark.parametrize("target", ["base", *OVERLAYS])
def test_hpa_bounds(rendered: dict, target: str) -> None:
    objects = kustomize_build(KUSTOMIZE_DIR / "base") if target == "base" else rendered[target]
    hpa = one(objects, "HorizontalPodAutoscaler", "coditect-api")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == EXPECTED_HPA[target]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "coditect-api",
    }
    [metric] = hpa["spec"]["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"


@overlays
def test_pdb_guards_the_api(rendered: dict, overlay: str) -> None:
    pdb = one(rendered[overlay], "PodDisruptionBudget", "coditect-api")
    assert pdb["spec"]["maxUnavailable"] == 1
    labels = one(rendered[overlay], "Deployment", "coditect-api")["spec"]["template"]["metadata"][
        "labels"
    ]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()


# --- Celery -------------------------------------------------------------------


@overlays
def test_beat_is_a_singleton(rendered: dict, overlay: str) -> None:
    beat = one(rendered[overlay], "Deployment", "coditect-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    [container] = beat["spec"]["template"]["spec"]["containers"]
    assert container["command"][:4] == ["celery", "-A", "coditect_license", "beat"]
    # The schedule file must be on the writable volume, not the read-only root.
    [schedule] = [a for a in container["command"] if a.startswith("--schedule=")]
    data_mount = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}["data"]
    assert schedule.split("=", 1)[1].startswith(data_mount + "/")


@overlays
def test_worker_runs_celery(rendered: dict, overlay: str) -> None:
    [container] = one(rendered[overlay], "Deployment", "coditect-worker")["spec"]["template"][
        "spec"
    ]["containers"]
    assert container["command"][:4] == ["celery", "-A", "coditect_license", "worker"]
    assert "livenessProbe" in container


@overlays
def test_migration_job(rendered: dict, overlay: str) -> None:
    job = one(rendered[overlay], "Job", "coditect-migrate")
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "backend/manage.py", "migrate", "--noinput"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migrate"
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"
    # rollout.sh applies the config and the Job alone first, by these labels.
    [cm] = [
        c
        for c in by_kind(rendered[overlay], "ConfigMap")
        if c["metadata"]["name"].startswith("coditect-config-")
    ]
    assert cm["metadata"]["labels"]["app.kubernetes.io/component"] == "config"


# --- security -----------------------------------------------------------------


@overlays
def test_pods_are_locked_down(rendered: dict, overlay: str) -> None:
    for obj in workloads(rendered[overlay]):
        spec = pod_spec(obj)
        name = obj["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        assert (
            not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC")
        ), name
        for container in containers(obj):
            sc = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["runAsNonRoot"] is True, where
            assert sc.get("privileged", False) is False, where
            assert sc["capabilities"]["drop"] == ["ALL"], where
            assert not sc["capabilities"].get("add"), where


@overlays
def test_app_runs_as_the_image_user_with_writable_tmp_and_data(
    rendered: dict, overlay: str
) -> None:
    data_dir = config(rendered[overlay])["DATA_DIR"]
    found = set()
    for obj in app_workloads(rendered[overlay]):
        found.add(obj["metadata"]["name"])
        spec = pod_spec(obj)
        assert spec["securityContext"]["runAsUser"] == APP_UID
        assert spec["securityContext"]["runAsGroup"] == APP_UID
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            assert container["securityContext"]["runAsUser"] == APP_UID
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            for path in ("/tmp", data_dir):
                assert path in mounts, f"{obj['metadata']['name']}: nothing mounted at {path}"
                volume = volumes[mounts[path]]
                assert "emptyDir" in volume and volume["emptyDir"].get("sizeLimit"), path
    assert found == set(APP_WORKLOADS)


@overlays
def test_every_container_has_requests_and_limits(rendered: dict, overlay: str) -> None:
    for obj in workloads(rendered[overlay]):
        for container in containers(obj):
            resources = container["resources"]
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= resources[part].keys(), (
                    f"{obj['metadata']['name']} {part}"
                )


@overlays
def test_images_are_pinned(rendered: dict, overlay: str) -> None:
    for obj in workloads(rendered[overlay]):
        for container in containers(obj):
            image = container["image"]
            if "@sha256:" in image:
                continue
            name, _, tag = image.rpartition(":")
            assert name and "/" not in tag, f"{image}: no tag"
            assert tag != "latest", f"{image}: latest"
            assert re.fullmatch(r"v?\d+(\.\d+)*([-.][\w.]+)?", tag), (
                f"{image}: tag {tag} is not a version"
            )


@overlays
def test_app_image_comes_from_the_overlay_registry(rendered: dict, overlay: str) -> None:
    images = {c["image"] for o in app_workloads(rendered[overlay]) for c in containers(o)}
    assert len(images) == 1, images
    [image] = images
    assert image.startswith(
        f"europe-west1-docker.pkg.dev/coditect-{overlay}/coditect/coditect-license:"
    )


@overlays
def test_no_secret_values_are_committed(rendered: dict, overlay: str) -> None:
    for secret in by_kind(rendered[overlay], "Secret"):
        assert not secret.get("data") and not secret.get("stringData"), secret["metadata"]["name"]
    # Secrets are referenced, never inlined: no credential-looking setting.
    suspicious = re.compile(
        r"SECRET|PASSWORD|PASSWD|PRIVATE|PEPPER|API_KEY|_URL$|_TOKEN$|^SIGNING_KEY$"
    )
    for key, value in config(rendered[overlay]).items():
        if key == "PUBLIC_URL":  # the public address links point at; no credentials in it
            assert "@" not in value
            continue
        assert not suspicious.search(key), key
        assert "://" not in value, key
    for obj in workloads(rendered[overlay]):
        for container in containers(obj):
            for env in container.get("env", []):
                if suspicious.search(env["name"]) and not env["name"].endswith(("_FILE", "_PATH")):
                    assert "value" not in env, (
                        f"{obj['metadata']['name']}: {env['name']} has a literal value"
                    )


CSI_DRIVER = "secrets-store-gke.csi.k8s.io"


def provided_files(objects: list[dict], provider_class: str) -> dict[str, str]:
    """{file path in the volume: Secret Manager resource} of a SecretProviderClass."""
    spc = one(objects, "SecretProviderClass", provider_class)
    entries = yaml.safe_load(spc["spec"]["parameters"]["secrets"])
    return {e["path"]: e["resourceName"] for e in entries}


def mounted_files(objects: list[dict], obj: dict) -> dict[str, str]:
    """{absolute path: Secret Manager resource} of every secret file a workload mounts."""
    spec = pod_spec(obj)
    classes = {
        v["name"]: v["csi"]["volumeAttributes"]["secretProviderClass"]
        for v in spec["volumes"]
        if "csi" in v
    }
    files = {}
    for container in spec["containers"]:
        for mount in container["volumeMounts"]:
            if mount["name"] in classes:
                for path, resource in provided_files(objects, classes[mount["name"]]).items():
                    files[f"{mount['mountPath']}/{path}"] = resource
    return files


@overlays
def test_app_secrets_are_secret_manager_files(rendered: dict, overlay: str) -> None:
    objects = rendered[overlay]
    for obj in app_workloads(objects):
        spec = pod_spec(obj)
        name = obj["metadata"]["name"]
        assert not [v for v in spec["volumes"] if "secret" in v], f"{name}: a Kubernetes Secret"
        for volume in spec["volumes"]:
            if "csi" in volume:
                assert volume["csi"]["driver"] == CSI_DRIVER and volume["csi"]["readOnly"]
        files = mounted_files(objects, obj)
        assert all(f.startswith("/var/run/secrets/coditect/") for f in files), name
        for resource in files.values():
            assert resource.startswith(f"projects/coditect-{overlay}/secrets/coditect-"), resource
            assert resource.endswith("/versions/latest"), resource
        [container] = spec["containers"]
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        for key in ("DATABASE_URL_FILE", "REDIS_URL_FILE", "SECRET_KEY_FILE"):
            assert env[key].startswith("/var/run/secrets/coditect/app/"), key
        # Every *_FILE setting names a file the pod really mounts.
        for key, value in env.items():
            if key.endswith("_FILE"):
                assert value in files, f"{name}: {key}={value} is not mounted"
    api = pod_spec(one(objects, "Deployment", "coditect-api"))
    env = {e["name"]: e.get("value") for e in api["containers"][0]["env"]}
    if config(objects).get("SIGNING_BACKEND", "file") == "file":
        assert env["SIGNING_KEY_FILE"] == "/var/run/secrets/coditect/signing/signing-key.pem"
    else:
        # A root in Cloud KMS: no PEM of it exists, none is mounted.
        assert "SIGNING_KEY_FILE" not in env
        assert not any("signing" in f for f in mounted_files(objects, api_deployment(objects)))
    # Only the API mounts the signing key.
    for obj in app_workloads(objects):
        if obj["metadata"]["name"] != "coditect-api":
            assert not any("signing" in f for f in mounted_files(objects, obj))


@overlays
def test_service_accounts_mount_no_token(rendered: dict, overlay: str) -> None:
    for sa in by_kind(rendered[overlay], "ServiceAccount"):
        assert sa["automountServiceAccountToken"] is False, sa["metadata"]["name"]
    api_sa = one(rendered[overlay], "ServiceAccount", "coditect-api")
    annotation = api_sa["metadata"]["annotations"]["iam.gke.io/gcp-service-account"]
    assert annotation == f"coditect-api@coditect-{overlay}.iam.gserviceaccount.com"


@overlays
def test_everything_is_in_the_namespace(rendered: dict, overlay: str) -> None:
    for obj in rendered[overlay]:
        if obj["kind"] == "Namespace":
            assert obj["metadata"]["name"] == NAMESPACE
            assert obj["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        else:
            assert obj["metadata"]["namespace"] == NAMESPACE, (
                f"{obj['kind']}/{obj['metadata']['name']}"
            )


# --- network ------------------------------------------------------------------


@overlays
def test_network_is_default_deny(rendered: dict, overlay: str) -> None:
    deny = one(rendered[overlay], "NetworkPolicy", "default-deny-all")["spec"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny


@overlays
def test_api_ingress_only_from_ingress_controller_and_prometheus(
    rendered: dict, overlay: str
) -> None:
    sources = set()
    for policy in by_kind(rendered[overlay], "NetworkPolicy"):
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        if selector.get("app.kubernetes.io/name") != "coditect-api":
            continue
        for rule in policy["spec"].get("ingress", []):
            assert [p["port"] for p in rule["ports"]] == [8000]
            for peer in rule["from"]:
                sources.add(peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"])
    assert sources == {"ingress-nginx", "monitoring"}


@overlays
def test_datastore_egress_is_narrow(rendered: dict, overlay: str) -> None:
    for policy in by_kind(rendered[overlay], "NetworkPolicy"):
        if policy["metadata"]["name"] in ("smtp-egress", "kms-egress"):
            continue  # their own tests below
        for rule in policy["spec"].get("egress", []):
            ports = {p["port"] for p in rule["ports"]}
            assert ports <= {53, 5432, 6378, 6379}, policy["metadata"]["name"]
            for peer in rule["to"]:
                if "ipBlock" in peer:
                    assert peer["ipBlock"]["cidr"].startswith("10."), (
                        "egress only to private ranges"
                    )
    app_labels = [
        pod_spec(o) and o["spec"]["template"]["metadata"]["labels"]
        for o in app_workloads(rendered[overlay])
    ]
    assert all(labels.get("coditect.io/datastore-client") == "true" for labels in app_labels)


@overlays
def test_mail_leaves_through_an_smtp_relay_with_tls(rendered: dict, overlay: str) -> None:
    settings = config(rendered[overlay])
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["EMAIL_HOST"] and settings["EMAIL_USE_TLS"] == "true"
    assert settings["EMAIL_PORT"] == "587"
    [rule] = one(rendered[overlay], "NetworkPolicy", "smtp-egress")["spec"]["egress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 587}]
    [peer] = rule["to"]
    assert peer["ipBlock"]["cidr"] == "0.0.0.0/0"
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"} <= set(peer["ipBlock"]["except"])
    for name in ("coditect-api", "coditect-worker"):
        deployment = one(rendered[overlay], "Deployment", name)
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert labels["coditect.io/smtp-client"] == "true", name
        [container] = pod_spec(deployment)["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["EMAIL_HOST_PASSWORD_FILE"] == "/var/run/secrets/coditect/app/smtp-password"
    # Only the processes that send mail may reach the internet on 587.
    for obj in workloads(rendered[overlay]):
        if obj["metadata"]["name"] not in ("coditect-api", "coditect-worker"):
            labels = obj["spec"]["template"]["metadata"].get("labels", {})
            assert "coditect.io/smtp-client" not in labels, obj["metadata"]["name"]


# --- routing, TLS, metrics ----------------------------------------------------


@overlays
def test_ingress_tls_and_hosts_agree(rendered: dict, overlay: str) -> None:
    objects = rendered[overlay]
    certificate = one(objects, "Certificate", "coditect-tls")
    allowed_hosts = set(config(objects)["ALLOWED_HOSTS"].split(","))
    service = one(objects, "Service", "coditect-api")
    for ingress in by_kind(objects, "Ingress"):
        assert ingress["spec"]["ingressClassName"] == "nginx"
        [tls] = ingress["spec"]["tls"]
        assert tls["secretName"] == certificate["spec"]["secretName"]
        assert tls["hosts"] == certificate["spec"]["dnsNames"]
        for rule in ingress["spec"]["rules"]:
            assert rule["host"] in tls["hosts"] and rule["host"] in allowed_hosts
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] == "coditect-api"
                assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    issuer = "letsencrypt-staging" if overlay == "dev" else "letsencrypt-prod"
    assert certificate["spec"]["issuerRef"] == {
        "kind": "ClusterIssuer",
        "name": issuer,
        "group": "cert-manager.io",
    }


@overlays
def test_email_links_point_at_the_public_host(rendered: dict, overlay: str) -> None:
    settings = config(rendered[overlay])
    [ingress_host] = {
        rule["host"] for i in by_kind(rendered[overlay], "Ingress") for rule in i["spec"]["rules"]
    }
    assert settings["PUBLIC_URL"] == f"https://{ingress_host}"
    assert ingress_host in settings["ALLOWED_HOSTS"].split(",")


@overlays
def test_metrics_and_probes_are_not_public(rendered: dict, overlay: str) -> None:
    internal = one(rendered[overlay], "Ingress", "coditect-api-internal-paths")
    assert (
        internal["metadata"]["annotations"]["nginx.ingress.kubernetes.io/denylist-source-range"]
        == "0.0.0.0/0,::/0"
    )
    paths = {
        (p["path"], p["pathType"]) for r in internal["spec"]["rules"] for p in r["http"]["paths"]
    }
    assert paths == {("/metrics", "Exact"), ("/healthz", "Exact"), ("/readyz", "Exact")}


@overlays
def test_service_and_servicemonitor_select_the_api(rendered: dict, overlay: str) -> None:
    objects = rendered[overlay]
    pod_labels = one(objects, "Deployment", "coditect-api")["spec"]["template"]["metadata"][
        "labels"
    ]
    service = one(objects, "Service", "coditect-api")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    [port] = service["spec"]["ports"]
    [container] = pod_spec(one(objects, "Deployment", "coditect-api"))["containers"]
    assert port["targetPort"] in {p["name"] for p in container["ports"]}
    monitor = one(objects, "ServiceMonitor", "coditect-api")
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    assert monitor["spec"]["namespaceSelector"]["matchNames"] == [NAMESPACE]
    [endpoint] = monitor["spec"]["endpoints"]
    assert endpoint["port"] == port["name"] and endpoint["path"] == "/metrics"


@overlays
def test_grafana_dashboard_charts_every_metric(rendered: dict, overlay: str) -> None:
    cm = one(rendered[overlay], "ConfigMap", "grafana-dashboard-coditect")
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    [(name, text)] = cm["data"].items()
    assert name.endswith(".json")
    dashboard = json.loads(text)
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for metric in DASHBOARD_METRICS:
        assert metric in exprs, metric
    assert re.search(r"by \(result\) \(rate\(coditect_seat_acquire_total", exprs)
    assert re.search(r"by \(license\) \(coditect_seats_in_use", exprs)
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in exprs
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


# --- environment-specific ------------------------------------------------------


def test_dev_runs_redis_in_cluster_and_tolerates_spot(rendered: dict) -> None:
    objects = rendered["dev"]
    redis = one(objects, "Deployment", "coditect-redis")
    assert redis["spec"]["replicas"] == 1
    one(objects, "Service", "coditect-redis")
    for obj in workloads(objects):
        spec = pod_spec(obj)
        assert {
            "key": "cloud.google.com/gke-spot",
            "operator": "Equal",
            "value": "true",
            "effect": "NoSchedule",
        } in spec["tolerations"], obj["metadata"]["name"]
        preferred = spec["affinity"]["nodeAffinity"][
            "preferredDuringSchedulingIgnoredDuringExecution"
        ]
        assert (
            preferred[0]["preference"]["matchExpressions"][0]["key"] == "cloud.google.com/gke-spot"
        )


def test_prod_uses_managed_datastores(rendered: dict) -> None:
    objects = rendered["prod"]
    assert not [o for o in workloads(objects) if "redis" in o["metadata"]["name"]]
    for obj in workloads(objects):
        assert "tolerations" not in pod_spec(obj), obj["metadata"]["name"]


@overlays
def test_sign_in_client_secrets_are_secret_manager_files_of_the_api_only(
    rendered: dict, overlay: str
) -> None:
    objects = rendered[overlay]
    api = pod_spec(one(objects, "Deployment", "coditect-api"))
    [volume] = [v for v in api["volumes"] if v["name"] == "sign-in-secrets"]
    assert volume["csi"] == {
        "driver": CSI_DRIVER,
        "readOnly": True,
        "volumeAttributes": {"secretProviderClass": "coditect-sign-in"},
    }
    files = mounted_files(objects, one(objects, "Deployment", "coditect-api"))
    env = {e["name"]: e.get("value") for e in api["containers"][0]["env"]}
    for name, secret in (
        ("GOOGLE_CLIENT_SECRET_FILE", "google-client-secret"),
        ("GITHUB_CLIENT_SECRET_FILE", "github-client-secret"),
    ):
        assert env[name] == f"/var/run/secrets/coditect/sign-in/{secret}", name
        assert files[env[name]] == (
            f"projects/coditect-{overlay}/secrets/coditect-{secret}/versions/latest"
        )
    # The workers and the migration Job neither mount nor name them.
    for obj in app_workloads(objects):
        if obj["metadata"]["name"] != "coditect-api":
            assert not any("/sign-in/" in f for f in mounted_files(objects, obj))
            [container] = pod_spec(obj)["containers"]
            assert not any("CLIENT_SECRET" in e["name"] for e in container.get("env", []))


def api_deployment(objects: list) -> dict:
    return one(objects, "Deployment", "coditect-api")


def test_prod_signs_with_its_cloud_kms_root(rendered: dict) -> None:
    settings = config(rendered["prod"])
    assert settings["SIGNING_BACKEND"] == "gcp-kms"
    version = settings["GCP_KMS_KEY_VERSION"]
    assert version.startswith("projects/coditect-prod/locations/europe-west1/keyRings/")
    assert "/cryptoKeys/license-token-signing/cryptoKeyVersions/" in version
    assert settings["TOKEN_ONLINE_KEYS"] == "true"
    policy = one(rendered["prod"], "NetworkPolicy", "kms-egress")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "coditect-api"}
    [google, metadata, metadata_v2] = policy["egress"]
    assert google["ports"] == [{"protocol": "TCP", "port": 443}]
    assert "10.0.0.0/8" in google["to"][0]["ipBlock"]["except"]
    assert metadata["to"][0]["ipBlock"]["cidr"] == "169.254.169.254/32"
    assert metadata_v2["to"][0]["ipBlock"]["cidr"] == "169.254.169.252/32"
