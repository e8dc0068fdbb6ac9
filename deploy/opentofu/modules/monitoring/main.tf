# What Prometheus inside the cluster cannot see (deploy/kubernetes/base/
# alerts.yaml has the rest): the platform as the internet sees it (an uptime
# check), the managed data stores (Cloud SQL CPU and connections, Memorystore
# memory: with `noeviction` a full Redis refuses every write, so seats stop),
# and money (a monthly budget). Every alert goes to one email channel.

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_monitoring_notification_channel" "email" {
  project      = var.project_id
  display_name = "CODITECT ${var.name} on-call"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

# /healthz and /readyz are refused at the ingress; the JWKS is public, served by
# the app through the ingress and needs its database: a good end-to-end probe.
resource "google_monitoring_uptime_check_config" "jwks" {
  project      = var.project_id
  display_name = "CODITECT ${var.name} JWKS"
  timeout      = "10s"
  period       = "60s"

  http_check {
    path         = "/.well-known/jwks.json"
    port         = 443
    use_ssl      = true
    validate_ssl = true
    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  content_matchers {
    content = "\"keys\""
    matcher = "CONTAINS_STRING"
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = var.public_host
    }
  }
}

resource "google_monitoring_alert_policy" "uptime" {
  project               = var.project_id
  display_name          = "CODITECT ${var.name}: unreachable from the internet"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "JWKS uptime check failing from several regions"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.check_id=\"${google_monitoring_uptime_check_config.jwks.uptime_check_id}\" AND resource.type=\"uptime_url\""
      duration        = "120s"
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.*"]
      }
    }
  }
}

resource "google_monitoring_alert_policy" "cloudsql" {
  project               = var.project_id
  display_name          = "CODITECT ${var.name}: Cloud SQL saturated"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "CPU above 80% for 10 minutes"
    condition_threshold {
      filter          = "metric.type=\"cloudsql.googleapis.com/database/cpu/utilization\" AND resource.type=\"cloudsql_database\" AND resource.label.database_id=\"${var.project_id}:${var.cloudsql_instance}\""
      duration        = "600s"
      comparison      = "COMPARISON_GT"
      threshold_value = 0.8
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MEAN"
      }
    }
  }

  conditions {
    display_name = "Connections above 80% of max_connections"
    condition_threshold {
      filter          = "metric.type=\"cloudsql.googleapis.com/database/postgresql/num_backends\" AND resource.type=\"cloudsql_database\" AND resource.label.database_id=\"${var.project_id}:${var.cloudsql_instance}\""
      duration        = "300s"
      comparison      = "COMPARISON_GT"
      threshold_value = floor(var.cloudsql_max_connections * 0.8)
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MEAN"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.database_id"]
      }
    }
  }
}

resource "google_monitoring_alert_policy" "redis_memory" {
  count = var.redis_instance_id == "" ? 0 : 1

  project               = var.project_id
  display_name          = "CODITECT ${var.name}: Redis memory nearly full (noeviction refuses writes)"
  combiner              = "OR"
  notification_channels = [google_monitoring_notification_channel.email.id]

  conditions {
    display_name = "Memory usage above 80% for 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"redis.googleapis.com/stats/memory/usage_ratio\" AND resource.type=\"redis_instance\" AND resource.label.instance_id=\"${var.redis_instance_id}\""
      duration        = "300s"
      comparison      = "COMPARISON_GT"
      threshold_value = 0.8
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MEAN"
      }
    }
  }
}

resource "google_billing_budget" "monthly" {
  billing_account = var.billing_account
  display_name    = "CODITECT ${var.name} monthly"

  budget_filter {
    projects = ["projects/${data.google_project.this.number}"]
  }

  amount {
    specified_amount {
      currency_code = var.budget_currency
      units         = tostring(var.monthly_budget)
    }
  }

  threshold_rules {
    threshold_percent = 0.5
  }
  threshold_rules {
    threshold_percent = 0.9
  }
  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = [google_monitoring_notification_channel.email.id]
    disable_default_iam_recipients   = false
  }
}
