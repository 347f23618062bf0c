#!/bin/sh
# Build the image's base, Debian 12 (bookworm) minbase, from Debian's packages with debootstrap
# and build it as the image localhost/kommunal-campus-base:bookworm (for machines that cannot
# pull base images from a registry). Needs root, debootstrap and buildah.
#   sudo deploy/container/build-base.sh [mirror]
set -eu
mirror="${1:-http://deb.debian.org/debian}"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$mirror"
# Updates and security fixes from the same mirror family, then an empty package cache.
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
chroot "$root" sh -c 'apt-get update && apt-get -y upgrade && apt-get clean && rm -rf /var/lib/apt/lists/*'
# The root filesystem as the one layer of an image built FROM scratch.
context="$(mktemp -d)"
trap 'rm -rf "$root" "$context"' EXIT
tar -C "$root" -cf "$context/rootfs.tar" .
printf 'FROM scratch\nADD rootfs.tar /\nCMD ["/bin/bash"]\n' > "$context/Containerfile"
buildah ${BUILDAH_ARGS:-} bud --isolation chroot -t localhost/kommunal-campus-base:bookworm "$context"
