#!/usr/bin/env bash
# `npm run test:compose`: builds the images (no registry), brings the agent up in docker-compose, runs
# test/compose/ from the `tests` service inside the compose network, prints the result, and always brings
# everything down again, the pods the agent made included.
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

remove_pods() { # the agent's pods are siblings on the engine, unknown to compose: they block `down`
  local uid ids
  for uid in $(docker ps -a --filter "network=$NETWORK" --filter label=io.minikubelet.managed=true \
    --format '{{.Label "io.kubernetes.pod.uid"}}' | sort -u); do
    ids=$(docker ps -aq --filter "label=io.kubernetes.pod.uid=$uid")
    [ -n "$ids" ] && docker rm -f $ids >/dev/null
    ids=$(docker volume ls -q --filter "label=io.kubernetes.pod.uid=$uid")
    [ -n "$ids" ] && docker volume rm $ids >/dev/null
  done
  return 0
}
down() {
  remove_pods
  docker-compose down -v --remove-orphans >/dev/null 2>&1
  return 0
}
trap down EXIT

step "clear an earlier run" down
step "Node image (from the host's node)" scripts/build-node-image.sh || exit 1
step "agent image (docker-compose build)" docker-compose build -q agent || exit 1
wait_healthy() {
  docker-compose up -d --no-build agent >/dev/null 2>&1 || return 1
  local i
  for i in $(seq 1 120); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$(docker-compose ps -q agent)")" = healthy ] && return 0
    sleep 0.5
  done
  docker-compose logs --tail 20 agent
  return 1
}
step "agent up and healthy" wait_healthy || exit 1
echo "==> agent API on the host: http://$(docker-compose port agent 10250)"
docker-compose run --rm tests
rc=$?
[ $rc -ne 0 ] && docker-compose logs --tail 30 agent
exit $rc
