#!/usr/bin/env bash
# Source this file. Prepares a machine from nothing for the daemon and the tests, one progress line per
# step, shown when the step starts (its elapsed seconds counting on a terminal) and ended with its time:
# node_modules, the Docker engine, the local images, the TypeScript build.
# Idempotent: each step that is already done takes a few milliseconds.

_mk_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ensure-docker.sh
source "$_mk_root/scripts/ensure-docker.sh"

_mk_ms() { date +%s%3N; }
_mk_ticker() { # _mk_ticker "what" t0: on a terminal, rewrites the step's line with its elapsed seconds
  local s=""
  trap 'kill "$s" 2>/dev/null; exit 0' TERM
  while :; do
    sleep 1 &
    s=$!
    wait "$s"
    kill -0 $$ 2>/dev/null || exit 0 # the script was interrupted (a background job ignores SIGINT)
    printf '\r==> %-38s %ds' "$1" $((($(_mk_ms) - $2) / 1000))
  done
}
step() { # step "what" command...: says it started, runs it, ends with its time; stops on failure
  local what="$1" t0 rc ticker="" end
  shift
  t0=$(_mk_ms)
  if [ -t 1 ]; then # one line, updated in place every second, ended on the same line
    printf '==> %-38s 0s' "$what"
    _mk_ticker "$what" "$t0" &
    ticker=$!
    end='\r==> %-38s '
  else # a log: a start line and an end line
    printf '==> %-38s ...\n' "$what"
    end='==> %-38s '
  fi
  if "$@"; then rc=0; else rc=$?; fi
  if [ -n "$ticker" ]; then
    kill "$ticker" 2>/dev/null
    wait "$ticker" 2>/dev/null
  fi
  local dt=$(($(_mk_ms) - t0))
  if [ "$rc" -eq 0 ]; then
    printf "${end}ok (%d.%02ds)\n" "$what" $((dt / 1000)) $(((dt % 1000) / 10))
  else
    printf "${end}FAILED (exit %d)\n" "$what" "$rc" >&2
    return "$rc"
  fi
}

native_deps_load() { # true when the node on PATH loads ./node_modules' native module (better-sqlite3)
  node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null
}

# better-sqlite3 is native. When its prebuilt binary cannot be downloaded (here only npm's registry answers),
# npm ci compiles it: about 2.5 minutes on 2 cores, every clean clone. Each build is kept outside the clone,
# per version, Node ABI and platform, as the tarball prebuild-install looks for in a local prebuilds folder
# (its documented `<package>_local_prebuilds` setting), so the next npm ci unpacks it in well under a second.
_mk_prebuilds="${XDG_CACHE_HOME:-$HOME/.cache}/minikubelet/prebuilds"

native_prebuild_name() { # native_prebuild_name PACKAGE_DIR: the tarball's name prebuild-install expects
  node -p "'better-sqlite3-v' + require(require('path').resolve('$1', 'package.json')).version + '-node-v' + process.versions.modules +
    '-' + process.platform + '-' + process.arch + '.tar.gz'"
}

native_prebuild_keep() { # native_prebuild_keep PACKAGE_DIR CACHE_DIR: keeps the built binary, once
  local name
  [ -f "$1/build/Release/better_sqlite3.node" ] || return 0
  name=$(native_prebuild_name "$1") || return 1
  [ -f "$2/$name" ] && return 0
  mkdir -p "$2" && tar -czf "$2/.$name.$$" -C "$1" build/Release/better_sqlite3.node && mv "$2/.$name.$$" "$2/$name"
}

_mk_deps() {
  cd "$_mk_root" || return 1
  # node_modules is current when it was installed after the last change of package-lock.json, and for
  # this node: better-sqlite3 is native, built for one Node ABI (another system node needs a new build)
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] &&
    native_deps_load; then return 0; fi
  npm_config_better_sqlite3_local_prebuilds="$_mk_prebuilds" npm ci --no-audit --no-fund --loglevel=error >/dev/null ||
    return 1
  if ! native_deps_load; then # a kept binary that does not load (a damaged cache): build it again
    rm -f "$_mk_prebuilds/$(native_prebuild_name node_modules/better-sqlite3)"
    npm rebuild better-sqlite3 --build-from-source --loglevel=error >/dev/null && native_deps_load || return 1
  fi
  native_prebuild_keep node_modules/better-sqlite3 "$_mk_prebuilds" || true # a cache that cannot be written only costs time
}

# tsc never deletes: a compiled file whose source was moved or deleted (a spec above all, which mocha's
# glob would still run) goes, as do its source maps. Data files (JSON) have no .ts and are left alone.
# dist/web (the web view) is left alone: the build makes it anew each time.
prune_stale_dist() { # prune_stale_dist ROOT
  local root="$1" f src
  [ -d "$root/dist" ] || return 0
  while IFS= read -r -d '' f; do
    src="${f#"$root/dist/"}"
    src="${src%.map}"
    [ -f "$root/${src%.js}.ts" ] || rm -f "$f"
  done < <(find "$root/dist" -path "$root/dist/web" -prune -o -type f \( -name '*.js' -o -name '*.js.map' \) -print0)
}

_mk_build() { # npm run build: the daemon (tsc -p .) and the web view (tsc -p ui, its HTML and CSS)
  # a suite that `npm test` runs prepares again (the compose suite); this run's build is still current
  [ "${MINIKUBELET_DIST_BUILT:-}" = 1 ] && return 0
  cd "$_mk_root" && npm run --silent build && prune_stale_dist "$_mk_root"
}

prepare() {
  step "dependencies (npm ci)" _mk_deps &&
    step "Docker tools (apt, if missing)" ensure_docker_tools &&
    step "Docker engine answers" ensure_docker &&
    step "local images (busybox, pause)" "$_mk_root/scripts/build-images.sh" &&
    step "build (tsc -> dist/)" _mk_build
}
