output "key_ring_id" {
  description = "ID of the key ring."
  value       = google_kms_key_ring.this.id
}

output "signing_key_id" {
  description = "ID of the signing key (projects/.../cryptoKeys/<name>); append /cryptoKeyVersions/N for a version."
  value       = google_kms_crypto_key.signing.id
}

output "signing_algorithm" {
  description = "Algorithm of the signing key's versions."
  value       = google_kms_crypto_key.signing.version_template[0].algorithm
}

output "signing_key_version" {
  description = "The first key version: GCP_KMS_KEY_VERSION of the API (later versions are published and activated by the rotation runbook)."
  value       = "${google_kms_crypto_key.signing.id}/cryptoKeyVersions/1"
}
