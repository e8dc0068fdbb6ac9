#!/usr/bin/env bash
# Roll out the CODITECT License Platform to the cluster of the current
# kubectl context, migrations first:
#
#   1. prerequisites: namespace, service accounts, RBAC, network policies,
#      quota, limits, ConfigMaps (everything that is not a workload of the
#      api/worker/beat/migrate components);
#   2. the migration Job alone, waiting until it completes (its logs are shown
#      and the script stops if it fails: nothing new is rolled out);
#   3. everything, then waits for each Deployment's rollout.
#
# The new API pods only turn ready once /readyz sees every migration applied,
# and maxUnavailable 0 keeps the old pods serving until then.
#
# Usage: deploy/scripts/rollout.sh dev|prod [--dry-run]
# Env:   KUBECTL (default kubectl), ROLLOUT_TIMEOUT seconds (default 600)
set -euo pipefail

overlay="${1:-}"
case "$overlay" in
  dev | prod) ;;
  *) echo "usage: $0 dev|prod [--dry-run]" >&2; exit 2 ;;
esac
dry_run=()
if [[ "${2:-}" == "--dry-run" ]]; then
  dry_run=(--dry-run=server)
fi

kubectl="${KUBECTL:-kubectl}"
timeout="${ROLLOUT_TIMEOUT:-600}"
namespace=coditect
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay_dir="$here/../kubernetes/overlays/$overlay"

manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
"$kubectl" kustomize "$overlay_dir" >"$manifest"
echo "== rendered $overlay_dir ($(grep -c '^kind:' "$manifest") objects) on context $("$kubectl" config current-context)"

echo "== 1/3 prerequisites"
"$kubectl" apply "${dry_run[@]}" -f "$manifest" \
  --selector 'app.kubernetes.io/component notin (api,worker,beat,migrate)'

for secret in coditect-app coditect-signing-key; do
  if ! "$kubectl" -n "$namespace" get secret "$secret" >/dev/null 2>&1; then
    echo "Secret $namespace/$secret is missing: run deploy/scripts/sync-secrets.sh first." >&2
    exit 1
  fi
done

if [[ ${#dry_run[@]} -gt 0 ]]; then
  "$kubectl" apply "${dry_run[@]}" -f "$manifest"
  echo "== dry run: server accepted every object"
  exit 0
fi

echo "== 2/3 migrations"
"$kubectl" -n "$namespace" delete job coditect-migrate --ignore-not-found --wait=true
"$kubectl" apply -f "$manifest" --selector 'app.kubernetes.io/component=migrate'
waited=0
while true; do
  conditions="$("$kubectl" -n "$namespace" get job coditect-migrate \
    -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')"
  case "$conditions" in
    *Complete*) echo "migrations applied"; break ;;
    *Failed*)
      "$kubectl" -n "$namespace" logs job/coditect-migrate --all-containers --tail=200 >&2 || true
      echo "migration Job failed: nothing else was rolled out" >&2
      exit 1
      ;;
  esac
  if ((waited >= timeout)); then
    echo "migration Job did not finish in ${timeout}s" >&2
    exit 1
  fi
  sleep 5
  waited=$((waited + 5))
done

echo "== 3/3 workloads"
"$kubectl" apply -f "$manifest"
for deployment in $("$kubectl" -n "$namespace" get deployments -o name); do
  "$kubectl" -n "$namespace" rollout status "$deployment" --timeout="${timeout}s"
done
echo "== $overlay rolled out"
