# Cloud KMS: the root token-signing key (RSA-4096, PKCS#1 v1.5 or PSS with
# SHA-256, i.e. JWS RS256 or PS256) in a key ring of its own, in an HSM
# (protection_level HSM in prod). The private half never leaves KMS: HSM keys
# cannot be exported, and the only grant is roles/cloudkms.signerVerifier on this
# key for the API's Google service account (sign, read the public key; never
# create, import, export or destroy versions). The API signs through the KMS API
# (SIGNING_BACKEND=gcp-kms, GCP_KMS_KEY_VERSION). See docs/deploy.md "Signing root
# rotation".

resource "google_kms_key_ring" "this" {
  project  = var.project_id
  name     = var.key_ring_name
  location = var.location
}

resource "google_kms_crypto_key" "signing" {
  #checkov:skip=CKV_GCP_43:Cloud KMS cannot rotate asymmetric keys automatically; rotation is a runbook step (docs/deploy.md, Key rotation) that adds a key version and publishes it in the JWKS before signing with it.
  name     = var.signing_key_name
  key_ring = google_kms_key_ring.this.id
  purpose  = "ASYMMETRIC_SIGN"
  labels   = var.labels

  version_template {
    algorithm        = var.signing_algorithm
    protection_level = var.protection_level
  }

  destroy_scheduled_duration = "2592000s"

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "signer" {
  for_each = toset(var.signer_members)

  crypto_key_id = google_kms_crypto_key.signing.id
  role          = "roles/cloudkms.signerVerifier"
  member        = each.value
}

resource "google_kms_crypto_key_iam_member" "public_key_viewer" {
  for_each = toset(var.public_key_viewer_members)

  crypto_key_id = google_kms_crypto_key.signing.id
  role          = "roles/cloudkms.publicKeyViewer"
  member        = each.value
}
