#!/usr/bin/env bash
# Builds the tools the chart checks use, from the Go module proxy, into a cache shared by
# every checkout (${XDG_CACHE_HOME:-$HOME/.cache}/grantline/tools/<name>-<version>), and
# prints where they are as shell assignments:
#
#   eval "$(deploy/checks/tools.sh)"    # sets HELM, OPA and KUBECHECK
#
# A tool already in the cache is reused; a cold build of all three takes several minutes.
# Build output goes to standard error.
set -euo pipefail

HELM_VERSION=v3.22.0
OPA_VERSION=v1.22.3
# The Kubernetes version Helm reports to charts and lint (.Capabilities.KubeVersion). Helm's
# Makefile sets it with -ldflags from the client-go it is built with (v0.37 for v3.22.0);
# `go install` alone would leave Helm's fallback, v1.20.
HELM_KUBE_MAJOR=1
HELM_KUBE_MINOR=37

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/grantline/tools"

if ! command -v go >/dev/null 2>&1; then
  echo "tools.sh: Go 1.26 or later is needed to build helm, opa and kubecheck (https://go.dev/dl, or apt-get install golang-go)" >&2
  exit 1
fi
mkdir -p "$cache"

# build NAME DIR COMMAND...: runs COMMAND with the binary's folder as its last argument,
# unless DIR/NAME exists. It builds into a temporary folder renamed into place, so a build
# that fails or runs beside another leaves no half-written tool.
build() {
  local name=$1 dir=$2
  shift 2
  [[ -x "$dir/$name" ]] && return 0
  local staging started
  staging=$(mktemp -d "$cache/.$name.XXXXXX")
  started=$SECONDS
  echo "tools.sh: building $(basename "$dir") (first use; this takes minutes)" >&2
  if ! "$@" "$staging" >&2; then
    rm -rf "$staging"
    echo "tools.sh: building $name failed" >&2
    return 1
  fi
  mv -T "$staging" "$dir" 2>/dev/null || rm -rf "$staging"
  echo "tools.sh: built $(basename "$dir") in $((SECONDS - started)) s" >&2
}

install_helm() {
  local pkg=helm.sh/helm/v3
  GOBIN=$1 CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w \
    -X $pkg/internal/version.version=$HELM_VERSION \
    -X $pkg/pkg/lint/rules.k8sVersionMajor=$HELM_KUBE_MAJOR -X $pkg/pkg/lint/rules.k8sVersionMinor=$HELM_KUBE_MINOR \
    -X $pkg/pkg/chartutil.k8sVersionMajor=$HELM_KUBE_MAJOR -X $pkg/pkg/chartutil.k8sVersionMinor=$HELM_KUBE_MINOR" \
    "$pkg/cmd/helm@$HELM_VERSION"
}

install_opa() {
  local pkg=github.com/open-policy-agent/opa
  GOBIN=$1 CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "$pkg@$OPA_VERSION"
}

# kubecheck is ours: its cache entry is named by a hash of its sources, so an edit rebuilds it.
kubecheck_source="$here/kubecheck"
kubecheck_version=$(cat "$kubecheck_source"/go.mod "$kubecheck_source"/go.sum "$kubecheck_source"/*.go | sha256sum | cut -c1-12)
install_kubecheck() {
  (cd "$kubecheck_source" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$1/kubecheck" .)
}

build helm "$cache/helm-$HELM_VERSION" install_helm
build opa "$cache/opa-$OPA_VERSION" install_opa
build kubecheck "$cache/kubecheck-$kubecheck_version" install_kubecheck

printf 'HELM=%q\nOPA=%q\nKUBECHECK=%q\n' \
  "$cache/helm-$HELM_VERSION/helm" "$cache/opa-$OPA_VERSION/opa" "$cache/kubecheck-$kubecheck_version/kubecheck"
