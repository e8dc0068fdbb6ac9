variable "project_id" {
  description = "ID of the prod GCP project (created beforehand, billing enabled)."
  type        = string
}

variable "region" {
  description = "Region for every regional resource (the cluster spreads over its zones)."
  type        = string
  default     = "europe-west1"
}

variable "nodes_cidr" {
  description = "Primary range of the node subnet."
  type        = string
  default     = "10.0.0.0/20"
}

variable "pods_cidr" {
  description = "Secondary range for pod IPs."
  type        = string
  default     = "10.4.0.0/14"
}

variable "services_cidr" {
  description = "Secondary range for Service IPs."
  type        = string
  default     = "10.8.0.0/20"
}

variable "private_services_cidr" {
  description = "Private Service Access range (Cloud SQL and Memorystore private IPs). Keep equal to the ipBlock in deploy/kubernetes/overlays/prod."
  type        = string
  default     = "10.100.0.0/16"
}

variable "master_ipv4_cidr_block" {
  description = "A /28 for the GKE control plane's private endpoint."
  type        = string
  default     = "172.16.0.0/28"
}

variable "master_authorized_networks" {
  description = "CIDRs allowed to reach the GKE control plane (your office/VPN, CI runners)."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []
}

variable "node_machine_type" {
  description = "Machine type of the GKE nodes."
  type        = string
  default     = "e2-standard-4"
}

variable "node_min_count_per_zone" {
  description = "Minimum GKE nodes per zone."
  type        = number
  default     = 1
}

variable "node_max_count_per_zone" {
  description = "Maximum GKE nodes per zone."
  type        = number
  default     = 4
}

variable "cloudsql_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-4-15360"
}

variable "cloudsql_disk_size_gb" {
  description = "Initial Cloud SQL disk size in GB (grows automatically)."
  type        = number
  default     = 100
}

variable "backup_location" {
  description = "Where Cloud SQL backups are stored (a multi-region such as eu, or null for the default)."
  type        = string
  default     = "eu"
}

variable "redis_memory_size_gb" {
  description = "Memorystore memory in GB."
  type        = number
  default     = 5
}

variable "secret_replica_locations" {
  description = "Regions where Secret Manager stores secret payloads."
  type        = list(string)
  default     = ["europe-west1", "europe-west4"]
}

variable "gke_rbac_security_group" {
  description = "The gke-security-groups@<domain> Google Group (Google Groups for RBAC); the groups bound in deploy/kubernetes/base/rbac.yaml must be its members."
  type        = string
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the platform (the kustomize overlays use coditect)."
  type        = string
  default     = "coditect"
}

variable "deployer_members" {
  description = "IAM members (user:, group:, serviceAccount:) that may read every secret's payload (break-glass; pods read theirs through the Secret Manager add-on)."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Extra labels merged into every labelled resource."
  type        = map(string)
  default     = {}
}

variable "public_host" {
  description = "Public hostname of the platform (the Ingress host): the uptime check probes https://<it>/.well-known/jwks.json."
  type        = string
  default     = "license.coditect.example"
}

variable "alert_email" {
  description = "Email address that receives Cloud Monitoring alerts and budget notifications."
  type        = string
}

variable "billing_account" {
  description = "Billing account ID (XXXXXX-XXXXXX-XXXXXX) of the project: the monthly budget is created there."
  type        = string
}

variable "monthly_budget" {
  description = "Monthly budget of the project in the billing account's currency."
  type        = number
  default     = 3000
}

variable "identity_platform_authorized_domains" {
  description = "Domains allowed to run Identity Platform sign-in flows (the dashboard's public host)."
  type        = list(string)
  default     = ["localhost"]
}

variable "identity_platform_client_ids" {
  description = "OAuth client ids of the Identity Platform providers to enable (google.com, github.com); add each one's client secret version in Secret Manager first (docs/sign-in.md)."
  type        = map(string)
  default     = {}
}
