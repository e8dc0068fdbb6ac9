variable "project_id" {
  description = "ID of the GCP project that hosts the key ring."
  type        = string
}

variable "location" {
  description = "KMS location of the key ring (a region, same as the cluster's)."
  type        = string
}

variable "key_ring_name" {
  description = "Name of the key ring (key rings cannot be deleted; pick once)."
  type        = string
}

variable "signing_key_name" {
  description = "Name of the asymmetric token-signing key."
  type        = string
  default     = "license-token-signing"
}

variable "signing_algorithm" {
  description = "Algorithm of the key's versions: RSA-4096 with PKCS#1 v1.5 (JWS RS256) or PSS (PS256)."
  type        = string
  default     = "RSA_SIGN_PKCS1_4096_SHA256"

  validation {
    condition = contains(
      ["RSA_SIGN_PKCS1_4096_SHA256", "RSA_SIGN_PSS_4096_SHA256"], var.signing_algorithm
    )
    error_message = "signing_algorithm must be RSA_SIGN_PKCS1_4096_SHA256 or RSA_SIGN_PSS_4096_SHA256."
  }
}

variable "protection_level" {
  description = "SOFTWARE or HSM (Cloud HSM, FIPS 140-2 level 3) for the key's versions."
  type        = string
  default     = "HSM"

  validation {
    condition     = contains(["SOFTWARE", "HSM"], var.protection_level)
    error_message = "protection_level must be SOFTWARE or HSM."
  }
}

variable "signer_members" {
  description = "IAM members allowed to sign with the key (the API's Google service account)."
  type        = list(string)
  default     = []
}

variable "public_key_viewer_members" {
  description = "IAM members that only read the public key (the signers need no such grant: signerVerifier includes it)."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels put on the key."
  type        = map(string)
  default     = {}
}
