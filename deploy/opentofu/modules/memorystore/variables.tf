variable "project_id" {
  description = "ID of the GCP project that hosts the instance."
  type        = string
}

variable "region" {
  description = "Region of the instance."
  type        = string
}

variable "name" {
  description = "Instance ID."
  type        = string
}

variable "network_id" {
  description = "ID of the VPC (with Private Service Access) the instance attaches to."
  type        = string
}

variable "tier" {
  description = "BASIC (single node) or STANDARD_HA (replica and automatic failover)."
  type        = string
  default     = "STANDARD_HA"

  validation {
    condition     = contains(["BASIC", "STANDARD_HA"], var.tier)
    error_message = "tier must be BASIC or STANDARD_HA."
  }
}

variable "memory_size_gb" {
  description = "Memory of the instance in GB."
  type        = number
  default     = 5
}

variable "redis_version" {
  description = "Redis version, e.g. REDIS_7_2."
  type        = string
  default     = "REDIS_7_2"
}

variable "maintenance_day" {
  description = "Day of the weekly maintenance window (MONDAY..SUNDAY); apart from GKE's (Saturday) and Cloud SQL's (Sunday)."
  type        = string
  default     = "WEDNESDAY"
}

variable "maintenance_hour" {
  description = "Hour (UTC) of the weekly maintenance window."
  type        = number
  default     = 4
}

variable "labels" {
  description = "Labels put on the instance."
  type        = map(string)
  default     = {}
}
