variable "project_id" {
  description = "ID of the GCP project that hosts the network."
  type        = string
}

variable "region" {
  description = "Region of the subnet, router and NAT."
  type        = string
}

variable "name" {
  description = "Name of the VPC; prefix of its subnet, ranges, router and NAT."
  type        = string
}

variable "nodes_cidr" {
  description = "Primary range of the private subnet (GKE node IPs)."
  type        = string
}

variable "pods_cidr" {
  description = "Secondary range for GKE pod IPs."
  type        = string
}

variable "services_cidr" {
  description = "Secondary range for GKE Service (ClusterIP) IPs."
  type        = string
}

variable "private_services_cidr" {
  description = "Private Service Access range for Cloud SQL and Memorystore private IPs. Must equal the ipBlock of the NetworkPolicy datastore-clients-egress in the matching Kubernetes overlay."
  type        = string

  validation {
    condition     = can(cidrhost(var.private_services_cidr, 0)) && tonumber(split("/", var.private_services_cidr)[1]) <= 24
    error_message = "private_services_cidr must be a CIDR of /24 or larger."
  }
}

variable "flow_log_sampling" {
  description = "Fraction (0..1] of VPC flow logs kept for the node subnet."
  type        = number
  default     = 0.5
}
