output "registry_url" {
  description = "Where to push the image: <registry_url>/coditect-license:<tag>."
  value       = module.project.registry_url
}

output "cluster_name" {
  description = "GKE cluster name (gcloud container clusters get-credentials <name> --zone <zone>)."
  value       = module.gke.cluster_name
}

output "cluster_location" {
  description = "GKE cluster location (a zone in dev)."
  value       = module.gke.location
}

output "cloudsql_instance" {
  description = "Cloud SQL instance name (backups, restores, PITR clones)."
  value       = module.cloudsql.instance_name
}

output "cloudsql_private_ip" {
  description = "Cloud SQL private IP (inside private_services_cidr)."
  value       = module.cloudsql.private_ip
}

output "api_gsa_email" {
  description = "Google service account of the API: the iam.gke.io/gcp-service-account annotation in overlays/dev."
  value       = module.api_identity.email
}

output "kms_signing_key_id" {
  description = "KMS root signing key (RSA-4096, RSA_SIGN_PKCS1_4096_SHA256)."
  value       = module.kms.signing_key_id
}

output "secret_ids" {
  description = "Secret Manager IDs by short name (the overlays' secrets.yaml mount them)."
  value       = module.secrets.secret_ids
}

output "private_services_cidr" {
  description = "Private Service Access range; must match the NetworkPolicy ipBlock in overlays/dev."
  value       = module.network.private_services_cidr
}

output "identity_platform_issuer" {
  description = "Set IDENTITY_PLATFORM_PROJECT (the ConfigMap) to the project id: the API then trades ID tokens of this issuer."
  value       = module.identity_platform.issuer
}
