variable "project_id" {
  description = "ID of the GCP project that hosts the cluster."
  type        = string
}

variable "name" {
  description = "Cluster name; prefix of its node pool and node service account."
  type        = string
}

variable "location" {
  description = "A region for a regional (multi-zone) cluster, or a zone for a zonal one."
  type        = string
}

variable "network_id" {
  description = "ID of the VPC the cluster joins."
  type        = string
}

variable "subnet_id" {
  description = "ID of the private subnet for the nodes."
  type        = string
}

variable "pods_range_name" {
  description = "Name of the subnet's secondary range for pod IPs."
  type        = string
}

variable "services_range_name" {
  description = "Name of the subnet's secondary range for Service IPs."
  type        = string
}

variable "master_ipv4_cidr_block" {
  description = "A /28 for the control plane's private endpoint; must not overlap any other range of the VPC."
  type        = string
}

variable "private_endpoint" {
  description = "Whether the control plane has only a private endpoint (then kubectl runs from inside the VPC, e.g. a bastion or Cloud Build private pool)."
  type        = bool
  default     = false
}

variable "master_authorized_networks" {
  description = "CIDRs allowed to reach the control plane endpoint (operators, CI)."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []
}

variable "release_channel" {
  description = "GKE release channel (RAPID, REGULAR, STABLE)."
  type        = string
  default     = "REGULAR"
}

variable "registry_url" {
  description = "The platform's Artifact Registry repository (<region>-docker.pkg.dev/<project>/<repo>): Binary Authorization admits its images."
  type        = string
}

variable "allowed_image_patterns" {
  description = "Other image name patterns Binary Authorization admits: the add-ons of docs/deploy.md section 5, redis (dev's in-cluster Redis, the restore flush pod). Every other image is refused."
  type        = list(string)
  default = [
    "registry.k8s.io/ingress-nginx/**",
    "registry.k8s.io/kube-state-metrics/**",
    "quay.io/jetstack/**",
    "quay.io/prometheus/**",
    "quay.io/prometheus-operator/**",
    "quay.io/kiwigrid/**",
    "docker.io/grafana/**",
    "docker.io/library/redis:*",
  ]
}

variable "kms_location" {
  description = "Location of the key ring for application-layer secrets encryption (the cluster's region)."
  type        = string
}

variable "maintenance_day" {
  description = "Day of the weekly maintenance window (MO..SU, RFC 5545); keep it apart from Cloud SQL's and Memorystore's."
  type        = string
  default     = "SA"
}

variable "machine_type" {
  description = "Machine type of the nodes."
  type        = string
  default     = "e2-standard-4"
}

variable "disk_size_gb" {
  description = "Boot disk size of each node, in GB."
  type        = number
  default     = 50
}

variable "node_min_count" {
  description = "Minimum nodes of the pool (per zone for a regional cluster)."
  type        = number
  default     = 1
}

variable "node_max_count" {
  description = "Maximum nodes of the pool (per zone for a regional cluster)."
  type        = number
  default     = 5
}

variable "spot" {
  description = "Use Spot (preemptible) VMs for the node pool."
  type        = bool
  default     = false
}

variable "spot_taint" {
  description = "With spot, also taint the nodes cloud.google.com/gke-spot=true:NoSchedule (the platform's pods tolerate it; add an untainted pool for other workloads)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Refuse to destroy the cluster."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels put on the cluster and its nodes."
  type        = map(string)
  default     = {}
}

variable "rbac_security_group" {
  description = "Google Group named gke-security-groups@<your domain> whose member groups can be subjects of Kubernetes RoleBindings (Google Groups for RBAC)."
  type        = string
}
