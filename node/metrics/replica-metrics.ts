// The Prometheus metrics of one replica. Each replica owns its own Registry (not prom-client's
// global one) so several replicas can live in one process in tests without name clashes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Why a message was dropped before (or instead of) reaching the consensus core. */
export type DropReason =
  | 'oversized'
  | 'bad-prefix'
  | 'malformed'
  | 'invalid'
  | 'bad-sender'
  | 'queue-full'
  | 'stream'
  | 'bad-sync'
  | 'sync-rate-limited'
  | 'invalid-command'
  | 'bad-envelopes-stream-closed'
  | 'penalized-source';

export class ReplicaMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({ name: 'knhk_height', help: 'highest committed block height', registers: [this.registry] });
  readonly executedHeight = new Gauge({ name: 'knhk_executed_height', help: 'highest block executed by the kernel', registers: [this.registry] });
  readonly view = new Gauge({ name: 'knhk_view', help: 'current consensus view', registers: [this.registry] });
  readonly peers = new Gauge({ name: 'knhk_peers', help: 'connected validator peers', registers: [this.registry] });
  readonly mempool = new Gauge({ name: 'knhk_mempool_commands', help: 'client commands waiting to be proposed', registers: [this.registry] });
  readonly commits = new Counter({ name: 'knhk_commits_total', help: 'blocks committed', registers: [this.registry] });
  readonly committedCommands = new Counter({ name: 'knhk_committed_commands_total', help: 'client commands committed and executed', registers: [this.registry] });
  readonly proposals = new Counter({ name: 'knhk_proposals_total', help: 'blocks proposed by this replica', registers: [this.registry] });
  readonly timeouts = new Counter({ name: 'knhk_timeouts_total', help: 'view timeouts fired here', registers: [this.registry] });
  readonly earlyTimeouts = new Counter({
    name: 'knhk_early_timeouts_total',
    help: 'views timed out at once because their leader, or the next leader collecting our vote, had its link broken',
    registers: [this.registry],
  });
  readonly votes = new Counter({ name: 'knhk_votes_total', help: 'votes sent by this replica', registers: [this.registry] });
  readonly messagesIn = new Counter({ name: 'knhk_messages_received_total', help: 'consensus/sync frames accepted', registers: [this.registry] });
  readonly dropped = new Counter({ name: 'knhk_dropped_messages_total', help: 'messages dropped, by reason', labelNames: ['reason'] as const, registers: [this.registry] });
  /** Read at scrape time (penalties expire on their own); the client service installs the reader. */
  countPenalizedSources: () => number = () => 0;
  readonly penalizedSources: Gauge = new Gauge({
    name: 'knhk_penalized_client_sources',
    help: 'client sources (IP addresses) refused for now after too many invalid envelopes',
    registers: [this.registry],
    collect: (): void => this.penalizedSources.set(this.countPenalizedSources()),
  });
  readonly refusedPeers = new Counter({ name: 'knhk_refused_peers_total', help: 'consensus streams refused from peers outside the validator set', registers: [this.registry] });
  readonly syncedBlocks = new Counter({ name: 'knhk_synced_blocks_total', help: 'blocks fetched from peers by catch-up', registers: [this.registry] });
  readonly snapshotsLoaded = new Counter({ name: 'knhk_snapshots_loaded_total', help: 'verified state snapshots installed from peers', registers: [this.registry] });
  readonly rootsSignatures = new Counter({ name: 'knhk_roots_signatures_total', help: 'hybrid signatures made over batches of execution roots (one covers many heights)', registers: [this.registry] });
  readonly prunedBlocks = new Counter({ name: 'knhk_pruned_blocks_total', help: 'committed blocks deleted by retention (with their receipts, signed roots and index entries)', registers: [this.registry] });
  readonly lowWaterMark = new Gauge({ name: 'knhk_retention_low_water_mark', help: 'lowest height still stored: every height below it was pruned (0: none)', registers: [this.registry] });
  readonly commitLatency = new Histogram({
    name: 'knhk_commit_latency_seconds',
    help: 'time from a command entering this replica to its execution here',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly persistLatency = new Histogram({
    name: 'knhk_persist_seconds',
    help: 'time to make the safety state durable (fsync) before a vote or timeout leaves',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly commitWriteLatency = new Histogram({
    name: 'knhk_commit_write_seconds',
    help: 'time from executing a committed block to its commit batch being durable (receipts wait for it)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly admissionLatency = new Histogram({
    name: 'knhk_admission_seconds',
    help: "time to check a client's envelope (signature on the thread pool, decode) before it is admitted",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly stepLatency = new Histogram({
    name: 'knhk_step_seconds',
    help: 'time to carry out one consensus step (core + effects, persist included)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'knhk_process_' });
  }

  drop(reason: DropReason, n = 1): void {
    this.dropped.inc({ reason }, n);
  }

  /** Current value of a counter/gauge (tests and `status`). */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const m = await this.registry.getSingleMetric(name)?.get();
    if (!m) return 0;
    const want = Object.entries(labels);
    let sum = 0;
    for (const v of m.values) {
      const l = v.labels as Record<string, string | number>;
      if (want.every(([k, x]) => String(l[k]) === x)) sum += v.value;
    }
    return sum;
  }
}
