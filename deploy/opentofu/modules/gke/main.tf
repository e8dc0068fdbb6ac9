# GKE Standard cluster: private nodes, Dataplane V2 (which enforces the
# Kubernetes NetworkPolicies), Workload Identity, shielded nodes, release
# channel upgrades. One autoscaled node pool with its own least-privilege
# service account; Spot nodes where var.spot is set (dev).

resource "google_service_account" "nodes" {
  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "GKE nodes of ${var.name}"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/artifactregistry.reader",
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.nodes.email}"
}

resource "google_container_cluster" "this" {
  #checkov:skip=CKV_GCP_12:NetworkPolicy is enforced by Dataplane V2 (datapath_provider = ADVANCED_DATAPATH); the network_policy block this check reads is for the legacy Calico add-on and must not be set with Dataplane V2.
  #checkov:skip=CKV_GCP_67:Legacy metadata endpoints: the node pool sets workload_metadata_config GKE_METADATA and COS images disable the v1beta1 endpoint; the default pool this check reads is removed at creation.
  project  = var.project_id
  name     = var.name
  location = var.location

  network    = var.network_id
  subnetwork = var.subnet_id

  # Node pools are managed below; the default one is removed at creation.
  remove_default_node_pool = true
  initial_node_count       = 1

  deletion_protection = var.deletion_protection
  resource_labels     = var.labels

  networking_mode   = "VPC_NATIVE"
  datapath_provider = "ADVANCED_DATAPATH"
  ip_allocation_policy {
    cluster_secondary_range_name  = var.pods_range_name
    services_secondary_range_name = var.services_range_name
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = var.private_endpoint
    master_ipv4_cidr_block  = var.master_ipv4_cidr_block
    master_global_access_config {
      enabled = false
    }
  }

  master_authorized_networks_config {
    dynamic "cidr_blocks" {
      for_each = var.master_authorized_networks
      content {
        cidr_block   = cidr_blocks.value.cidr_block
        display_name = cidr_blocks.value.display_name
      }
    }
  }

  # Google Groups for RBAC: RoleBindings to Google groups (deploy/kubernetes/
  # base/rbac.yaml) work when the groups are members of this group.
  authenticator_groups_config {
    security_group = var.rbac_security_group
  }

  master_auth {
    client_certificate_config {
      issue_client_certificate = false
    }
  }

  workload_identity_config {
    workload_pool = "${var.project_id}.svc.id.goog"
  }

  release_channel {
    channel = var.release_channel
  }

  enable_shielded_nodes       = true
  enable_intranode_visibility = true
  enable_legacy_abac          = false

  binary_authorization {
    evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"
  }

  # Kubernetes Secrets (etcd) encrypted with a key of ours, not only Google's.
  database_encryption {
    state    = "ENCRYPTED"
    key_name = google_kms_crypto_key.secrets.id
  }

  # GKE's Secret Manager add-on: pods mount Secret Manager secrets as files
  # (SecretProviderClass, deploy/kubernetes/overlays/*/secrets.yaml); a new
  # version reaches the mounted files within the rotation interval.
  secret_manager_config {
    enabled = true
    rotation_config {
      enabled           = true
      rotation_interval = "120s"
    }
  }

  security_posture_config {
    mode               = "BASIC"
    vulnerability_mode = "VULNERABILITY_BASIC"
  }

  logging_config {
    enable_components = ["SYSTEM_COMPONENTS", "WORKLOADS"]
  }

  monitoring_config {
    enable_components = ["SYSTEM_COMPONENTS"]
    managed_prometheus {
      enabled = false
    }
  }

  addons_config {
    http_load_balancing {
      disabled = false
    }
    horizontal_pod_autoscaling {
      disabled = false
    }
  }

  # Saturday: Cloud SQL (Sunday) and Memorystore (Wednesday) keep other days,
  # so one night never upgrades two of them.
  maintenance_policy {
    recurring_window {
      start_time = "2024-01-06T02:00:00Z"
      end_time   = "2024-01-06T08:00:00Z"
      recurrence = "FREQ=WEEKLY;BYDAY=${var.maintenance_day}"
    }
  }

  # The default pool's config is only used while the cluster is created;
  # it still gets the hardened settings.
  node_config {
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    metadata = {
      disable-legacy-endpoints = "true"
    }
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    ignore_changes = [node_config]
  }

  depends_on = [google_kms_crypto_key_iam_member.gke_secrets]
}

resource "google_container_node_pool" "default" {
  project  = var.project_id
  name     = "${var.name}-pool"
  location = var.location
  cluster  = google_container_cluster.this.name

  initial_node_count = var.node_min_count
  autoscaling {
    min_node_count = var.node_min_count
    max_node_count = var.node_max_count
  }

  # Only read at creation: a later change of node_min_count (runbook, scaling)
  # would otherwise replace the only node pool. The autoscaler owns the count.
  lifecycle {
    ignore_changes = [initial_node_count]
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  upgrade_settings {
    max_surge       = 1
    max_unavailable = 0
  }

  node_config {
    machine_type    = var.machine_type
    spot            = var.spot
    image_type      = "COS_CONTAINERD"
    disk_type       = "pd-balanced"
    disk_size_gb    = var.disk_size_gb
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    labels          = var.labels

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }

    dynamic "taint" {
      for_each = var.spot && var.spot_taint ? [1] : []
      content {
        key    = "cloud.google.com/gke-spot"
        value  = "true"
        effect = "NO_SCHEDULE"
      }
    }
  }
}

# Private clusters only open 443 and 10250 from the control plane to the
# nodes; ingress-nginx's admission webhook listens on 8443.
resource "google_compute_firewall" "control_plane_webhooks" {
  project   = var.project_id
  name      = "${var.name}-control-plane-webhooks"
  network   = var.network_id
  direction = "INGRESS"
  priority  = 1000

  source_ranges           = [var.master_ipv4_cidr_block]
  target_service_accounts = [google_service_account.nodes.email]

  allow {
    protocol = "tcp"
    ports    = ["8443"]
  }

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

# Application-layer secrets encryption: GKE encrypts Kubernetes Secrets in
# etcd with this key (its service agent may use it, nothing else).
data "google_project" "this" {
  project_id = var.project_id
}

resource "google_kms_key_ring" "gke" {
  project  = var.project_id
  name     = "${var.name}-gke"
  location = var.kms_location
}

resource "google_kms_crypto_key" "secrets" {
  name            = "etcd-secrets"
  key_ring        = google_kms_key_ring.gke.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = "7776000s" # 90 days; old versions keep decrypting
  labels          = var.labels

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "gke_secrets" {
  crypto_key_id = google_kms_crypto_key.secrets.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:service-${data.google_project.this.number}@container-engine-robot.iam.gserviceaccount.com"
}

# Binary Authorization: only images from the platform's Artifact Registry and
# the add-ons the runbook installs may run (Google's own system images are
# allowed by the global policy). Anything else is refused and audit-logged.
resource "google_binary_authorization_policy" "this" {
  project                       = var.project_id
  global_policy_evaluation_mode = "ENABLE"

  dynamic "admission_whitelist_patterns" {
    for_each = concat(["${var.registry_url}/**"], var.allowed_image_patterns)
    content {
      name_pattern = admission_whitelist_patterns.value
    }
  }

  default_admission_rule {
    evaluation_mode  = "ALWAYS_DENY"
    enforcement_mode = "ENFORCED_BLOCK_AND_AUDIT_LOG"
  }
}
