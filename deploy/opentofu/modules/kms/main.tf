# Cloud KMS: the root token-signing key (RSA-4096, PKCS#1 v1.5 SHA-256, i.e.
# JWS RS256) in a key ring of its own. The private half never leaves KMS; the
# platform signs through the KMS API / PKCS#11 library as the API's Google
# service account. See docs/deploy.md "Key rotation".

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
    algorithm        = "RSA_SIGN_PKCS1_4096_SHA256"
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
