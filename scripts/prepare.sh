#!/usr/bin/env bash
# Source this file. Prepares a machine from nothing for the daemon and the tests, one progress line per
# step with its time: node_modules, the Docker engine, the local images, the TypeScript build.
# Idempotent: each step that is already done takes a few milliseconds.

_mk_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ensure-docker.sh
source "$_mk_root/scripts/ensure-docker.sh"

_mk_ms() { date +%s%3N; }
step() { # step "what" command...: runs it, prints one line with the time, stops on failure
  local what="$1" t0 rc
  shift
  t0=$(_mk_ms)
  if "$@"; then rc=0; else rc=$?; fi
  local dt=$(($(_mk_ms) - t0))
  if [ "$rc" -eq 0 ]; then
    printf '==> %-38s ok (%d.%02ds)\n' "$what" $((dt / 1000)) $(((dt % 1000) / 10))
  else
    printf '==> %-38s FAILED (exit %d)\n' "$what" "$rc" >&2
    return "$rc"
  fi
}

_mk_deps() {
  cd "$_mk_root" || return 1
  # node_modules is current when it was installed after the last change of package-lock.json
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then return 0; fi
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
}

_mk_build() {
  cd "$_mk_root" && npx --no-install tsc -p .
}

prepare() {
  step "dependencies (npm ci)" _mk_deps &&
    step "Docker tools (apt, if missing)" ensure_docker_tools &&
    step "Docker engine answers" ensure_docker &&
    step "local images (busybox, pause)" "$_mk_root/scripts/build-images.sh" &&
    step "build (tsc -> dist/)" _mk_build
}
