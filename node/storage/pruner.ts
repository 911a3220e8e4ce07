// Retention: keeps a replica's database bounded by deleting committed blocks (with their
// executions, signed roots and command index entries) that are both older than `retainBlocks`
// below the tip and older than the older of the two kept snapshots:
//
//   prune below  min(tip - retainBlocks + 1, older kept snapshot height)
//
// so that restart (newest snapshot + the blocks after it) and catch-up serving (either snapshot,
// then the blocks after it) always still work. It runs when a snapshot write lands (and once at
// start, to resume a prune a crash interrupted), off the consensus path: bounded batches through the
// store's ordered write queue (ReplicaStore.pruneStep: each batch and the new low-water mark in one
// atomic write), yielding to the event loop between batches. One run at a time; a snapshot arriving
// during a run makes it go round once more. A snapshot installed by catch-up counts as a snapshot
// write: it raised the low-water mark itself (the gauge follows), and blocks this replica held from
// before the snapshot's gap are pruned from then on like any others.
import type { Logger } from '../log/logger.js';
import type { ReplicaMetrics } from '../metrics/replica-metrics.js';
import type { ReplicaStore } from './replica-store.js';

export interface PrunerOptions {
  /** Blocks kept below the tip; 0 keeps everything (the pruner does nothing). */
  retainBlocks: number;
  /** Most heights per batch (default 64). */
  batchBlocks?: number;
  /** A batch takes no further block once it holds this many commands (default 4096; one block always goes whole). */
  batchCommands?: number;
  metrics?: ReplicaMetrics;
  log?: Logger;
}

export const PRUNE_BATCH_BLOCKS = 64;
export const PRUNE_BATCH_COMMANDS = 4096;

export class Pruner {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private runs = 0;

  constructor(
    private readonly store: ReplicaStore,
    private readonly o: PrunerOptions,
  ) {}

  /** Listens for snapshot writes and starts a first run (finishing a prune a crash interrupted). */
  start(): void {
    this.o.metrics?.lowWaterMark.set(this.store.prunedBelow);
    // Also with retainBlocks 0 (kick does nothing then): an installed snapshot moves the mark.
    this.store.onSnapshotSaved = () => {
      this.o.metrics?.lowWaterMark.set(this.store.prunedBelow);
      this.kick();
    };
    this.kick();
  }

  /** Stops after the batch in flight (the database stays consistent at any batch boundary). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.store.onSnapshotSaved = null;
    await this.running;
  }

  /** The height below which everything may go now (0: nothing may). */
  async target(): Promise<number> {
    if (this.o.retainBlocks === 0) return 0;
    const snapshot = await this.store.oldestSnapshotHeight();
    if (snapshot === 0) return 0; // recovery would replay from genesis: every block is needed
    return Math.max(0, Math.min(this.store.tip - this.o.retainBlocks + 1, snapshot));
  }

  /** Starts a run, or asks the current one to go round again. */
  kick(): void {
    if (this.stopped || this.o.retainBlocks === 0) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => (this.running = null));
  }

  /** Resolves when no run is in progress (tests). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        const below = await this.target();
        let pruned = 0;
        const from = this.store.prunedBelow;
        while (!this.stopped) {
          const step = await this.store.pruneStep(below, this.o.batchBlocks ?? PRUNE_BATCH_BLOCKS, this.o.batchCommands ?? PRUNE_BATCH_COMMANDS);
          if (step === null) break;
          pruned += step.blocks;
          this.o.metrics?.prunedBlocks.inc(step.blocks);
          this.o.metrics?.lowWaterMark.set(this.store.prunedBelow);
          // Let consensus steps and client requests run between batches.
          await new Promise((r) => setImmediate(r));
        }
        // Info once (the first run after start, which may finish an interrupted prune); every later
        // run follows a snapshot write (every few seconds under load), so those go to debug.
        const line = { from, lowWaterMark: this.store.prunedBelow, blocks: pruned, tip: this.store.tip, retainBlocks: this.o.retainBlocks };
        if (this.runs++ === 0) this.o.log?.info(line, pruned > 0 ? 'retention: pruned old blocks' : 'retention: nothing to prune yet');
        else if (pruned > 0) this.o.log?.debug(line, 'retention: pruned old blocks');
      } while (this.again && !this.stopped);
    } catch (e) {
      // Not fatal: the database is consistent at every batch boundary; the next snapshot retries.
      this.o.log?.error({ err: (e as Error).message }, 'pruning failed');
    }
  }
}
