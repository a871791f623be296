#!/usr/bin/env bash
# Makes the image's base without any image registry: a Debian minbase root file system with the
# suite's updates and security updates applied, stripped of package lists, caches, manuals,
# translations and logs (the packages' copyright files stay), written as one tar archive.
#
# usage: base-rootfs.sh OUTPUT.tar
# settings: DEBIAN_SUITE (bookworm), DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR; needs root and debootstrap.
set -euo pipefail

output=${1:?usage: base-rootfs.sh OUTPUT.tar}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

work=$(mktemp -d "${TMPDIR:-/tmp}/grantline-rootfs.XXXXXX")
rootfs="$work/rootfs"
cleanup() {
  local mounted
  # debootstrap mounts proc and sys in the target while it runs; an interrupted run leaves them.
  for mounted in "$rootfs/proc" "$rootfs/sys"; do
    if mountpoint -q "$mounted" 2>/dev/null; then umount --lazy "$mounted"; fi
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# The official Node.js builds link libatomic since Node.js 25; minbase leaves it out.
debootstrap --variant=minbase --components=main --include=libatomic1 "$suite" "$rootfs" "$mirror"

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get update -q -o Acquire::Languages=none
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q
chroot "$rootfs" apt-get clean
umount "$rootfs/proc"

rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
find "$rootfs/var/log" -type f -delete
# The container engine supplies these per container.
: >"$rootfs/etc/machine-id"
: >"$rootfs/etc/resolv.conf"
rm -f "$rootfs/etc/hostname"

tar --create --file "$output.partial" --directory "$rootfs" --numeric-owner --sort=name --xattrs .
mv "$output.partial" "$output"
