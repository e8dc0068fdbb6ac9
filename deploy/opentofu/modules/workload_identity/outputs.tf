output "email" {
  description = "Email of the Google service account: the value of the iam.gke.io/gcp-service-account annotation."
  # Built from the inputs (known at plan time) so callers can use it in
  # for_each; depends_on orders grants after the account exists.
  value      = "${var.account_id}@${var.project_id}.iam.gserviceaccount.com"
  depends_on = [google_service_account.this]
}

output "member" {
  description = "IAM member string of the Google service account (serviceAccount:<email>)."
  value       = "serviceAccount:${var.account_id}@${var.project_id}.iam.gserviceaccount.com"
  depends_on  = [google_service_account.this]
}

output "k8s_service_account" {
  description = "The Kubernetes service account bound to it, as <namespace>/<name>."
  value       = "${var.k8s_namespace}/${var.k8s_service_account}"
}
