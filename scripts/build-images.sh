#!/usr/bin/env bash
# Imports the local images the project needs when they are absent (no registry is reachable):
#   busybox:latest          busybox-static with every applet, /etc/passwd and /etc/group
#   minikubelet/pause:local the pod sandbox: holds the network namespace, exits on SIGTERM
set -euo pipefail
have() { docker image inspect "$1" >/dev/null 2>&1; }
have busybox:latest && have minikubelet/pause:local && exit 0

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
source "$(dirname "$0")/busybox-rootfs.sh"
busybox_rootfs "$root"

have busybox:latest ||
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - busybox:latest >/dev/null
# PID 1 ignores signals it has no handler for, so the pause process traps TERM/INT itself.
have minikubelet/pause:local ||
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' \
    -c 'CMD ["sh","-c","trap \"exit 0\" TERM INT; while :; do sleep 86400 & wait $!; done"]' \
    - minikubelet/pause:local >/dev/null
