# Secret Manager: where every secret of the platform lives. Four kinds:
#  - generated here (random): Django SECRET_KEY, license key pepper;
#  - provided by other modules' outputs: database-url, redis-url, redis-ca;
#  - external: only the container is made here and an operator adds the
#    version (the token signing key PEM), so the value never enters the
#    OpenTofu state;
#  - placeholders: like external, but created with a blank first version (a
#    newline) because the pods mount them before anyone fills them: the
#    sign-in providers' client secrets, optional until a provider is turned
#    on (docs/sign-in.md). The app strips the file, and a blank secret leaves
#    its provider off. The operator adds the real value as a new version;
#    never destroy version 1 (OpenTofu would recreate it as the newest).
# Pods mount the latest versions as files through GKE's Secret Manager add-on
# (SecretProviderClass in deploy/kubernetes/overlays/*/secrets.yaml), each
# under its Kubernetes service account's own IAM grant (below);
# no Kubernetes Secret holds them.

locals {
  all_names = toset(concat(
    var.generated_secret_names,
    var.provided_secret_names,
    var.external_secret_names,
    var.placeholder_secret_names,
  ))
}

resource "google_secret_manager_secret" "this" {
  for_each = local.all_names

  project   = var.project_id
  secret_id = "${var.prefix}-${each.value}"
  labels    = var.labels

  replication {
    user_managed {
      dynamic "replicas" {
        for_each = var.replica_locations
        content {
          location = replicas.value
        }
      }
    }
  }
}

resource "random_password" "generated" {
  for_each = toset(var.generated_secret_names)

  length  = 64
  special = false
}

resource "google_secret_manager_secret_version" "generated" {
  for_each = toset(var.generated_secret_names)

  secret      = google_secret_manager_secret.this[each.value].id
  secret_data = random_password.generated[each.value].result
}

resource "google_secret_manager_secret_version" "provided" {
  for_each = toset(var.provided_secret_names)

  secret      = google_secret_manager_secret.this[each.value].id
  secret_data = var.provided_secret_values[each.value]
}

resource "google_secret_manager_secret_version" "placeholder" {
  for_each = toset(var.placeholder_secret_names)

  secret      = google_secret_manager_secret.this[each.value].id
  secret_data = "\n"

  lifecycle {
    # An operator may disable the blank version once a real one exists.
    ignore_changes = [enabled]
  }
}

resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = {
    for pair in setproduct(local.all_names, var.accessor_members) : "${pair[0]}/${pair[1]}" => {
      name   = pair[0]
      member = pair[1]
    }
  }

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.name].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}

# Pods read secrets as their Kubernetes service account (Workload Identity
# Federation principals): the signing key and the sign-in client secrets only
# the API's, every other secret the app's accounts (API, worker and beat,
# migration Job), which all mount it.
data "google_project" "this" {
  project_id = var.project_id
}

locals {
  pool = "principal://iam.googleapis.com/projects/${data.google_project.this.number}/locations/global/workloadIdentityPools/${var.project_id}.svc.id.goog/subject/ns/${var.k8s_namespace}/sa"
  pod_grants = {
    for pair in flatten([
      for name in local.all_names : [
        for sa in(contains(var.api_only_secret_names, name) ? var.api_only_readers : var.app_readers) :
        { name = name, member = "${local.pool}/${sa}" }
      ]
    ]) : "${pair.name}/${pair.member}" => pair
  }
}

resource "google_secret_manager_secret_iam_member" "pods" {
  for_each = local.pod_grants

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.name].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
