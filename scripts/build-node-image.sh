#!/usr/bin/env bash
# Imports minikubelet/node:local when absent: the host's own node binary, the libraries ldd lists, and
# busybox (for healthchecks). No registry needed, and native addons built on the host load unchanged.
set -euo pipefail
docker image inspect minikubelet/node:local >/dev/null 2>&1 && exit 0
node_bin=$(readlink -f "$(command -v node)")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/usr/local/bin"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
cp "$node_bin" "$root/usr/local/bin/node"
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$root/"; done
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/bin' -c 'CMD ["node"]' - minikubelet/node:local >/dev/null
