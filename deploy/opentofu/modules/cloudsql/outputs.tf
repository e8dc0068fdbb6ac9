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
  description = "DATABASE_URL for the application (TLS required)."
  value       = "postgres://${google_sql_user.app.name}:${random_password.app.result}@${google_sql_database_instance.this.private_ip_address}:5432/${google_sql_database.app.name}?sslmode=require"
  sensitive   = true
}
