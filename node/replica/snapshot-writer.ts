// Decides when a replica stores a kernel snapshot and encodes it without stalling consensus.
//
// A snapshot costs time proportional to the state (~5 µs per key to encode: 250 ms at 50,000 keys)
// while the blocks between two snapshots cost time proportional to their commands. Taking one at a
// fixed block interval therefore grows from negligible to dominant as the state grows (at 100,000
// keys and ~70 blocks/s, one every 100 blocks would take a third of a core and freeze the event
// loop for ~0.4 s each time). So a snapshot is due at a multiple of `every` heights only once at
// least `commandsPerKey` × (keys in the state) commands executed since the last one: its cost stays
// bounded per command however large the state, and recovery replays at most about as many commands
// as the snapshot has keys. Small states (up to `chunkEntries` keys) are snapshotted at every
// multiple of `every`, in the same turn, as before.
//
// A large state is captured at once (sorted keys and their immutable values; later blocks do not
// change it) and encoded `chunkEntries` at a time, one slice per event-loop turn.
import { snapshotEncoder, stateKeyCount, type KernelState, type SnapshotEncoder } from '../../kernel/api.js';

export interface SnapshotAt<Meta> {
  height: number;
  /** What the stored record carries besides the state bytes (block, QC, roots). */
  meta: Meta;
}

export interface SnapshotWriterOptions<Meta> {
  /** Snapshots are taken only at heights that are multiples of this. */
  every: number;
  /** Commands executed since the last snapshot, per key of the state, before the next is due. */
  commandsPerKey: number;
  /** Entries encoded per event-loop turn (also: states this small are encoded in one go). */
  chunkEntries: number;
  save(height: number, meta: Meta, state: Uint8Array): Promise<void>;
  onError(e: Error): void;
  /** Runs `fn` on a later event-loop turn (tests may run it synchronously). */
  later?: (fn: () => void) => void;
}

export const SNAPSHOT_DEFAULTS = { commandsPerKey: 1, chunkEntries: 2048 } as const;

export class SnapshotWriter<Meta> {
  private commandsSince = 0;
  private encoding: { encoder: SnapshotEncoder; height: number; meta: Meta } | null = null;
  private stopped = false;
  private readonly later: (fn: () => void) => void;
  /** Snapshots handed to `save` (for metrics and tests). */
  taken = 0;

  constructor(private readonly o: SnapshotWriterOptions<Meta>) {
    this.later = o.later ?? ((fn) => void setImmediate(fn));
  }

  /** True while a large snapshot is being encoded. */
  get busy(): boolean {
    return this.encoding !== null;
  }

  /** Called after each executed block with the kernel state right after it. */
  afterBlock(height: number, commands: number, kernel: KernelState, meta: () => Meta): void {
    this.commandsSince += commands;
    if (this.stopped || this.encoding !== null || height % this.o.every !== 0) return;
    const keys = stateKeyCount(kernel);
    if (keys > this.o.chunkEntries && this.commandsSince < keys * this.o.commandsPerKey) return;
    this.commandsSince = 0;
    const encoder = snapshotEncoder(kernel);
    this.encoding = { encoder, height, meta: meta() };
    this.pump();
  }

  /** Abandons an encoding in progress; nothing more is saved. */
  stop(): void {
    this.stopped = true;
    this.encoding = null;
  }

  /**
   * Drops an encoding in progress, if any, and carries on (the next due snapshot is taken as
   * usual). For catch-up: a snapshot of the state before it, saved after a peer's newer snapshot
   * was installed, would become the newest one — and the blocks between the two are not here.
   */
  cancel(): void {
    this.encoding = null;
  }

  private pump(): void {
    const job = this.encoding;
    if (job === null || this.stopped) return;
    try {
      if (!job.encoder.encode(this.o.chunkEntries)) {
        this.later(() => this.pump());
        return;
      }
      const bytes = job.encoder.bytes();
      this.encoding = null;
      this.taken++;
      this.o.save(job.height, job.meta, bytes).catch((e: Error) => this.o.onError(e));
    } catch (e) {
      this.encoding = null;
      this.o.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
