#!/usr/bin/env bash
# `npm run test:compose`: builds the images (no registry), brings the agent up in docker-compose, runs
# test/compose/ from the `tests` service inside the compose network while the host counts every packet for
# the service range that would leave it (scripts/egress-counter.sh), checks that the range is still
# refused after the agent stopped, runs examples/compose as its README says, and proves that `down` leaves
# no container, volume or network behind.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
export MINIKUBELET_NEED_COMPOSE=1
prepare || exit 1
if ! command -v docker-compose >/dev/null 2>&1; then
  echo "compose: SKIPPED - docker-compose could not be installed (apt-get install docker-compose failed)"
  exit 0
fi
export COMPOSE_PROJECT_NAME=minikubelet-compose
NETWORK=minikubelet-compose-pods
SERVICE_CIDR=10.96.0.0/12
EXAMPLE=examples/compose
INSTANCE=

remove_pods() { # a crashed earlier run's pods (its agent is gone): they would block `down`
  local uid ids # the sandboxes are on the network; their containers and volumes share the pod's uid
  for uid in $(docker ps -a --filter "network=$NETWORK" --filter label=io.minikubelet.managed=true \
    --format '{{.Label "io.kubernetes.pod.uid"}}' | sort -u); do
    ids=$(docker ps -aq --filter "label=io.kubernetes.pod.uid=$uid")
    [ -n "$ids" ] && docker rm -f $ids >/dev/null
    ids=$(docker volume ls -q --filter "label=io.kubernetes.pod.uid=$uid")
    [ -n "$ids" ] && docker volume rm $ids >/dev/null
  done
  return 0
}
# Deterministic: the agent stops first (deleting its pods: --delete-pods-on-exit), only then the rest goes.
down() {
  docker-compose stop agent >/dev/null 2>&1
  remove_pods
  docker-compose down -v --remove-orphans >/dev/null 2>&1
  (cd "$EXAMPLE" && env -u COMPOSE_PROJECT_NAME docker-compose down -v --remove-orphans >/dev/null 2>&1)
  return 0
}
cleanup() {
  bash scripts/egress-counter.sh remove "$SERVICE_CIDR"
  down
}
trap cleanup EXIT

# What a stack made that is still there: compose's containers and volumes, the network, the agent's objects.
leftovers() { # leftovers PROJECT NETWORK INSTANCE
  {
    docker ps -a --filter "label=com.docker.compose.project=$1" --format 'container {{.Names}}'
    docker volume ls --filter "label=com.docker.compose.project=$1" --format 'volume {{.Name}}'
    docker network ls --filter "name=^$2\$" --format 'network {{.Name}}'
    if [ -n "$3" ]; then
      docker ps -a --filter "label=io.minikubelet.instance=$3" --format 'pod container {{.Names}}'
      docker volume ls --filter "label=io.minikubelet.instance=$3" --format 'pod volume {{.Name}}'
    fi
  } | sed 's/^/  left behind: /'
}
expect_nothing_left() { # expect_nothing_left PROJECT NETWORK INSTANCE
  local left
  left=$(leftovers "$@")
  [ -z "$left" ] && return 0
  echo "$left"
  return 1
}

step "clear an earlier run" down
step "Node image (host's node, iptables)" scripts/build-node-image.sh || exit 1
step "agent image (docker-compose build)" docker-compose build -q agent || exit 1
# Compose's networks have fixed subnets; when one is taken ("Pool overlaps"), say by which network (a bench
# or soak killed midway leaves its own behind).
subnet_taken() { # subnet_taken LOGFILE SUBNET
  grep -q 'Pool overlaps' "$1" || return 0
  echo "compose: subnet $2 is taken by network(s):" \
    "$(docker network inspect $(docker network ls -q) --format '{{.Name}} {{range .IPAM.Config}}{{.Subnet}} {{end}}' |
      grep -F " $(echo "$2" | cut -d. -f1-2)." | cut -d' ' -f1 | tr '\n' ' ')- remove it (docker network rm NAME) or pick another subnet"
}
wait_healthy() {
  local log
  log=$(mktemp)
  if ! docker-compose up -d --no-build agent >"$log" 2>&1; then
    tail -n 5 "$log"
    subnet_taken "$log" "$(docker-compose config | grep -Eo 'subnet: [0-9./]+' | head -1 | cut -d' ' -f2)"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  local i
  for i in $(seq 1 120); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$(docker-compose ps -q agent)")" = healthy ] && return 0
    sleep 0.5
  done
  docker-compose logs --tail 20 agent
  return 1
}
step "egress counter (service range)" bash scripts/egress-counter.sh add "$SERVICE_CIDR" || exit 1
step "agent up and healthy" wait_healthy || exit 1
INSTANCE=$(docker-compose exec -T agent cat /var/lib/minikubelet/instance-id | tr -d '\r')
echo "==> agent API on the host: https://10.247.0.1:10250 (instance $INSTANCE)"
docker-compose run --rm tests
rc=$?
[ $rc -ne 0 ] && docker-compose logs --tail 30 agent

# The agent's rules outlive it (as kube-proxy's): the range stays refused on the host, nothing leaves.
stop_agent() { docker-compose stop agent >/dev/null 2>&1; }
refused_after_stop() {
  local out
  out=$(docker run --rm --network "$NETWORK" busybox:latest sh -c 'wget -qO- http://10.96.0.77/ 2>&1; wget -qO- http://10.96.200.1:8080/ 2>&1')
  [ "$(echo "$out" | grep -c 'Connection refused')" = 2 ] || { echo "$out" && return 1; }
}
no_egress() {
  local n
  n=$(bash scripts/egress-counter.sh count "$SERVICE_CIDR")
  echo "  service-range packets that would have left the host: $n"
  [ "$n" = 0 ]
}
step "agent stopped (it deletes its pods)" stop_agent || rc=1
step "service range refused after the agent stopped" refused_after_stop || rc=1
step "no service-range packet left the host" no_egress || rc=1
down_main() { docker-compose down -v --remove-orphans >/dev/null 2>&1; }
step "docker-compose down" down_main || rc=1
step "nothing left behind (containers, volumes, network, pods)" \
  expect_nothing_left "$COMPOSE_PROJECT_NAME" "$NETWORK" "$INSTANCE" || rc=1

# examples/compose, exactly as its README runs it (the kubectl binary copied in first), as its own project.
example() { (cd "$EXAMPLE" && env -u COMPOSE_PROJECT_NAME docker-compose "$@"); }
EXAMPLE_LOG=$(mktemp)
run_example() {
  cp "$(bash scripts/install-kubectl.sh)" "$EXAMPLE/kubectl" || return 1
  if example up --build --abort-on-container-exit --exit-code-from tests >"$EXAMPLE_LOG" 2>&1; then
    grep -E 'tests_1 +\|' "$EXAMPLE_LOG" || true
  else
    tail -n 40 "$EXAMPLE_LOG"
    subnet_taken "$EXAMPLE_LOG" "$(grep -Eo 'subnet: [0-9./]+' "$EXAMPLE/docker-compose.yml" | head -1 | cut -d' ' -f2)"
    return 1
  fi
}
EXAMPLE_INSTANCE=
example_down() {
  EXAMPLE_INSTANCE=$(docker run --rm -v compose_data:/d:ro busybox:latest cat /d/instance-id 2>/dev/null)
  example down -v >/dev/null 2>&1
}
step "examples/compose (docker-compose up ... --exit-code-from tests)" run_example || rc=1
step "examples/compose: docker-compose down -v" example_down || rc=1
step "examples/compose: nothing left behind" \
  expect_nothing_left compose minikubelet-example-pods "$EXAMPLE_INSTANCE" || rc=1
step "no service-range packet left the host" no_egress || rc=1
rm -f "$EXAMPLE_LOG"
exit $rc
