# Workload Identity: a Google service account for the API, and the binding
# that lets the Kubernetes service account <namespace>/<ksa> act as it. The
# Kubernetes side is the annotation iam.gke.io/gcp-service-account on the
# ServiceAccount (deploy/kubernetes/overlays/*/patches/workload-identity.yaml).

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = var.display_name
}

resource "google_service_account_iam_member" "workload_identity_user" {
  service_account_id = google_service_account.this.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.k8s_namespace}/${var.k8s_service_account}]"
}

resource "google_project_iam_member" "roles" {
  for_each = toset(var.project_roles)

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.this.email}"
}
