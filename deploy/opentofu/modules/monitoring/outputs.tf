output "uptime_check_id" {
  description = "ID of the JWKS uptime check (Cloud Monitoring, Uptime checks)."
  value       = google_monitoring_uptime_check_config.jwks.uptime_check_id
}

output "notification_channel" {
  description = "The email notification channel every alert uses."
  value       = google_monitoring_notification_channel.email.id
}
