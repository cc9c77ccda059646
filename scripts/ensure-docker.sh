#!/usr/bin/env bash
# Source this file. Makes sure the Docker engine, docker-compose and busybox-static are present and
# that an engine answers. Idempotent; survives stale pidfiles (a dead dockerd/containerd leaves them,
# and PID 1 here reaps zombies only every ~2 s). Never touches an engine that already answers.

ensure_docker_tools() {   # installs only what is missing
  local pkgs=()
  command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
  command -v docker-init >/dev/null 2>&1 || pkgs+=(tini)
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || pkgs+=(busybox-static)
  command -v openssl >/dev/null 2>&1 || pkgs+=(openssl) # --tls makes its certificates with it (SECURITY.md)
  if [ "${MINIKUBELET_NEED_COMPOSE:-0}" = 1 ]; then
    command -v docker-compose >/dev/null 2>&1 || pkgs+=(docker-compose)
  fi
  [ ${#pkgs[@]} -eq 0 ] && return 0
  echo "ensure_docker: installing ${pkgs[*]} with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
}

_proc_alive() { # pid comm: true when pid runs `comm` and is not a zombie
  [ -n "$1" ] && [ "$(ps -o comm= -p "$1" 2>/dev/null)" = "$2" ] &&
    [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

# Starts a command in the background, in its own session, with no stdin and its output to LOG, and with
# every other descriptor of the caller closed: an engine started from `flock LOCK npm test` must not
# hold the lock (or the caller's pipes) for as long as it runs.
spawn_detached() {
  local log="$1"
  shift
  (
    local fd
    for fd in /proc/self/fd/*; do
      fd="${fd##*/}"
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
}

# Prints a process's descendants (PIDs), deepest last.
_descendants() {
  local kid
  for kid in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$kid"
    _descendants "$kid"
  done
}

# A restart of the engine in the middle of a container's start can leave that container's shim (and its
# `runc init`, holding a network namespace with the container's IP) behind, unknown to the new engine: the
# engine then hands that IP to another container and connections reach the dead one. Called only right
# after this script started the engine: ends the shims of its containerd whose container it does not know.
reap_engine_orphans() {
  local sock="${DOCKERD_EXECROOT:-/var/run/docker}/containerd/containerd.sock" shims known pid id procs
  # shims first, then the engine's list: a shim listed first belongs to a container the engine had created
  shims=$(ps -eo pid=,args= | awk -v s="$sock" '$2 ~ /containerd-shim-runc-v2$/ && $3 == "-namespace" &&
    $4 == "moby" && $5 == "-id" && $7 == "-address" && $8 == s { print $1, $6 }')
  [ -n "$shims" ] || return 0
  known=$(timeout 20 docker ps -aq --no-trunc) || return 0
  while read -r pid id; do
    grep -qxF "$id" <<<"$known" && continue
    procs=$(_descendants "$pid" | tr '\n' ' ')
    echo "ensure_docker: ending the shim $pid of container ${id:0:12}, unknown to the engine after its restart${procs:+ (and its processes ${procs% })}"
    # shellcheck disable=SC2086 # a list of PIDs
    kill -9 $procs "$pid" 2>/dev/null || true
  done <<<"$shims"
}

ensure_docker() {
  local sock="${DOCKER_SOCK:-/var/run/docker.sock}" pidf="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
  local log="${DOCKERD_LOG:-/var/log/dockerd.log}" attempt i p
  local cpidf="${DOCKERD_EXECROOT:-/var/run/docker}/containerd/containerd.pid"
  export DOCKER_HOST="unix://$sock"
  if timeout 10 docker version >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null 2>&1 || ensure_docker_tools || return 1
  for attempt in 1 2 3; do
    p=$(cat "$pidf" 2>/dev/null || true)
    if ! _proc_alive "$p" dockerd; then
      rm -f "$pidf"
      p=$(cat "$cpidf" 2>/dev/null || true)
      if [ -n "$p" ] && ! _proc_alive "$p" containerd; then rm -f "$cpidf"; fi
      # shellcheck disable=SC2086 # DOCKERD_ARGS is a list of flags
      spawn_detached "$log" dockerd -H "unix://$sock" --pidfile "$pidf" ${DOCKERD_ARGS:-}
    fi
    for i in $(seq 1 60); do
      if timeout 10 docker version >/dev/null 2>&1; then
        reap_engine_orphans
        return 0
      fi
      p=$(cat "$pidf" 2>/dev/null || true)
      if [ "$i" -gt 4 ] && { [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; }; then break; fi
      sleep 0.5
    done
    echo "ensure_docker: attempt $attempt failed; last lines of $log:" >&2
    tail -n 5 "$log" >&2
    sleep 2
  done
  return 1
}
