variable "project_id" {
  description = "ID of the GCP project that hosts the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance (its zones hold the primary and the HA standby)."
  type        = string
}

variable "name" {
  description = "Instance name prefix (a random suffix is added)."
  type        = string
}

variable "network_id" {
  description = "ID of the VPC whose Private Service Access range gives the instance its private IP."
  type        = string
}

variable "tier" {
  description = "Machine tier, e.g. db-custom-2-7680."
  type        = string
  default     = "db-custom-2-7680"
}

variable "availability_type" {
  description = "REGIONAL (HA standby in another zone, automatic failover) or ZONAL."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "ZONAL"], var.availability_type)
    error_message = "availability_type must be REGIONAL or ZONAL."
  }
}

variable "disk_size_gb" {
  description = "Initial disk size in GB (it grows automatically)."
  type        = number
  default     = 50
}

variable "max_connections" {
  description = "PostgreSQL max_connections; size for API pods x gunicorn workers + Celery + headroom."
  type        = number
  default     = 400
}

variable "backup_start_time" {
  description = "Daily backup start time, HH:MM in UTC."
  type        = string
  default     = "02:00"
}

variable "backup_location" {
  description = "Multi-region or region where backups are stored (null: the instance's multi-region)."
  type        = string
  default     = null
}

variable "backup_retention_count" {
  description = "How many daily backups to keep."
  type        = number
  default     = 14
}

variable "pitr_days" {
  description = "Days of write-ahead log kept for point-in-time recovery (1..7 for ENTERPRISE)."
  type        = number
  default     = 7
}

variable "maintenance_day" {
  description = "Day of week for maintenance (1 = Monday .. 7 = Sunday); apart from GKE's (Saturday) and Memorystore's (Wednesday)."
  type        = number
  default     = 7
}

variable "maintenance_hour" {
  description = "Hour (UTC) of the maintenance window."
  type        = number
  default     = 3
}

variable "database_name" {
  description = "Name of the application's database."
  type        = string
  default     = "coditect"
}

variable "user_name" {
  description = "Name of the application's database user."
  type        = string
  default     = "coditect"
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (both in OpenTofu and in the Cloud SQL API)."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels put on the instance."
  type        = map(string)
  default     = {}
}

variable "iam_service_accounts" {
  description = "Emails of Google service accounts that get an IAM database user (IAM database authentication)."
  type        = list(string)
  default     = []
}

variable "server_ca_path" {
  description = "Where the application finds the server CA certificate (the secret cloudsql-ca, mounted as a file); the database URL verifies the server against it."
  type        = string
  default     = "/var/run/secrets/coditect/app/cloudsql-ca.pem"
}
