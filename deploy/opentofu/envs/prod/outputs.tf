output "registry_url" {
  description = "Where to push the image: <registry_url>/coditect-license:<tag>."
  value       = module.project.registry_url
}

output "cluster_name" {
  description = "GKE cluster name (gcloud container clusters get-credentials <name> --region <region>)."
  value       = module.gke.cluster_name
}

output "cluster_location" {
  description = "GKE cluster location (the region in prod)."
  value       = module.gke.location
}

output "cloudsql_instance" {
  description = "Cloud SQL instance name (backups, restores, PITR clones)."
  value       = module.cloudsql.instance_name
}

output "cloudsql_connection_name" {
  description = "Cloud SQL connection name <project>:<region>:<instance>."
  value       = module.cloudsql.connection_name
}

output "cloudsql_private_ip" {
  description = "Cloud SQL private IP (inside private_services_cidr)."
  value       = module.cloudsql.private_ip
}

output "redis_host" {
  description = "Memorystore private IP (inside private_services_cidr)."
  value       = module.memorystore.host
}

output "redis_port" {
  description = "Memorystore TLS port."
  value       = module.memorystore.port
}

output "api_gsa_email" {
  description = "Google service account of the API: the iam.gke.io/gcp-service-account annotation in overlays/prod."
  value       = module.api_identity.email
}

output "kms_signing_key_id" {
  description = "KMS root signing key in Cloud HSM (RSA-4096, RSA_SIGN_PKCS1_4096_SHA256)."
  value       = module.kms.signing_key_id
}

output "secret_ids" {
  description = "Secret Manager IDs by short name (the overlays' secrets.yaml mount them)."
  value       = module.secrets.secret_ids
}

output "private_services_cidr" {
  description = "Private Service Access range; must match the NetworkPolicy ipBlock in overlays/prod."
  value       = module.network.private_services_cidr
}

output "identity_platform_issuer" {
  description = "Set IDENTITY_PLATFORM_PROJECT (the ConfigMap) to the project id: the API then trades ID tokens of this issuer."
  value       = module.identity_platform.issuer
}

output "kms_signing_key_version" {
  description = "GCP_KMS_KEY_VERSION for the API's ConfigMap (the first root; SIGNING_BACKEND=gcp-kms)."
  value       = module.kms.signing_key_version
}
