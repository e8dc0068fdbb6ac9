output "host" {
  description = "Private IP of the instance."
  value       = google_redis_instance.this.host
}

output "port" {
  description = "Port of the instance (6378 with TLS)."
  value       = google_redis_instance.this.port
}

output "auth_string" {
  description = "Redis AUTH string."
  value       = google_redis_instance.this.auth_string
  sensitive   = true
}

output "ca_pem" {
  description = "PEM of the instance's server CA (clients verify the TLS server with it)."
  value       = join("\n", [for c in google_redis_instance.this.server_ca_certs : c.cert])
}

output "redis_url" {
  description = "REDIS_URL for the application: TLS, AUTH, server CA at the path the Kubernetes manifests mount."
  value       = "rediss://:${google_redis_instance.this.auth_string}@${google_redis_instance.this.host}:${google_redis_instance.this.port}/0?ssl_cert_reqs=required&ssl_ca_certs=/var/run/secrets/coditect/app/redis-ca.pem"
  sensitive   = true
}

output "instance_id" {
  description = "Full ID of the instance (projects/<p>/locations/<r>/instances/<name>), as Cloud Monitoring labels it."
  value       = google_redis_instance.this.id
}
