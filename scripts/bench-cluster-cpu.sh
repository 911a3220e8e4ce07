#!/usr/bin/env bash
# CPU cost of the cluster per committed command, robust to other load on a shared machine:
# 4 replica processes + the cluster benchmark's load generator; replica utime+stime from /proc
# before and after the load, divided by the commands replica 0 committed meanwhile (every replica
# executes every command). Prints the benchmark's JSON line plus one line of CPU figures.
#   scripts/bench-cluster-cpu.sh [clients=64] [duration=10] [nodes=4] [prerun=0]
# prerun > 0 first loads the cluster for that many seconds, unmeasured, so the measured run sees
# JIT-warm replicas (the first ~20 s of a replica's life include TurboFan compiling its hot code:
# a fifth to a quarter of its CPU in a 12 s run). The default measures fresh replicas, as
# `knhk bench cluster` does.
set -euo pipefail
CLIENTS=${1:-64}; DURATION=${2:-10}; NODES=${3:-4}; PRERUN=${4:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/local-replicas.sh"
# shellcheck disable=SC2086 # REPLICA_NODE_FLAGS is a list of flags
start_local_replicas "$NODES" "$CLIENTS" knhk-cpu-net ${REPLICA_NODE_FLAGS:-}
MPORT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).validators[0].metricsPort)' "$DIR/cluster.json")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$MPORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
sleep 1
cpu() { local s=0; for p in "${PIDS[@]}"; do s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$s"; }
# committed commands, blocks, safety persists (count, sum s), messages received of replica 0
cmds() { curl -s "http://127.0.0.1:$MPORT/metrics" | awk '/^knhk_committed_commands_total /{c=$2} /^knhk_commits_total /{b=$2} /^knhk_persist_seconds_count /{pc=$2} /^knhk_persist_seconds_sum /{ps=$2} /^knhk_messages_received_total /{m=$2} END{print c","b","pc","ps","m}'; }
if [ "$PRERUN" -gt 0 ]; then
  node "$ROOT/bin/knhk.js" bench cluster --cluster "$DIR/cluster.json" --nodes "$NODES" --clients "$CLIENTS" --duration "$PRERUN" --warmup 0 --json >/dev/null
fi
C0=$(cpu); N0=$(cmds); T0=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$DIR/loadgen.time" node "$ROOT/bin/knhk.js" bench cluster --cluster "$DIR/cluster.json" --nodes "$NODES" --clients "$CLIENTS" --duration "$DURATION" --warmup 2 --json >"$DIR/result.json"
C1=$(cpu); N1=$(cmds); T1=$(date +%s.%N)
HZ=$(getconf CLK_TCK)
node -e '
const [c0, c1, n0, n1, t0, t1, hz, nodes, lg] = process.argv.slice(1);
const r = JSON.parse(require("fs").readFileSync(process.argv[10], "utf8"));
const [a, b] = [n0, n1].map((x) => x.split(",").map(Number));
const cpuS = (c1 - c0) / hz, cmds = b[0] - a[0], blocks = b[1] - a[1], wall = t1 - t0;
const [u, s] = lg.trim().split(" ").map(Number);
console.log(JSON.stringify({ cmdsPerSec: r.cmdsPerSec, p50: r.latencyMs.p50, p99: r.latencyMs.p99, errors: r.errors, replica0: r.replica0,
  cpuUsPerCmdPerReplica: Math.round((cpuS * 1e6) / cmds / nodes), replicaCores: +(cpuS / wall).toFixed(2),
  loadgenUsPerCmd: Math.round(((u + s) * 1e6) / cmds), committedDuringLoad: cmds, cmdsPerBlock: +(cmds / blocks).toFixed(1), cpuUsPerBlockPerReplica: Math.round((cpuS * 1e6) / blocks / nodes),
  persistMeanMs: +((1000 * (b[3] - a[3])) / (b[2] - a[2])).toFixed(2), msgsInPerBlock: +((b[4] - a[4]) / blocks).toFixed(1), wallS: +wall.toFixed(1), load: require("os").loadavg()[0] }));
' "$C0" "$C1" "$N0" "$N1" "$T0" "$T1" "$HZ" "$NODES" "$(cat "$DIR/loadgen.time")" "$DIR/result.json"
