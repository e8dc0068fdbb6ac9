variable "project_id" {
  description = "ID of the GCP project (and of its Workload Identity pool <project>.svc.id.goog)."
  type        = string
}

variable "account_id" {
  description = "Account ID of the Google service account (6-30 characters)."
  type        = string
}

variable "display_name" {
  description = "Display name of the Google service account."
  type        = string
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the service account that impersonates it."
  type        = string
}

variable "k8s_service_account" {
  description = "Name of the Kubernetes service account that impersonates it."
  type        = string
}

variable "project_roles" {
  description = "Project-level roles for the Google service account (resource-level grants such as KMS and Secret Manager are made by those modules)."
  type        = list(string)
  default     = []
}
