output "issuer" {
  description = "The `iss` of this project's Identity Platform ID tokens (the API's ID_TOKEN_ISSUER)."
  value       = "https://securetoken.google.com/${var.project_id}"
}

output "enabled_providers" {
  description = "Identity Platform ids of the enabled sign-in providers."
  value       = sort(keys(google_identity_platform_default_supported_idp_config.this))
}
