#!/usr/bin/env bash
# Imports minikubelet/node:local when absent: the host's own node binary, the libraries ldd lists, and
# busybox (for healthchecks). No registry needed, and native addons built on the host load unchanged.
set -euo pipefail
docker image inspect minikubelet/node:local >/dev/null 2>&1 && exit 0
node_bin=$(readlink -f "$(command -v node)")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
source "$(dirname "$0")/busybox-rootfs.sh"
busybox_rootfs "$root"
mkdir -p "$root/usr/local/bin"
cp "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$root/"; done
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/bin' -c 'CMD ["node"]' - minikubelet/node:local >/dev/null
