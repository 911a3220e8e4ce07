# Sourced by the cluster benchmark scripts: a fresh kv testnet in a temporary folder and its
# replicas as background processes, stopped (TERM) and removed on exit.
#   start_local_replicas NODES CLIENTS PREFIX [node flags...]   -> sets DIR, PIDS
# Needs ROOT (the repository). Replica i logs to $DIR/replica-i.log.
start_local_replicas() {
  local nodes=$1 clients=$2 prefix=$3; shift 3
  DIR=$(mktemp -d "/tmp/$prefix-XXXXXX")
  local base=$((20000 + RANDOM % 20000))
  node "$ROOT/bin/knhk.js" testnet --nodes "$nodes" --dir "$DIR" --descriptor kv --clients "$clients" --base-port "$base" >/dev/null
  PIDS=()
  trap stop_local_replicas EXIT
  for ((i = 0; i < nodes; i++)); do
    node "$@" "$ROOT/bin/knhk.js" start --config "$DIR/replica-$i/config.json" --log-level warn 2>"$DIR/replica-$i.log" &
    PIDS+=($!)
  done
}

stop_local_replicas() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DIR"
}
