#!/usr/bin/env bash
# DNS throughput and p99 without Docker (so without the Docker lock): the agent's real wiring on the memory
# runtime (bench/dns-memory-agent.ts) with 1 socket on the system Node and on Node 24, and with
# --dns-workers 2 on Node 24, beside dnsmasq and a Node UDP echo server, same query file as `npm run bench
# -- dns`. Pinned: server on CPU 1, dnsperf on CPU 0. Unpinned: nothing pinned.
# Usage: bash bench/dns-loopback.sh [ROUNDS] [SECONDS]   (after `npx tsc -p .`; needs dnsperf, dnsmasq, dig)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3} SECS=${2:-5}
source scripts/node-lines.sh
N24V=24.22.3
node_fetch $N24V && node_modules_build $N24V
N24="$(_nl_dir $N24V)/package/bin/node"
RUN=$(node_run_dir $N24V)
WORK=$(mktemp -d)
PIDS=()
# start_agent runs in a subshell (process substitution): its PIDs go through a file
cleanup() {
  for p in "${PIDS[@]}" $(cat "$WORK/pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK" "$(dirname "$RUN")"
}
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

start_agent() { # start_agent NODE MAIN_DIR FLAGS... -> prints "pid port"
  local node=$1 dir=$2 out
  shift 2
  out="$WORK/agent.$RANDOM"
  "$node" "$dir/dist/bench/dns-memory-agent.js" "$@" >"$out" 2>&1 &
  local pid=$!
  echo "$pid" >>"$WORK/pids"
  for _ in $(seq 100); do grep -q '^dns ' "$out" && break; sleep 0.1; done
  echo "$pid $(awk '/^dns /{print $2}' "$out")"
}
read -r A20 P20 < <(start_agent node .)
read -r A24 P24 < <(start_agent "$N24" "$RUN")
read -r W24 PW24 < <(start_agent "$N24" "$RUN" --dns-workers 2)
QF="$WORK/q.txt" HF="$WORK/hosts"
: >"$QF"
for n in web.default api.default cache.default auth.default db.prod; do
  echo "$n.svc.cluster.local A" >>"$QF"
  echo "$(dig @127.0.0.1 -p "$P20" +short "$n.svc.cluster.local") $n.svc.cluster.local" >>"$HF"
done
EP20=$(free_port) EP24=$(free_port) DP=$(free_port)
ECHO="const d=require('dgram').createSocket({type:'udp4',lookup:(a,o,cb)=>cb(null,a,4)});d.on('message',(m,r)=>{m[2]|=0x80;d.send(m,r.port,r.address)});d.bind(Number(process.argv[1]),'127.0.0.1',()=>d.setRecvBufferSize(4<<20))"
node -e "$ECHO" "$EP20" & PIDS+=($!); E20=$!
"$N24" -e "$ECHO" "$EP24" & PIDS+=($!); E24=$!
dnsmasq --no-daemon --conf-file=/dev/null --port="$DP" --listen-address=127.0.0.1 --bind-interfaces --no-resolv \
  --no-hosts --no-poll --pid-file= --user=root --local-ttl=5 --local=/cluster.local/ --addn-hosts="$HF" 2>/dev/null &
PIDS+=($!); DM=$!
sleep 1
pin() { taskset -a -cp "$1" "$2" >/dev/null; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
tp() { # tp LABEL PORT PID PINNED
  local t0 t1 out pre=()
  [ "$4" = 1 ] && pre=(taskset -c 0)
  t0=$(ticks "$3")
  out=$("${pre[@]}" dnsperf -s 127.0.0.1 -p "$2" -d "$QF" -l "$SECS" -c 4 -q 200 -b 4096)
  t1=$(ticks "$3")
  echo "$out" | awk -v l="$1" -v c=$((t1 - t0)) '/Queries completed/{q=$3} /Queries per second/{qps=$4}
    END{printf "%s qps %.0f perCPUsecond %.0f\n", l, qps, q*100/(c>0?c:1)}'
}
p99() { # p99 LABEL PORT
  dnsperf -s 127.0.0.1 -p "$2" -d "$QF" -l "$SECS" -Q 30000 -c 1 -q 1000 -b 4096 -v |
    awk '/^> /{print $NF*1000}' | sort -g | awk -v l="$1" '{a[NR]=$1} END{printf "%s p99ms %.3f n %d\n", l, a[int(NR*0.99)], NR}'
}
echo "uptime: $(uptime)"
for r in $(seq "$ROUNDS"); do
  for p in "$A20" "$E20" "$DM"; do pin 1 "$p"; done
  tp "pinned agent-node20-1socket" "$P20" "$A20" 1
  tp "pinned echo-node20" "$EP20" "$E20" 1
  tp "pinned dnsmasq" "$DP" "$DM" 1
  for p in "$A20" "$E20" "$DM" "$A24" "$W24" "$E24"; do pin 0-1 "$p"; done
  tp "unpinned agent-node24-1socket" "$P24" "$A24" 0
  tp "unpinned agent-node24-2workers" "$PW24" "$W24" 0
  tp "unpinned echo-node24" "$EP24" "$E24" 0
  tp "unpinned dnsmasq" "$DP" "$DM" 0
  tp "unpinned agent-node20-1socket" "$P20" "$A20" 0
  p99 "unpinned agent-node24-1socket" "$P24"
  p99 "unpinned agent-node24-2workers" "$PW24"
  p99 "unpinned dnsmasq" "$DP"
  p99 "unpinned echo-node24" "$EP24"
  echo "round $r done; uptime: $(uptime)"
done
