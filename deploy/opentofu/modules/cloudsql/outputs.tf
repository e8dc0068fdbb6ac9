output "instance_name" {
  description = "Name of the Cloud SQL instance (for gcloud sql commands)."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "Instance connection name <project>:<region>:<name>."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip" {
  description = "Private IP address of the instance."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_name" {
  description = "Name of the application's database."
  value       = google_sql_database.app.name
}

output "user_name" {
  description = "Name of the application's database user."
  value       = google_sql_user.app.name
}

output "database_url" {
  description = "DATABASE_URL for the application: TLS, and the server verified against its CA (sslmode=require would accept any server)."
  value       = "postgres://${google_sql_user.app.name}:${random_password.app.result}@${google_sql_database_instance.this.private_ip_address}:5432/${google_sql_database.app.name}?sslmode=verify-ca&sslrootcert=${var.server_ca_path}"
  sensitive   = true
}

output "server_ca_pem" {
  description = "PEM of the instance's server CA (secret cloudsql-ca), which clients verify the server against."
  value       = google_sql_database_instance.this.server_ca_cert[0].cert
}

output "max_connections" {
  description = "The instance's max_connections (the monitoring module alerts at 80% of it)."
  value       = var.max_connections
}
