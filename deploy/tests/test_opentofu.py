"""(4a) OpenTofu: every .tf parses (python-hcl2), every `var.x` used is
declared, every variable and output is documented, module calls pass only
(and all required) declared inputs, and the environments keep the promises
of the design (PostgreSQL 16 HA with PITR, RSA-4096 signing key, ...).
`tofu validate` needs the providers from the registry, which is not
reachable here; these checks are the offline part of it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import hcl2
import pytest

from .helpers import OPENTOFU_DIR, one, pod_spec

MODULES = sorted(p for p in (OPENTOFU_DIR / "modules").iterdir() if p.is_dir())
ENVS = sorted(p for p in (OPENTOFU_DIR / "envs").iterdir() if p.is_dir())
ROOTS = MODULES + ENVS
META_ARGUMENTS = {"source", "version", "providers", "depends_on", "count", "for_each"}
VAR_REF = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")

roots = pytest.mark.parametrize("root", ROOTS, ids=lambda p: f"{p.parent.name}/{p.name}")


def unquote(value: object) -> object:
    """python-hcl2 keeps the quotes of string literals and labels."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


@cache
def parse_dir(path: Path) -> dict[str, list]:
    """All top-level blocks of a directory's .tf files, merged by block type."""
    merged: dict[str, list] = {}
    for tf in sorted(path.glob("*.tf")):
        with tf.open() as handle:
            for block_type, blocks in hcl2.load(handle).items():
                merged.setdefault(block_type, []).extend(blocks)
    return merged


def labelled(path: Path, block_type: str) -> dict[str, dict]:
    """{label: body} for single-label blocks (variable, output, module)."""
    result = {}
    for block in parse_dir(path).get(block_type, []):
        for label, body in block.items():
            result[unquote(label)] = body
    return result


def strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def resources(path: Path, resource_type: str) -> list[dict]:
    found = []
    for block in parse_dir(path).get("resource", []):
        for rtype, named in block.items():
            if unquote(rtype) == resource_type:
                found.extend(named.values())
    return found


def test_layout() -> None:
    assert {p.name for p in MODULES} == {
        "project",
        "network",
        "gke",
        "cloudsql",
        "memorystore",
        "kms",
        "secrets",
        "workload_identity",
        "monitoring",
        "identity_platform",
    }
    assert {p.name for p in ENVS} == {"dev", "prod"}
    for root in ROOTS:
        names = {p.name for p in root.glob("*.tf")}
        assert {"main.tf", "variables.tf", "outputs.tf", "versions.tf"} <= names, root


@roots
def test_every_file_parses(root: Path) -> None:
    for tf in root.glob("*.tf"):
        with tf.open() as handle:
            assert isinstance(hcl2.load(handle), dict), tf


@roots
def test_every_variable_used_is_declared(root: Path) -> None:
    declared = set(labelled(root, "variable"))
    used = set()
    for block_type, blocks in parse_dir(root).items():
        if block_type != "variable":
            used.update(m.group(1) for s in strings(blocks) for m in VAR_REF.finditer(s))
    # A variable's own validation block refers to itself.
    for body in labelled(root, "variable").values():
        used.update(m.group(1) for s in strings(body) for m in VAR_REF.finditer(s))
    assert used - declared == set(), f"undeclared: {sorted(used - declared)}"
    assert declared - used == set(), f"declared but unused: {sorted(declared - used)}"


@roots
def test_variables_and_outputs_are_documented(root: Path) -> None:
    for kind in ("variable", "output"):
        for name, body in labelled(root, kind).items():
            description = unquote(body.get("description", ""))
            assert isinstance(description, str) and len(description) >= 10, f"{kind} {name}"
    for name, body in labelled(root, "variable").items():
        assert "type" in body, f"variable {name} has no type"


@roots
def test_providers_are_pinned(root: Path) -> None:
    [terraform] = parse_dir(root)["terraform"]
    assert unquote(terraform["required_version"]).startswith(">=")
    [providers] = terraform["required_providers"]
    for name, spec in providers.items():
        if name.startswith("__"):
            continue
        assert "version" in spec and "<" in unquote(spec["version"]), name


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_module_calls_match_module_inputs(env: Path) -> None:
    calls = labelled(env, "module")
    assert set(calls) >= {
        "network",
        "gke",
        "cloudsql",
        "kms",
        "secrets",
        "api_identity",
        "monitoring",
        "identity_platform",
    }
    for name, body in calls.items():
        source = (env / unquote(body["source"])).resolve()
        assert source.is_dir() and source.parent == (OPENTOFU_DIR / "modules"), f"{name}: {source}"
        inputs = labelled(source, "variable")
        passed = set(body) - META_ARGUMENTS - {"__is_block__", "__comments__"}
        assert passed - set(inputs) == set(), (
            f"module {name}: unknown inputs {sorted(passed - set(inputs))}"
        )
        required = {v for v, spec in inputs.items() if "default" not in spec}
        assert required - passed == set(), (
            f"module {name}: missing inputs {sorted(required - passed)}"
        )
    # Every module output an env uses exists.
    for env_root in (env,):
        text = " ".join(strings(parse_dir(env_root)))
        for module, output in re.findall(r"\bmodule\.([a-z_]+)\.([a-z_]+)", text):
            source = (env / unquote(calls[module]["source"])).resolve()
            assert output in labelled(source, "output"), f"module.{module}.{output}"


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_private_services_range_matches_the_network_policy(env: Path, rendered: dict) -> None:
    default = unquote(labelled(env, "variable")["private_services_cidr"]["default"])
    policy = one(rendered[env.name], "NetworkPolicy", "datastore-clients-egress")
    cidrs = [
        peer["ipBlock"]["cidr"]
        for rule in policy["spec"]["egress"]
        for peer in rule["to"]
        if "ipBlock" in peer
    ]
    assert cidrs == [default]


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_the_pod_range_is_the_network_allowed_to_scrape(env: Path, rendered: dict) -> None:
    pods = unquote(labelled(env, "variable")["pods_cidr"]["default"])
    [cm] = [
        c
        for c in rendered[env.name]
        if c["kind"] == "ConfigMap" and c["metadata"]["name"].startswith("coditect-config-")
    ]
    allowed = cm["data"]["METRICS_ALLOWED_CIDRS"].split(",")
    assert allowed == ["127.0.0.0/8", "::1/128", pods]


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_workload_identity_binds_the_api_service_account(env: Path, rendered: dict) -> None:
    call = labelled(env, "module")["api_identity"]
    namespace = unquote(labelled(env, "variable")["k8s_namespace"]["default"])
    ksa = unquote(call["k8s_service_account"])
    sa = one(rendered[env.name], "ServiceAccount", ksa)
    assert sa["metadata"]["namespace"] == namespace
    gsa = sa["metadata"]["annotations"]["iam.gke.io/gcp-service-account"]
    assert gsa.split("@")[0] == unquote(call["account_id"])


def test_cloudsql_is_postgres16_private_with_backups_and_pitr() -> None:
    [instance] = resources(OPENTOFU_DIR / "modules" / "cloudsql", "google_sql_database_instance")
    assert unquote(instance["database_version"]) == "POSTGRES_16"
    [settings] = instance["settings"]
    [ip] = settings["ip_configuration"]
    assert ip["ipv4_enabled"] is False and unquote(ip["ssl_mode"]) == "ENCRYPTED_ONLY"
    [backup] = settings["backup_configuration"]
    assert backup["enabled"] is True and backup["point_in_time_recovery_enabled"] is True
    prod = labelled(OPENTOFU_DIR / "envs" / "prod", "module")["cloudsql"]
    assert unquote(prod["availability_type"]) == "REGIONAL"
    assert prod["deletion_protection"] is True


def test_kms_signing_key_is_rsa_4096() -> None:
    [key] = resources(OPENTOFU_DIR / "modules" / "kms", "google_kms_crypto_key")
    assert unquote(key["purpose"]) == "ASYMMETRIC_SIGN"
    [template] = key["version_template"]
    assert unquote(template["algorithm"]) == "${var.signing_algorithm}"
    [lifecycle] = key["lifecycle"]
    assert lifecycle["prevent_destroy"] is True
    prod = labelled(OPENTOFU_DIR / "envs" / "prod", "module")["kms"]
    assert unquote(prod["protection_level"]) == "HSM"
    assert unquote(prod["signing_algorithm"]) in (
        "RSA_SIGN_PKCS1_4096_SHA256",
        "RSA_SIGN_PSS_4096_SHA256",
    )


def test_the_api_may_only_sign_with_the_root_key() -> None:
    """signerVerifier on the signing key alone: no project-wide KMS role, no admin or
    importer role anywhere, and prod grants the API nothing else on the key."""
    kms = OPENTOFU_DIR / "modules" / "kms"
    grants = resources(kms, "google_kms_crypto_key_iam_member")
    roles = {unquote(grant["role"]) for grant in grants}
    assert roles == {"roles/cloudkms.signerVerifier", "roles/cloudkms.publicKeyViewer"}
    for grant in grants:
        assert unquote(grant["crypto_key_id"]) == "${google_kms_crypto_key.signing.id}"
    assert not resources(kms, "google_kms_key_ring_iam_member")
    prod = labelled(OPENTOFU_DIR / "envs" / "prod", "module")["kms"]
    assert "public_key_viewer_members" not in prod
    assert unquote(prod["signer_members"][0]) == "${module.api_identity.member}"
    for module in (OPENTOFU_DIR / "modules").iterdir():
        for tf in module.glob("*.tf"):
            text = tf.read_text()
            assert "cloudkms.admin" not in text and "cloudkms.importer" not in text, tf


def test_network_is_private_with_nat() -> None:
    network = OPENTOFU_DIR / "modules" / "network"
    [vpc] = resources(network, "google_compute_network")
    assert vpc["auto_create_subnetworks"] is False
    [subnet] = resources(network, "google_compute_subnetwork")
    assert subnet["private_ip_google_access"] is True
    assert resources(network, "google_compute_router_nat")
    [psa] = resources(network, "google_compute_global_address")
    assert unquote(psa["purpose"]) == "VPC_PEERING"
    [cluster] = resources(OPENTOFU_DIR / "modules" / "gke", "google_container_cluster")
    [private] = cluster["private_cluster_config"]
    assert private["enable_private_nodes"] is True
    assert unquote(cluster["datapath_provider"]) == "ADVANCED_DATAPATH"
    assert cluster["workload_identity_config"]


def test_prod_has_memorystore_ha_with_tls_and_dev_does_not() -> None:
    [redis] = resources(OPENTOFU_DIR / "modules" / "memorystore", "google_redis_instance")
    assert redis["auth_enabled"] is True
    assert unquote(redis["transit_encryption_mode"]) == "SERVER_AUTHENTICATION"
    assert unquote(redis["redis_configs"]["maxmemory-policy"]) == "noeviction"
    prod = labelled(OPENTOFU_DIR / "envs" / "prod", "module")
    assert unquote(prod["memorystore"]["tier"]) == "STANDARD_HA"
    assert "memorystore" not in labelled(OPENTOFU_DIR / "envs" / "dev", "module")


def test_no_secret_values_in_tofu_files() -> None:
    for path in OPENTOFU_DIR.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "BEGIN PRIVATE KEY" not in text and "BEGIN RSA PRIVATE KEY" not in text, path
            assert not re.search(r"(password|secret_data)\s*=\s*\"[^\"$]{6,}\"", text), path
    assert not list(OPENTOFU_DIR.rglob("*.tfvars")), "only *.tfvars.example files are committed"
    assert not list(OPENTOFU_DIR.rglob("*.tfstate*"))


# --- day two (launch review, issue 18) ----------------------------------------


def gke_resource(resource_type: str) -> list[dict]:
    return resources(OPENTOFU_DIR / "modules" / "gke", resource_type)


def test_changing_the_node_minimum_never_replaces_the_node_pool() -> None:
    [pool] = gke_resource("google_container_node_pool")
    [lifecycle] = pool["lifecycle"]
    assert "initial_node_count" in " ".join(strings(lifecycle["ignore_changes"]))


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_everything_waits_for_the_apis_it_needs(env: Path) -> None:
    calls = labelled(env, "module")

    def waits_for_project(name: str, seen: frozenset = frozenset()) -> bool:
        depends = " ".join(strings(calls[name].get("depends_on", [])))
        parents = re.findall(r"module\.([a-z_]+)", depends)
        return "project" in parents or any(
            waits_for_project(p, seen | {name}) for p in parents if p not in seen
        )

    for name in calls:
        if name != "project":
            assert waits_for_project(name), f"module {name} may run before the APIs are enabled"
    gke_depends = " ".join(strings(calls["gke"]["depends_on"]))
    assert "module.project" in gke_depends


def test_maintenance_windows_fall_on_different_days() -> None:
    modules = OPENTOFU_DIR / "modules"
    sql_day = labelled(modules / "cloudsql", "variable")["maintenance_day"]["default"]
    redis_day = unquote(labelled(modules / "memorystore", "variable")["maintenance_day"]["default"])
    gke_day = unquote(labelled(modules / "gke", "variable")["maintenance_day"]["default"])
    days = {
        "cloudsql": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][sql_day - 1],
        "memorystore": redis_day[:2],
        "gke": gke_day,
    }
    assert len(set(days.values())) == 3, days
    [cluster] = gke_resource("google_container_cluster")
    [policy] = cluster["maintenance_policy"]
    [window] = policy["recurring_window"]
    assert unquote(window["recurrence"]).endswith("BYDAY=${var.maintenance_day}")


def test_cloudsql_verifies_the_server_and_has_iam_login() -> None:
    cloudsql = OPENTOFU_DIR / "modules" / "cloudsql"
    url = unquote(labelled(cloudsql, "output")["database_url"]["value"])
    assert "sslmode=verify-ca" in url and "sslrootcert=${var.server_ca_path}" in url
    [instance] = resources(cloudsql, "google_sql_database_instance")
    [settings] = instance["settings"]
    flags = {unquote(f["name"]): unquote(f["value"]) for f in settings["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"
    iam_users = [u for u in resources(cloudsql, "google_sql_user") if "type" in u]
    assert [unquote(u["type"]) for u in iam_users] == ["CLOUD_IAM_SERVICE_ACCOUNT"]
    for env in ENVS:
        call = labelled(env, "module")["cloudsql"]
        assert "module.api_identity.email" in " ".join(strings(call["iam_service_accounts"]))
        secrets = labelled(env, "module")["secrets"]
        assert "cloudsql-ca" in " ".join(strings(secrets["provided_secret_names"]))


def test_gke_encrypts_secrets_and_has_a_binary_authorization_policy() -> None:
    [cluster] = gke_resource("google_container_cluster")
    [encryption] = cluster["database_encryption"]
    assert unquote(encryption["state"]) == "ENCRYPTED"
    assert "google_kms_crypto_key.secrets" in unquote(encryption["key_name"])
    [key] = gke_resource("google_kms_crypto_key")
    assert unquote(key["purpose"]) == "ENCRYPT_DECRYPT" and key["lifecycle"][0]["prevent_destroy"]
    [binauthz] = cluster["binary_authorization"]
    assert unquote(binauthz["evaluation_mode"]) == "PROJECT_SINGLETON_POLICY_ENFORCE"
    [policy] = gke_resource("google_binary_authorization_policy")
    [rule] = policy["default_admission_rule"]
    assert unquote(rule["evaluation_mode"]) == "ALWAYS_DENY"
    assert unquote(rule["enforcement_mode"]) == "ENFORCED_BLOCK_AND_AUDIT_LOG"
    patterns = " ".join(strings(policy))
    assert "${var.registry_url}/**" in patterns
    for env in ENVS:
        call = labelled(env, "module")["gke"]
        assert unquote(call["registry_url"]) == "${module.project.registry_url}"
    [secret_manager] = cluster["secret_manager_config"]
    assert secret_manager["enabled"] is True


def test_identity_platform_api_is_enabled() -> None:
    services = labelled(OPENTOFU_DIR / "modules" / "project", "variable")["services"]["default"]
    assert "identitytoolkit.googleapis.com" in [unquote(s) for s in services]


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_uptime_check_alerts_and_budget(env: Path, rendered: dict) -> None:
    monitoring = OPENTOFU_DIR / "modules" / "monitoring"
    [check] = resources(monitoring, "google_monitoring_uptime_check_config")
    [http] = check["http_check"]
    # The probe paths are refused at the ingress: the check probes a public page.
    assert unquote(http["path"]) == "/.well-known/jwks.json" and http["validate_ssl"] is True
    host = unquote(labelled(env, "variable")["public_host"]["default"])
    ingress_hosts = {
        rule["host"]
        for i in rendered[env.name]
        if i["kind"] == "Ingress"
        for rule in i["spec"]["rules"]
    }
    assert ingress_hosts == {host}
    policies = " ".join(strings(resources(monitoring, "google_monitoring_alert_policy")))
    for metric in (
        "monitoring.googleapis.com/uptime_check/check_passed",
        "cloudsql.googleapis.com/database/cpu/utilization",
        "cloudsql.googleapis.com/database/postgresql/num_backends",
        "redis.googleapis.com/stats/memory/usage_ratio",
    ):
        assert metric in policies, metric
    [budget] = resources(monitoring, "google_billing_budget")
    thresholds = [r["threshold_percent"] for r in budget["threshold_rules"]]
    assert thresholds == [0.5, 0.9, 1.0]
    call = labelled(env, "module")["monitoring"]
    assert ("redis_instance_id" in call) == (env.name == "prod")


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_every_mounted_secret_exists_and_the_pods_may_read_it(env: Path, rendered: dict) -> None:
    import yaml

    defaults = labelled(OPENTOFU_DIR / "modules" / "secrets", "variable")
    call = labelled(env, "module")["secrets"]
    created = {
        unquote(n)
        for n in [
            *defaults["generated_secret_names"]["default"],
            *defaults["external_secret_names"]["default"],
            *defaults["placeholder_secret_names"]["default"],
            *call["provided_secret_names"],
        ]
    }
    readers = labelled(OPENTOFU_DIR / "modules" / "secrets", "variable")
    app_readers = {unquote(r) for r in readers["app_readers"]["default"]}
    api_readers = {unquote(r) for r in readers["api_only_readers"]["default"]}
    api_only_secrets = {unquote(r) for r in readers["api_only_secret_names"]["default"]}
    files = set()
    for spc in (o for o in rendered[env.name] if o["kind"] == "SecretProviderClass"):
        for entry in yaml.safe_load(spc["spec"]["parameters"]["secrets"]):
            _, project, _, secret_id, _, version = entry["resourceName"].split("/")
            assert project == f"coditect-{env.name}" and version == "latest"
            name = secret_id.removeprefix("coditect-")
            assert name in created, f"{name} is mounted but OpenTofu never creates it"
            # Each workload mounting it may read it, as its service account.
            mounting = {
                pod_spec(w)["serviceAccountName"]
                for w in rendered[env.name]
                if w["kind"] in ("Deployment", "Job")
                and any(
                    v.get("csi", {}).get("volumeAttributes", {}).get("secretProviderClass")
                    == spc["metadata"]["name"]
                    for v in pod_spec(w).get("volumes", [])
                )
            }
            allowed = api_readers if name in api_only_secrets else app_readers
            assert mounting and mounting <= allowed, (name, mounting)
            if spc["metadata"]["name"] == "coditect-app":
                files.add(f"/var/run/secrets/coditect/app/{entry['path']}")
    # The CA files the data-store URLs name are mounted next to them.
    ca_path = unquote(
        labelled(OPENTOFU_DIR / "modules" / "cloudsql", "variable")["server_ca_path"]["default"]
    )
    assert ca_path in files
    if env.name == "prod":
        redis_url = unquote(
            labelled(OPENTOFU_DIR / "modules" / "memorystore", "output")["redis_url"]["value"]
        )
        assert re.search(r"ssl_ca_certs=([^&\"]+)", redis_url).group(1) in files


# --- sign-in providers (issue 16) in the Secret Manager style (issue 18) -------


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.name)
def test_identity_platform_reads_client_secrets_from_secret_manager(env: Path) -> None:
    secrets_module = OPENTOFU_DIR / "modules" / "secrets"
    defaults = labelled(secrets_module, "variable")
    placeholders = {unquote(n) for n in defaults["placeholder_secret_names"]["default"]}
    assert placeholders == {"google-client-secret", "github-client-secret"}
    # Only the API reads them, as it does the signing key.
    assert placeholders <= {unquote(n) for n in defaults["api_only_secret_names"]["default"]}
    assert {unquote(r) for r in defaults["api_only_readers"]["default"]} == {"coditect-api"}
    call = labelled(env, "module")["identity_platform"]
    assert "module.secrets.secret_ids" in str(call["idps"])
    assert "module.project" in " ".join(strings(call["depends_on"]))
    module = OPENTOFU_DIR / "modules" / "identity_platform"
    [idp] = resources(module, "google_identity_platform_default_supported_idp_config")
    assert "data.google_secret_manager_secret_version.client_secret" in str(idp["client_secret"])
    # A provider enabled while its secret is still the blank placeholder stops the plan.
    [lifecycle] = idp["lifecycle"]
    [precondition] = lifecycle["precondition"]
    assert "trimspace(data.google_secret_manager_secret_version.client_secret" in str(
        precondition["condition"]
    )
    services = labelled(OPENTOFU_DIR / "modules" / "project", "variable")["services"]
    assert "identitytoolkit.googleapis.com" in str(services["default"])


def test_sign_in_secrets_exist_with_a_blank_first_version() -> None:
    """The API mounts the sign-in secrets before any provider is set up, and a
    mount of a secret without a version fails the pod: each has a version from
    the start, blank, which the app reads as "provider not offered" (env_str
    strips the file). The operator adds the real one as a new version."""
    secrets_module = OPENTOFU_DIR / "modules" / "secrets"
    versions = {}
    for block in parse_dir(secrets_module)["resource"]:
        for rtype, named in block.items():
            if unquote(rtype) == "google_secret_manager_secret_version":
                versions.update({unquote(k): v for k, v in named.items()})
    placeholder = versions["placeholder"]
    assert placeholder["for_each"] == "${toset(var.placeholder_secret_names)}"
    assert unquote(placeholder["secret_data"]) == "\\n"
    assert "google_secret_manager_secret.this[each.value]" in placeholder["secret"]
    for env in ENVS:
        call = labelled(env, "module")["secrets"]
        # The envs keep the module's kinds: its defaults hold every name.
        assert "external_secret_names" not in call and "placeholder_secret_names" not in call
