#!/usr/bin/env bash
# Checks the Helm chart with the field's own tools, for the default values and for
# values-production.yaml: helm lint, helm template, kubecheck (strict decoding into the
# Kubernetes API types) and the platform policies (OPA), then the policies' own tests.
#
#   deploy/checks/check-chart.sh [OUT_DIR]
#
# The renders and their JSON are left in OUT_DIR (a temporary folder when not given) for
# whoever wants to look at them. Extra `helm template` arguments can be passed in
# CHECK_CHART_EXTRA_ARGS (for example `--set ...` to see a check fail). Exits non-zero on the
# first failing check.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy=$(cd "$here/.." && pwd)
chart="$deploy/helm/grantline"
policy="$deploy/policy"
out=${1:-$(mktemp -d -t grantline-chart.XXXXXX)}
mkdir -p "$out"

eval "$("$here/tools.sh")"

# The chart carries a copy of the routing table; it must be the table itself.
if ! cmp -s "$chart/files/routes.json" "$deploy/../libs/edge/routes.json"; then
  echo "check-chart: $chart/files/routes.json differs from libs/edge/routes.json; run deploy/checks/sync-routes.sh" >&2
  exit 1
fi

read -r -a extra <<<"${CHECK_CHART_EXTRA_ARGS:-}"

for variant in default production; do
  values=()
  [[ $variant == production ]] && values=(-f "$chart/values-production.yaml")
  echo "== $variant values" >&2
  "$HELM" lint --strict "$chart" "${values[@]}" "${extra[@]}" >&2
  "$HELM" template grantline "$chart" --namespace grantline "${values[@]}" "${extra[@]}" >"$out/$variant.yaml"
  "$KUBECHECK" -json "$out/$variant.json" "$out/$variant.yaml"
  denials=$("$OPA" eval --format raw --data "$policy" --input "$out/$variant.json" \
    'concat("\n", sort([message | some message in data.grantline.platform.deny]))')
  if [[ -n $denials ]]; then
    echo "check-chart: the platform policy denies the $variant render:" >&2
    while IFS= read -r denial; do echo "  $denial"; done <<<"$denials" >&2
    exit 1
  fi
  echo "policy: no denials" >&2
done

echo "== policy tests" >&2
"$OPA" check --strict "$policy" >&2
"$OPA" test "$policy" >&2
echo "check-chart: all checks passed (renders in $out)" >&2
