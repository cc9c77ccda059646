#!/usr/bin/env bash
# `npm run bench [-- PART...] [--reps N] [--profile] [--no-write]`: prepare the machine as `npm start` does
# (engine, images, build), then run the benchmarks. Without this, a machine whose engine is not started yet
# waited ten minutes for it and gave up.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prepare.sh
prepare
exec node dist/bench/run.js "$@"
