# prod: regional GKE cluster (nodes in three zones), Cloud SQL PostgreSQL 16
# with a regional HA standby, backups and point-in-time recovery,
# Memorystore STANDARD_HA with AUTH and TLS, the RSA-4096 root signing key in
# Cloud HSM, every secret in Secret Manager, Workload Identity for the API.

locals {
  name   = "coditect-prod"
  labels = merge({ app = "coditect-license", env = "prod" }, var.labels)
}

module "project" {
  source = "../../modules/project"

  project_id    = var.project_id
  region        = var.region
  registry_name = "coditect"
  labels        = local.labels
}

module "network" {
  source = "../../modules/network"

  project_id            = var.project_id
  region                = var.region
  name                  = local.name
  nodes_cidr            = var.nodes_cidr
  pods_cidr             = var.pods_cidr
  services_cidr         = var.services_cidr
  private_services_cidr = var.private_services_cidr

  depends_on = [module.project]
}

module "gke" {
  source = "../../modules/gke"

  project_id                 = var.project_id
  name                       = local.name
  location                   = var.region
  network_id                 = module.network.network_id
  subnet_id                  = module.network.subnet_id
  pods_range_name            = module.network.pods_range_name
  services_range_name        = module.network.services_range_name
  master_ipv4_cidr_block     = var.master_ipv4_cidr_block
  master_authorized_networks = var.master_authorized_networks
  rbac_security_group        = var.gke_rbac_security_group
  release_channel            = "STABLE"
  machine_type               = var.node_machine_type
  node_min_count             = var.node_min_count_per_zone
  node_max_count             = var.node_max_count_per_zone
  deletion_protection        = true
  kms_location               = var.region
  registry_url               = module.project.registry_url
  labels                     = local.labels

  # The container, KMS and IAM APIs must be enabled before anything here.
  depends_on = [module.project]
}

module "cloudsql" {
  source = "../../modules/cloudsql"

  project_id             = var.project_id
  region                 = var.region
  name                   = local.name
  network_id             = module.network.network_id
  tier                   = var.cloudsql_tier
  availability_type      = "REGIONAL"
  disk_size_gb           = var.cloudsql_disk_size_gb
  backup_location        = var.backup_location
  backup_retention_count = 30
  pitr_days              = 7
  deletion_protection    = true
  iam_service_accounts   = [module.api_identity.email]
  labels                 = local.labels

  depends_on = [module.network]
}

module "memorystore" {
  source = "../../modules/memorystore"

  project_id     = var.project_id
  region         = var.region
  name           = "${local.name}-seats"
  network_id     = module.network.network_id
  tier           = "STANDARD_HA"
  memory_size_gb = var.redis_memory_size_gb
  labels         = local.labels

  depends_on = [module.network]
}

module "api_identity" {
  source = "../../modules/workload_identity"

  project_id          = var.project_id
  account_id          = "coditect-api"
  display_name        = "CODITECT License API (prod)"
  k8s_namespace       = var.k8s_namespace
  k8s_service_account = "coditect-api"

  depends_on = [module.gke]
}

module "kms" {
  source = "../../modules/kms"

  project_id        = var.project_id
  location          = var.region
  key_ring_name     = "${local.name}-signing"
  protection_level  = "HSM"
  signing_algorithm = "RSA_SIGN_PKCS1_4096_SHA256"
  signer_members    = [module.api_identity.member]
  labels            = local.labels

  depends_on = [module.project]
}

# The sign-in providers' client secrets (google-client-secret,
# github-client-secret) are the secrets module's placeholders: created with a
# blank first version so the API's mount works before a provider is set up; an
# operator adds the real version (docs/sign-in.md). The API reads them through
# the Secret Manager add-on (overlays' secrets.yaml), Identity Platform through
# its module, for the providers in identity_platform_client_ids only.
module "secrets" {
  source = "../../modules/secrets"

  project_id            = var.project_id
  prefix                = "coditect"
  replica_locations     = var.secret_replica_locations
  provided_secret_names = ["database-url", "redis-url", "redis-ca", "cloudsql-ca"]
  provided_secret_values = {
    "database-url" = module.cloudsql.database_url
    "redis-url"    = module.memorystore.redis_url
    "redis-ca"     = module.memorystore.ca_pem
    "cloudsql-ca"  = module.cloudsql.server_ca_pem
  }
  accessor_members = var.deployer_members
  k8s_namespace    = var.k8s_namespace
  labels           = local.labels

  depends_on = [module.project]
}

module "identity_platform" {
  source = "../../modules/identity_platform"

  project_id         = var.project_id
  authorized_domains = var.identity_platform_authorized_domains
  idps = {
    for id, client_id in var.identity_platform_client_ids : id => {
      client_id        = client_id
      client_secret_id = module.secrets.secret_ids[id == "google.com" ? "google-client-secret" : "github-client-secret"]
    }
  }

  depends_on = [module.project]
}

module "monitoring" {
  source = "../../modules/monitoring"

  project_id               = var.project_id
  name                     = local.name
  public_host              = var.public_host
  alert_email              = var.alert_email
  cloudsql_instance        = module.cloudsql.instance_name
  cloudsql_max_connections = module.cloudsql.max_connections
  redis_instance_id        = module.memorystore.instance_id
  billing_account          = var.billing_account
  monthly_budget           = var.monthly_budget

  depends_on = [module.project]
}
