#!/usr/bin/env bash
# Imports minikubelet/node:local when absent or made by an older recipe: the host's own node binary,
# busybox (for healthchecks), the host's own iptables with its extensions (the compose agent runs the
# iptables proxy in the host's network namespace: the same binary and backend, nft or legacy, as the
# host's) and openssl (--tls makes its certificates with it), each with the libraries ldd lists. No
# registry needed, and native addons built on the host load unchanged.
set -euo pipefail
RECIPE=MINIKUBELET_NODE_IMAGE=3 # bump when the image's content changes, so older images are made again
docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' minikubelet/node:local 2>/dev/null |
  grep -qx "$RECIPE" && exit 0
host_bin() { readlink -f "$(PATH=/usr/sbin:/sbin:$PATH command -v "$1")"; }
node_bin=$(host_bin node)
iptables_bin=$(host_bin iptables) # xtables-nft-multi or xtables-legacy-multi, whichever the host uses
openssl_bin=$(host_bin openssl)
xtables=$(dirname "$(ls /usr/lib/*/xtables/libxt_comment.so /usr/lib/xtables/libxt_comment.so 2>/dev/null | head -1)")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
source "$(dirname "$0")/busybox-rootfs.sh"
busybox_rootfs "$root"
mkdir -p "$root/usr/local/bin" "$root/usr/sbin" "$root$xtables"
cp "$node_bin" "$root/usr/local/bin/node"
cp "$openssl_bin" "$root/usr/local/bin/openssl"
cp "$iptables_bin" "$root/usr/sbin/"
for name in iptables iptables-save iptables-restore; do ln -s "$(basename "$iptables_bin")" "$root/usr/sbin/$name"; done
cp -a "$xtables/." "$root$xtables/"
for lib in $(ldd "$node_bin" "$openssl_bin" "$iptables_bin" "$xtables"/*.so |
  awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && !/:$/ {print $1}' | sort -u); do
  cp -L --parents "$lib" "$root/"
done
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/sbin:/bin' -c "ENV $RECIPE" -c 'CMD ["node"]' \
  - minikubelet/node:local >/dev/null
