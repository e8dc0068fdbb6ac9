output "registry_url" {
  description = "Docker registry prefix to push to, e.g. <region>-docker.pkg.dev/<project>/coditect."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "enabled_services" {
  description = "The Google APIs this module enabled."
  value       = sort([for s in google_project_service.this : s.service])
}
