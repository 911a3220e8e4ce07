#!/usr/bin/env bash
# CPU profiles of a loaded cluster: 4 replicas started with --cpu-prof, the cluster benchmark's
# load generator against them, then a clean stop (profiles are written on exit). Prints the
# hottest functions of replica 0 and of the load generator.
#   scripts/bench-cluster-profile.sh [clients=64] [duration=10] [out=/tmp/knhk-prof]
set -euo pipefail
CLIENTS=${1:-64}; DURATION=${2:-10}; OUT=${3:-/tmp/knhk-prof}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mktemp -d /tmp/knhk-prof-net-XXXXXX)
rm -rf "$OUT"; mkdir -p "$OUT"
BASE=$((20000 + RANDOM % 20000))
node "$ROOT/bin/knhk.js" testnet --nodes 4 --dir "$DIR" --descriptor kv --clients "$CLIENTS" --base-port "$BASE" >/dev/null
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
for i in 0 1 2 3; do
  node --cpu-prof --cpu-prof-dir="$OUT/replica-$i" "$ROOT/bin/knhk.js" start --config "$DIR/replica-$i/config.json" --log-level warn 2>"$OUT/replica-$i.log" &
  PIDS+=($!)
done
sleep 3
node --cpu-prof --cpu-prof-dir="$OUT/loadgen" "$ROOT/bin/knhk.js" bench cluster --cluster "$DIR/cluster.json" --clients "$CLIENTS" --duration "$DURATION" --warmup 2 --json | tee "$OUT/result.json"
for p in "${PIDS[@]}"; do kill -TERM "$p"; done
wait "${PIDS[@]}" 2>/dev/null || true
PIDS=()
for d in replica-0 loadgen; do
  echo "== $d"; node "$ROOT/scripts/bench-cluster-profile-summary.mjs" "$OUT/$d"/*.cpuprofile | head -30
done
