# Google Identity Platform: the tenant-less project config (authorized
# domains), and Google and GitHub as its sign-in providers. Clients that sign
# in through Google's SDK send the resulting ID token to the API's
# POST /api/v1/auth/id-token (IDENTITY_PLATFORM_PROJECT in the ConfigMap).
#
# The OAuth client secrets live in Secret Manager (deploy/opentofu/modules/secrets
# creates them with a blank placeholder version, which the API's pods mount;
# an operator adds the real versions). They are read here only for the
# providers listed in var.idps, and a provider whose secret is still the blank
# placeholder stops the plan, so Identity Platform never gets an empty secret. Identity
# Platform needs the secret itself, so it does pass through this state: keep
# the state bucket private (envs/*/backend.hcl.example).

resource "google_identity_platform_config" "this" {
  project                    = var.project_id
  authorized_domains         = var.authorized_domains
  autodelete_anonymous_users = true

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = false
      password_required = true
    }
  }
}

data "google_secret_manager_secret_version" "client_secret" {
  for_each = var.idps

  project = var.project_id
  secret  = each.value.client_secret_id
}

resource "google_identity_platform_default_supported_idp_config" "this" {
  for_each = var.idps

  project       = var.project_id
  idp_id        = each.key
  client_id     = each.value.client_id
  client_secret = data.google_secret_manager_secret_version.client_secret[each.key].secret_data
  enabled       = true

  lifecycle {
    precondition {
      condition     = trimspace(data.google_secret_manager_secret_version.client_secret[each.key].secret_data) != ""
      error_message = "The client secret of this provider is still the blank placeholder: add its version in Secret Manager first (docs/sign-in.md)."
    }
  }

  depends_on = [google_identity_platform_config.this]
}
