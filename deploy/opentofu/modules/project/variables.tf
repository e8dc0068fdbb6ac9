variable "project_id" {
  description = "ID of the GCP project that hosts the platform."
  type        = string
}

variable "region" {
  description = "Region of the Artifact Registry repository (same as the cluster's, so pulls stay regional)."
  type        = string
}

variable "services" {
  description = "Google APIs to enable in the project."
  type        = list(string)
  default = [
    "artifactregistry.googleapis.com",
    "binaryauthorization.googleapis.com",
    "cloudkms.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "identitytoolkit.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "redis.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
  ]
}

variable "registry_name" {
  description = "Artifact Registry repository ID for the platform's images."
  type        = string
  default     = "coditect"
}

variable "keep_image_versions" {
  description = "How many most recent image versions the cleanup policy always keeps (rollback targets)."
  type        = number
  default     = 20
}

variable "labels" {
  description = "Labels put on every labelled resource."
  type        = map(string)
  default     = {}
}
