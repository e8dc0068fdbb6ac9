output "network_id" {
  description = "ID of the VPC (projects/<p>/global/networks/<name>)."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Name of the VPC."
  value       = google_compute_network.this.name
}

output "subnet_id" {
  description = "ID of the private node subnet."
  value       = google_compute_subnetwork.nodes.id
}

output "pods_range_name" {
  description = "Name of the secondary range for pod IPs."
  value       = google_compute_subnetwork.nodes.secondary_ip_range[0].range_name
}

output "services_range_name" {
  description = "Name of the secondary range for Service IPs."
  value       = google_compute_subnetwork.nodes.secondary_ip_range[1].range_name
}

output "private_services_cidr" {
  description = "The Private Service Access range (what the Kubernetes NetworkPolicy allows)."
  value       = var.private_services_cidr
}

output "private_services_connection" {
  description = "ID of the service networking peering; depend on it before creating Cloud SQL or Memorystore."
  value       = google_service_networking_connection.private_services.id
}
