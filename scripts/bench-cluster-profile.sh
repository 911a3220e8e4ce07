#!/usr/bin/env bash
# CPU profiles of a loaded cluster: 4 replicas started with --cpu-prof, the cluster benchmark's
# load generator against them, then a clean stop (profiles are written on exit). Prints the
# hottest functions of replica 0 and of the load generator.
#   scripts/bench-cluster-profile.sh [clients=64] [duration=10] [out=/tmp/knhk-prof]
set -euo pipefail
CLIENTS=${1:-64}; DURATION=${2:-10}; OUT=${3:-/tmp/knhk-prof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"
. "$ROOT/scripts/lib/local-replicas.sh"
start_local_replicas 4 "$CLIENTS" knhk-prof-net --cpu-prof --cpu-prof-dir="$OUT/replicas"
R0=${PIDS[0]}
sleep 3
node --cpu-prof --cpu-prof-dir="$OUT/loadgen" "$ROOT/bin/knhk.js" bench cluster --cluster "$DIR/cluster.json" --clients "$CLIENTS" --duration "$DURATION" --warmup 2 --json | tee "$OUT/result.json"
for p in "${PIDS[@]}"; do kill -TERM "$p"; done
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()
echo "== replica-0"; node "$ROOT/scripts/bench-cluster-profile-summary.mjs" "$OUT/replicas"/CPU.*."$R0".*.cpuprofile | head -30
echo "== loadgen"; node "$ROOT/scripts/bench-cluster-profile-summary.mjs" "$OUT/loadgen"/*.cpuprofile | head -30
