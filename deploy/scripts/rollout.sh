#!/usr/bin/env bash
# Roll out the CODITECT License Platform to the cluster of the current
# kubectl context, migrations first:
#
#   0. with --platform only (a cluster admin, at the first install and when
#      they change): the namespace, RBAC, quota and limits
#      (app.kubernetes.io/component=platform); the operator Role cannot;
#   1. prerequisites: service accounts, network policies, ConfigMaps, secret
#      provider classes (everything that is not a workload of the
#      api/worker/beat/migrate components);
#   2. the migration Job alone, waiting until it completes (its logs are shown
#      and the script stops if it fails: nothing new is rolled out);
#   3. everything, then waits for each Deployment's rollout.
#
# The new API pods only turn ready once /readyz sees every migration applied,
# and maxUnavailable 0 keeps the old pods serving until then.
#
# prod runs images pinned by digest only (a tag could be moved; a digest
# names one image for ever): `--pin <tag>` resolves the tag in Artifact
# Registry and writes tag and digest into the overlay (commit that change).
#
# Usage: deploy/scripts/rollout.sh dev|prod [--dry-run] [--pin <tag>] [--platform]
# Env:   KUBECTL (default kubectl), GCLOUD (default gcloud),
#        ROLLOUT_TIMEOUT seconds (default 600),
#        KUSTOMIZE_ROOT (default deploy/kubernetes; the tests use a copy)
set -euo pipefail

usage="usage: $0 dev|prod [--dry-run] [--pin <tag>] [--platform]"
overlay="${1:-}"
case "$overlay" in
  dev | prod) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
shift
dry_run=()
pin=""
platform=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=(--dry-run=server); shift ;;
    --pin) pin="${2:?$usage}"; shift 2 ;;
    --platform) platform=true; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

kubectl="${KUBECTL:-kubectl}"
gcloud="${GCLOUD:-gcloud}"
timeout="${ROLLOUT_TIMEOUT:-600}"
namespace=coditect
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay_dir="${KUSTOMIZE_ROOT:-$here/../kubernetes}/overlays/$overlay"
kustomization="$overlay_dir/kustomization.yaml"

if [[ -n "$pin" ]]; then
  image="$(awk '/^    newName: / {print $2; exit}' "$kustomization")"
  digest="$("$gcloud" artifacts docker images describe "$image:$pin" --format='value(image_summary.digest)')"
  if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "could not resolve $image:$pin to a digest (got '$digest')" >&2
    exit 1
  fi
  awk -v tag="$pin" -v digest="$digest" '
    /^    digest: / { next }
    /^    newTag: / { print "    newTag: " tag; print "    digest: " digest; next }
    { print }' "$kustomization" >"$kustomization.new"
  mv "$kustomization.new" "$kustomization"
  echo "== pinned $image:$pin to $digest in $kustomization: commit it"
fi

manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
"$kubectl" kustomize "$overlay_dir" >"$manifest"
if [[ "$overlay" == prod ]] && grep -E '^ +(- )?image: ' "$manifest" | grep -v '@sha256:' | grep -q coditect-license; then
  echo "prod rolls out images pinned by digest only: run $0 prod --pin <tag>" >&2
  exit 1
fi
echo "== rendered $overlay_dir ($(grep -c '^kind:' "$manifest") objects) on context $("$kubectl" config current-context)"

# Secrets come from Secret Manager through GKE's add-on (the SecretProviderClasses
# are applied here): a pod whose secrets cannot be read stays ContainerCreating
# with a FailedMount event naming the secret.
if [[ "$platform" == true ]]; then
  echo "== 0/3 platform (namespace, RBAC, quota, limits)"
  "$kubectl" apply "${dry_run[@]}" -f "$manifest" --selector 'app.kubernetes.io/component=platform'
fi

echo "== 1/3 prerequisites"
"$kubectl" apply "${dry_run[@]}" -f "$manifest" \
  --selector 'app.kubernetes.io/component notin (platform,api,worker,beat,migrate)'

if [[ ${#dry_run[@]} -gt 0 ]]; then
  "$kubectl" apply "${dry_run[@]}" -f "$manifest" --selector 'app.kubernetes.io/component!=platform'
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
"$kubectl" apply -f "$manifest" --selector 'app.kubernetes.io/component!=platform'
for deployment in $("$kubectl" -n "$namespace" get deployments -o name); do
  "$kubectl" -n "$namespace" rollout status "$deployment" --timeout="${timeout}s"
done
echo "== $overlay rolled out"
