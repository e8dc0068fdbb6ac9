variable "project_id" {
  description = "ID of the GCP project that is monitored."
  type        = string
}

variable "name" {
  description = "Environment name used in display names (coditect-dev, coditect-prod)."
  type        = string
}

variable "public_host" {
  description = "Public hostname of the platform (the Ingress host) that the uptime check probes."
  type        = string
}

variable "alert_email" {
  description = "Email address that receives every alert and budget notification."
  type        = string
}

variable "cloudsql_instance" {
  description = "Name of the Cloud SQL instance whose CPU and connections are watched."
  type        = string
}

variable "cloudsql_max_connections" {
  description = "The instance's max_connections: the connection alert fires at 80% of it."
  type        = number
}

variable "redis_instance_id" {
  description = "Memorystore instance ID (projects/<p>/locations/<r>/instances/<name>) whose memory is watched; empty when Redis runs in the cluster (dev)."
  type        = string
  default     = ""
}

variable "billing_account" {
  description = "Billing account ID (XXXXXX-XXXXXX-XXXXXX) that pays for the project; the budget lives there."
  type        = string
}

variable "monthly_budget" {
  description = "Monthly budget in budget_currency; notifications at 50% and 90% spent and 100% forecast."
  type        = number
}

variable "budget_currency" {
  description = "Currency of the budget (the billing account's currency)."
  type        = string
  default     = "EUR"
}
