# Memorystore for Redis: the seat store (Lua scripts, sorted sets) and the
# Celery broker. STANDARD_HA keeps a replica in another zone with automatic
# failover; AUTH and TLS (server authentication, port 6378) are on; the
# eviction policy is noeviction so a full Redis refuses writes instead of
# silently dropping seat sets. Redis may still lose data on failover: the
# application rebuilds seat sets from the database (DESIGN.md section 6).

resource "google_redis_instance" "this" {
  project        = var.project_id
  name           = var.name
  display_name   = "CODITECT seat store (${var.name})"
  region         = var.region
  tier           = var.tier
  memory_size_gb = var.memory_size_gb
  redis_version  = var.redis_version
  labels         = var.labels

  authorized_network = var.network_id
  connect_mode       = "PRIVATE_SERVICE_ACCESS"

  auth_enabled            = true
  transit_encryption_mode = "SERVER_AUTHENTICATION"

  redis_configs = {
    maxmemory-policy = "noeviction"
  }

  persistence_config {
    persistence_mode    = "RDB"
    rdb_snapshot_period = "TWELVE_HOURS"
  }

  maintenance_policy {
    weekly_maintenance_window {
      day = var.maintenance_day
      start_time {
        hours   = var.maintenance_hour
        minutes = 0
        seconds = 0
        nanos   = 0
      }
    }
  }
}
