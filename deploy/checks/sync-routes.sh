#!/usr/bin/env bash
# Copies the public origin's routing table into the chart, which renders the Ingress from it
# (Helm reads files only from inside the chart). check-chart.sh and the chart's unit test
# fail while the two differ.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cp "$root/libs/edge/routes.json" "$root/deploy/helm/grantline/files/routes.json"
