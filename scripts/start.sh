#!/usr/bin/env bash
# `npm start`: prepare the machine, then run the daemon in the foreground. Flags pass through:
#   npm start -- --listen 127.0.0.1:10250 --data-dir /var/lib/minikubelet
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
prepare
echo "==> starting minikubelet (Ctrl-C stops it; pods keep running)"
exec node dist/daemon/main.js "$@"
