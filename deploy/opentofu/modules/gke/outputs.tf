output "cluster_name" {
  description = "Name of the cluster (for gcloud container clusters get-credentials)."
  value       = google_container_cluster.this.name
}

output "location" {
  description = "Region or zone of the cluster."
  value       = google_container_cluster.this.location
}

output "endpoint" {
  description = "Control plane endpoint."
  value       = google_container_cluster.this.endpoint
  sensitive   = true
}

output "workload_pool" {
  description = "Workload Identity pool of the cluster (<project>.svc.id.goog)."
  value       = google_container_cluster.this.workload_identity_config[0].workload_pool
}

output "node_service_account" {
  description = "Email of the nodes' service account."
  value       = google_service_account.nodes.email
}
