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
  description = "IAM members allowed to read the public key (for publishing it in the JWKS)."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels put on the key."
  type        = map(string)
  default     = {}
}
