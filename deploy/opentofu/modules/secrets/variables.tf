variable "project_id" {
  description = "ID of the GCP project that hosts the secrets."
  type        = string
}

variable "prefix" {
  description = "Prefix of every secret ID (<prefix>-<name>)."
  type        = string
  default     = "coditect"
}

variable "generated_secret_names" {
  description = "Secrets whose value is generated here (64 random characters)."
  type        = list(string)
  default     = ["secret-key", "license-key-pepper"]
}

variable "provided_secret_names" {
  description = "Secrets whose value comes from provided_secret_values (names only, so they can key for_each)."
  type        = list(string)
  default     = []
}

variable "provided_secret_values" {
  description = "Values of the provided secrets, by name."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "external_secret_names" {
  description = "Secrets created empty; an operator adds their versions (gcloud secrets versions add) so the value never enters the state."
  type        = list(string)
  default     = ["signing-key-pem", "smtp-password"]
}

variable "replica_locations" {
  description = "Regions where secret payloads are stored (user-managed replication keeps data in chosen regions)."
  type        = list(string)
}

variable "accessor_members" {
  description = "IAM members that may read every secret's payload (break-glass operators; pods use workload_accessors)."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels put on every secret."
  type        = map(string)
  default     = {}
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the pods that mount the secrets."
  type        = string
  default     = "coditect"
}

variable "app_readers" {
  description = "Kubernetes service accounts that mount every secret but the signing key (API, worker and beat, migration Job)."
  type        = list(string)
  default     = ["coditect-api", "coditect-worker", "coditect-migrate"]
}

variable "signing_key_readers" {
  description = "Kubernetes service accounts that mount the token signing key (the API only)."
  type        = list(string)
  default     = ["coditect-api"]
}

variable "signing_key_secret" {
  description = "Short name of the token signing key's secret, readable by signing_key_readers only."
  type        = string
  default     = "signing-key-pem"
}
