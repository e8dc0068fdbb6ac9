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

variable "workload_accessors" {
  description = "Secret name -> IAM members (Kubernetes service accounts as Workload Identity Federation principals) that may read it: the pods mounting it through the Secret Manager add-on."
  type        = map(list(string))
  default     = {}
}
