# Cloud SQL for PostgreSQL 16: the system of record. Regional HA (a standby
# in a second zone, automatic failover), private IP only, TLS required,
# daily backups with point-in-time recovery, query insights, audit-friendly
# logging flags. Clients verify the server against its CA (sslmode=verify-ca).

resource "random_id" "suffix" {
  # Cloud SQL names cannot be reused for a week after deletion.
  byte_length = 3
}

resource "google_sql_database_instance" "this" {
  #checkov:skip=CKV_GCP_6:TLS is required by ip_configuration.ssl_mode = ENCRYPTED_ONLY; the check looks for the require_ssl argument that provider 6 removed.
  #checkov:skip=CKV_GCP_79:PostgreSQL 16 is the platform's chosen major version (DESIGN.md); upgrades are planned, not automatic.
  #checkov:skip=CKV_GCP_108:log_hostname makes PostgreSQL reverse-resolve every new connection; log_connections already records the client IP, and pod IPs have no useful names.
  #checkov:skip=CKV2_GCP_13:log_duration logs every statement of a busy OLTP API; Query Insights (insights_config) records latency per query instead.
  project             = var.project_id
  name                = "${var.name}-${random_id.suffix.hex}"
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = var.deletion_protection

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = true
    }

    backup_configuration {
      enabled                        = true
      start_time                     = var.backup_start_time
      location                       = var.backup_location
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = var.pitr_days

      backup_retention_settings {
        retained_backups = var.backup_retention_count
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = var.maintenance_day
      hour         = var.maintenance_hour
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = true
      record_client_address   = false
    }

    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
    database_flags {
      name  = "log_min_messages"
      value = "error"
    }
    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }
    database_flags {
      name  = "log_statement"
      value = "ddl"
    }
    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }
    # IAM database authentication: Google service accounts log in with an
    # OAuth token instead of a password (the users below).
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }
    database_flags {
      name  = "max_connections"
      value = tostring(var.max_connections)
    }
  }
}

resource "google_sql_database" "app" {
  project  = var.project_id
  name     = var.database_name
  instance = google_sql_database_instance.this.name
}

# The application's login. Its password lives in the OpenTofu state (keep
# the state bucket private) and in Secret Manager (database-url).
resource "random_password" "app" {
  length  = 32
  special = false
}

resource "google_sql_user" "app" {
  project  = var.project_id
  name     = var.user_name
  instance = google_sql_database_instance.this.name
  password = random_password.app.result
}

# IAM database users for the platform's Google service accounts (the API's,
# through Workload Identity). The name is the account's email without
# ".gserviceaccount.com", as Cloud SQL requires.
resource "google_sql_user" "iam" {
  for_each = toset(var.iam_service_accounts)

  project  = var.project_id
  name     = trimsuffix(each.value, ".gserviceaccount.com")
  instance = google_sql_database_instance.this.name
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

resource "google_project_iam_member" "iam_login" {
  for_each = toset(var.iam_service_accounts)

  project = var.project_id
  role    = "roles/cloudsql.instanceUser"
  member  = "serviceAccount:${each.value}"
}
