# dev: one cheap environment. Zonal GKE cluster on Spot nodes, zonal Cloud
# SQL (no HA standby, shorter backup retention), software KMS key, and NO
# Memorystore: Redis runs in the cluster (deploy/kubernetes/overlays/dev).

locals {
  name   = "coditect-dev"
  labels = merge({ app = "coditect-license", env = "dev" }, var.labels)
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
  flow_log_sampling     = 0.1

  depends_on = [module.project]
}

module "gke" {
  source = "../../modules/gke"

  project_id                 = var.project_id
  name                       = local.name
  location                   = var.zone
  network_id                 = module.network.network_id
  subnet_id                  = module.network.subnet_id
  pods_range_name            = module.network.pods_range_name
  services_range_name        = module.network.services_range_name
  master_ipv4_cidr_block     = var.master_ipv4_cidr_block
  master_authorized_networks = var.master_authorized_networks
  rbac_security_group        = var.gke_rbac_security_group
  machine_type               = "e2-standard-2"
  node_min_count             = 1
  node_max_count             = 3
  spot                       = true
  deletion_protection        = false
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
  tier                   = "db-custom-1-3840"
  availability_type      = "ZONAL"
  disk_size_gb           = 10
  max_connections        = 100
  backup_retention_count = 7
  pitr_days              = 3
  deletion_protection    = false
  iam_service_accounts   = [module.api_identity.email]
  labels                 = local.labels

  depends_on = [module.network]
}

module "api_identity" {
  source = "../../modules/workload_identity"

  project_id          = var.project_id
  account_id          = "coditect-api"
  display_name        = "CODITECT License API (dev)"
  k8s_namespace       = var.k8s_namespace
  k8s_service_account = "coditect-api"

  depends_on = [module.gke]
}

module "kms" {
  source = "../../modules/kms"

  project_id                = var.project_id
  location                  = var.region
  key_ring_name             = "${local.name}-signing"
  protection_level          = "SOFTWARE"
  signer_members            = [module.api_identity.member]
  public_key_viewer_members = [module.api_identity.member]
  labels                    = local.labels

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
  replica_locations     = [var.region]
  provided_secret_names = ["database-url", "redis-url", "cloudsql-ca"]
  provided_secret_values = {
    "database-url" = module.cloudsql.database_url
    "redis-url"    = "redis://coditect-redis.${var.k8s_namespace}.svc.cluster.local:6379/0"
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
  billing_account          = var.billing_account
  monthly_budget           = var.monthly_budget

  depends_on = [module.project]
}
