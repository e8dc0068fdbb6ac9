terraform {
  required_version = ">= 1.8.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.30, < 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6, < 4.0"
    }
  }

  # State in a private, versioned GCS bucket; bucket and prefix come from
  # backend.hcl (see backend.hcl.example and docs/deploy.md).
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}
