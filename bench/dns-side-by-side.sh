#!/usr/bin/env bash
# Two builds of the agent's DNS and a Node UDP echo server measured at the same time, for a before/after of
# the per-query cost (issue 18 item 3). Each build runs bench/dns-memory-agent.js (the agent's wiring on the
# memory runtime, no Docker); all three servers share CPU 1 and three dnsperf share CPU 0, so every round
# sees the same machine: queries per server CPU-second (from /proc/PID/task/*/schedstat) and their ratios
# vary by about 1 % between rounds here, where back-to-back runs varied by 20 % (BENCHMARKS.md, DNS: hit
# path without allocations). The absolute figures are lower than with one server per core.
# Usage: bash bench/dns-side-by-side.sh ROUNDS SECONDS DIR_A DIR_B   (each DIR holds a build: DIR/bench/...;
# copy dist/ into the worktree, e.g. `cp -r dist before-dist`, so its requires find node_modules)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-10} SECS=${2:-4} DA=${3:?build A} DB=${4:?build B}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
start() { # start OUT CMD... -> its pid in PIDS; waits for its "dns PORT" line
  local out=$1
  shift
  "$@" >"$out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do grep -q '^dns ' "$out" && return; sleep 0.1; done
  echo "no 'dns PORT' line from $*" >&2
  exit 1
}
port_of() { awk '/^dns /{print $2}' "$1"; }
start "$WORK/a" node "$DA/bench/dns-memory-agent.js"
AA=${PIDS[-1]} PA=$(port_of "$WORK/a")
start "$WORK/b" node "$DB/bench/dns-memory-agent.js"
AB=${PIDS[-1]} PB=$(port_of "$WORK/b")
EP=$(free_port)
ECHO="const d=require('dgram').createSocket({type:'udp4',lookup:(a,o,cb)=>cb(null,a,4)});d.on('message',(m,r)=>{m[2]|=0x80;d.send(m,r.port,r.address)});d.bind(Number(process.argv[1]),'127.0.0.1',()=>{d.setRecvBufferSize(4<<20);console.log('dns '+process.argv[1])})"
start "$WORK/e" node -e "$ECHO" "$EP"
E=${PIDS[-1]}
QF="$WORK/q.txt"
for n in web.default api.default cache.default auth.default db.prod; do echo "$n.svc.cluster.local A" >>"$QF"; done
for p in "$AA" "$AB" "$E"; do taskset -a -cp 1 "$p" >/dev/null; done
cpu_ns() { local t=0 x; for f in /proc/$1/task/*/schedstat; do read -r x _ <"$f"; t=$((t + x)); done; echo $t; }
perf_one() { taskset -c 0 dnsperf -s 127.0.0.1 -p "$1" -d "$QF" -l "$SECS" -c 4 -q 200 -b 4096 >"$2"; }
completed() { awk '/Queries completed/{print $3}' "$1"; }
echo "A=$DA B=$DB; $(date -u +%FT%TZ); $(uptime)"
for r in $(seq 0 "$ROUNDS"); do # round 0 warms up (JIT, caches) and is not printed
  a0=$(cpu_ns "$AA") b0=$(cpu_ns "$AB") e0=$(cpu_ns "$E")
  perf_one "$PA" "$WORK/oa" & d1=$!
  perf_one "$PB" "$WORK/ob" & d2=$!
  perf_one "$EP" "$WORK/oe" & d3=$!
  wait "$d1" "$d2" "$d3"
  a1=$(cpu_ns "$AA") b1=$(cpu_ns "$AB") e1=$(cpu_ns "$E")
  [ "$r" = 0 ] && continue
  awk -v qa="$(completed "$WORK/oa")" -v qb="$(completed "$WORK/ob")" -v qe="$(completed "$WORK/oe")" \
    -v ca=$((a1 - a0)) -v cb=$((b1 - b0)) -v ce=$((e1 - e0)) -v r="$r" -v l="$(uptime | sed 's/.*average: //')" \
    'BEGIN { a = qa * 1e9 / ca; b = qb * 1e9 / cb; e = qe * 1e9 / ce
      printf "round %d queries per CPU-second: A %d B %d echo %d; A/echo %.3f B/echo %.3f B/A %.3f; load %s\n",
        r, a, b, e, a / e, b / e, b / a, l }'
done
