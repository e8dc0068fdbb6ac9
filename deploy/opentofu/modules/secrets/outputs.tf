output "secret_ids" {
  description = "Secret Manager secret IDs by short name (e.g. database-url => coditect-database-url)."
  value       = { for name, s in google_secret_manager_secret.this : name => s.secret_id }
}
