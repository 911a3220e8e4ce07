#!/usr/bin/env bash
# CPU-time profile of one loaded replica with Linux perf (cpu-clock samples: on-CPU time only,
# every thread). V8's --cpu-prof samples wall time: on a shared, saturated machine it charges a
# thread's waits for a core to whatever was on its stack, and blocking calls (fdatasync) look busy.
# Starts 4 replicas (node --perf-basic-prof), lets them warm up, loads them with the cluster
# benchmark and records replica 0 for a few seconds; prints CPU per thread kind and the main
# thread's time by area. Needs `perf` (apt-get install linux-perf) and root or perf_event_paranoid<=1.
#   scripts/bench-cluster-perf.sh [clients=64] [record seconds=7] [out=/tmp/knhk-perf]
set -euo pipefail
CLIENTS=${1:-64}; SECONDS_REC=${2:-7}; OUT=${3:-/tmp/knhk-perf}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v perf >/dev/null || { echo "perf not installed" >&2; exit 2; }
mkdir -p "$OUT"
. "$ROOT/scripts/lib/local-replicas.sh"
start_local_replicas 4 "$CLIENTS" knhk-perf-net --perf-basic-prof --interpreted-frames-native-stack
sleep 12 # module loading (tsx) must be over, or it dominates the record
node "$ROOT/bin/knhk.js" bench cluster --cluster "$DIR/cluster.json" --clients "$CLIENTS" --duration $((SECONDS_REC + 6)) --warmup 1 --json >"$OUT/result.json" &
LOAD=$!
sleep 4
perf record -e cpu-clock -F 1999 -g -p "${PIDS[0]}" -o "$OUT/perf.data" -- sleep "$SECONDS_REC" 2>"$OUT/perf-record.log"
wait "$LOAD"
perf script -i "$OUT/perf.data" -F tid,ip,sym 2>/dev/null >"$OUT/stacks.txt"
node "$ROOT/scripts/bench-cluster-perf-summary.mjs" "$OUT/stacks.txt" "${PIDS[0]}"
