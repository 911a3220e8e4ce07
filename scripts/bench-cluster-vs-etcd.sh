#!/usr/bin/env bash
# knhk vs etcd, one session, same load shape: N concurrent clients, one put in flight each.
# Runs the 3-member etcd baseline (../shared/bench/etcd, needs the Debian etcd-server package),
# then `knhk bench cluster` (4 replica processes), never both at once, and prints one JSON object
# with both results and the ratios knhk/etcd.
#   scripts/bench-cluster-vs-etcd.sh [clients=64] [duration=10] [extra knhk bench flags, e.g. --verify]
set -euo pipefail
CLIENTS=${1:-64}; DURATION=${2:-10}; shift $(( $# > 2 ? 2 : $# )) || true
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ETCD=${ETCD_BENCH_DIR:-$ROOT/../shared/bench/etcd}
command -v etcd >/dev/null || { echo "etcd not installed (apt-get install -y etcd-server etcd-client)" >&2; exit 2; }
OUT=$(mktemp -d /tmp/knhk-vs-etcd-XXXXXX)
( cd "$ETCD" && ./stop.sh >/dev/null 2>&1 || true; ./start.sh >"$OUT/etcd-start.log" 2>&1 )
trap '( cd "$ETCD" && ./stop.sh >/dev/null 2>&1 ) || true' EXIT
node "$ETCD/load.mjs" --conns "$CLIENTS" --duration "$DURATION" --json >"$OUT/etcd.json"
( cd "$ETCD" && ./stop.sh >/dev/null 2>&1 )
trap - EXIT
node "$ROOT/bin/knhk.js" bench cluster --nodes 4 --clients "$CLIENTS" --duration "$DURATION" --json "$@" >"$OUT/knhk.json"
node -e '
const [e, k] = [process.argv[1], process.argv[2]].map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
const r = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({
  clients: k.clients, durationS: k.durationS, knhkWarmupS: k.warmupS, loadAvgBefore: k.loadAvgBefore,
  etcd: { putsPerSec: e.ops_per_s, p50Ms: e.lat_ms.p50, p99Ms: e.lat_ms.p99, errors: e.errors },
  knhk: { mode: k.mode, cmdsPerSec: k.cmdsPerSec, p50Ms: k.latencyMs.p50, p99Ms: k.latencyMs.p99, errors: k.errors },
  ratio: { throughput: r(k.cmdsPerSec / e.ops_per_s), p99: r(k.latencyMs.p99 / e.lat_ms.p99) },
}, null, 2));
' "$OUT/etcd.json" "$OUT/knhk.json"
rm -rf "$OUT"
