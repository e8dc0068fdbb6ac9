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

variable "placeholder_secret_names" {
  description = "Secrets an operator may fill later (sign-in providers' OAuth client secrets): created with a blank first version (a newline) so the pods' mounts work before then; the app reads a blank secret as not configured. The operator adds the real value as a new version."
  type        = list(string)
  default     = ["google-client-secret", "github-client-secret"]
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
  description = "Kubernetes service accounts that mount every secret but the API-only ones (API, worker and beat, migration Job)."
  type        = list(string)
  default     = ["coditect-api", "coditect-worker", "coditect-migrate"]
}

variable "api_only_readers" {
  description = "Kubernetes service accounts that mount the API-only secrets (the API only)."
  type        = list(string)
  default     = ["coditect-api"]
}

variable "api_only_secret_names" {
  description = "Short names of the secrets readable by api_only_readers only: the token signing key and the sign-in providers' client secrets."
  type        = list(string)
  default     = ["signing-key-pem", "google-client-secret", "github-client-secret"]
}
