# Project plumbing: the Google APIs the platform uses and the Artifact
# Registry repository the image is pushed to (tags immutable, so a tag names
# one image forever and the manifests can pin tags).

resource "google_project_service" "this" {
  for_each = toset(var.services)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  #checkov:skip=CKV_GCP_84:Images hold no secrets (see Dockerfile); Google-managed encryption at rest is enough, and a CMEK key here would make every pull depend on KMS availability.
  project       = var.project_id
  location      = var.region
  repository_id = var.registry_name
  description   = "CODITECT License Platform container images"
  format        = "DOCKER"
  labels        = var.labels

  docker_config {
    immutable_tags = true
  }

  cleanup_policy_dry_run = false

  cleanup_policy {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "2592000s"
    }
  }

  cleanup_policy {
    id     = "keep-recent-releases"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_image_versions
    }
  }

  depends_on = [google_project_service.this]
}
