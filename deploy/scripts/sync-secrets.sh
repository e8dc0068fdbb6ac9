#!/usr/bin/env bash
# Copy the platform's secrets from Secret Manager into the Kubernetes Secrets
# the manifests reference (values never touch the repository):
#
#   coditect-app          database-url, redis-url, secret-key,
#                         license-key-pepper[, redis-ca.pem]
#   coditect-signing-key  signing-key.pem
#   coditect-sign-in      google-client-secret, github-client-secret (those
#                         with a version: sign-in providers are optional)
#
# Secret Manager IDs are the ones deploy/opentofu/modules/secrets creates
# (coditect-<name>). Run it after `tofu apply`, after adding a version to a
# secret (rotation), then `kubectl rollout restart` the Deployments: the app
# reads its settings at start.
#
# Usage: deploy/scripts/sync-secrets.sh <gcp-project-id>
# Needs: gcloud (roles/secretmanager.secretAccessor), kubectl on the cluster.
set -euo pipefail

project="${1:?usage: $0 <gcp-project-id>}"
kubectl="${KUBECTL:-kubectl}"
namespace=coditect

umask 077
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

fetch() { # fetch <secret-manager-name> <file>
  gcloud secrets versions access latest --project="$project" --secret="coditect-$1" --out-file="$workdir/$2"
}

fetch secret-key secret-key
fetch license-key-pepper license-key-pepper
fetch database-url database-url
fetch redis-url redis-url
app_files=(
  --from-file=secret-key="$workdir/secret-key"
  --from-file=license-key-pepper="$workdir/license-key-pepper"
  --from-file=database-url="$workdir/database-url"
  --from-file=redis-url="$workdir/redis-url"
)
# Memorystore's server CA (prod only; dev's Redis is in the cluster).
if gcloud secrets describe coditect-redis-ca --project="$project" >/dev/null 2>&1; then
  fetch redis-ca redis-ca.pem
  app_files+=(--from-file=redis-ca.pem="$workdir/redis-ca.pem")
fi
fetch signing-key-pem signing-key.pem

# Sign-in providers' client secrets (docs/sign-in.md), for those an operator added.
sign_in_files=()
for name in google-client-secret github-client-secret; do
  if gcloud secrets versions describe latest --project="$project" --secret="coditect-$name" >/dev/null 2>&1; then
    fetch "$name" "$name"
    sign_in_files+=(--from-file="$name=$workdir/$name")
  fi
done

"$kubectl" create namespace "$namespace" --dry-run=client -o yaml | "$kubectl" apply -f -
"$kubectl" -n "$namespace" create secret generic coditect-app "${app_files[@]}" \
  --dry-run=client -o yaml | "$kubectl" apply -f -
"$kubectl" -n "$namespace" create secret generic coditect-signing-key \
  --from-file=signing-key.pem="$workdir/signing-key.pem" \
  --dry-run=client -o yaml | "$kubectl" apply -f -
if ((${#sign_in_files[@]})); then
  "$kubectl" -n "$namespace" create secret generic coditect-sign-in "${sign_in_files[@]}" \
    --dry-run=client -o yaml | "$kubectl" apply -f -
fi
echo "Secrets coditect-app, coditect-signing-key (and coditect-sign-in) updated in namespace $namespace."
