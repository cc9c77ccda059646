#!/bin/sh
# Your checks: submit the manifests, wait until they are ready, then test through the Services.
# Its exit status is the run's (`--exit-code-from tests`).
set -eu
kubectl apply -f /manifests/
kubectl wait --for=condition=Ready pod/web --timeout=60s
kubectl get pods,services
# A Service by its full name (the agent's DNS; Docker's own DNS answers a short name like `web` itself
# when a container on the network has that alias) and by its ClusterIP. Never `wget -T N`: Debian's
# busybox segfaults with it; `timeout 10 wget` bounds a request instead.
page=$(timeout 10 wget -qO- http://web.default.svc.cluster.local/)
[ "$page" = "hello from web" ] || { echo "FAIL: web.default.svc.cluster.local answered '$page'"; exit 1; }
ip=$(kubectl get service web -o jsonpath='{.spec.clusterIP}')
page=$(timeout 10 wget -qO- "http://$ip/")
[ "$page" = "hello from web" ] || { echo "FAIL: http://$ip/ answered '$page'"; exit 1; }
echo "PASS: web answers by name and at $ip"
