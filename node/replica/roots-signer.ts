// Hybrid-signs execution roots off the event loop, many heights per signature.
//
// ML-DSA-65 costs ~10 ms per signature (in a worker). Signing each block's roots separately, f+1
// times per block, cost more CPU than consensus and execution together once clients verified
// their receipts (at ~50 blocks/s: two signatures per block is a whole core), so the verified
// throughput collapsed to ~100 commands/s. Instead a replica signs a batch: the Merkle root over
// the roots of every height clients asked for plus every newer durable height it has not signed
// yet (execution-roots.ts), so the next clients' heights are usually signed before they ask.
//
// Signing starts on demand (a client asked for a height not covered yet) and at most once per
// `minIntervalMs` (default 50 ms): signing CPU is then bounded by ~10 ms per interval per
// replica however fast blocks come, and a request waits at most about one interval plus one
// signature. Requests are bounded (oldest dropped; a client asking again re-queues them).
import type { HybridSecretKey } from '../../crypto/hybrid.js';
import type { HybridWorkerPool } from '../../crypto/worker-pool.js';
import { EXECUTION_ROOTS_TAG, executionRootsBatchMessage, executionRootsMessage } from './execution-roots.js';
import { ProofTree } from './proof-tree.js';
import type { SignedRoots } from './services.js';

export interface RootsToSign {
  height: number;
  blockHash: Uint8Array;
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
}

export interface RootsSignerOptions {
  pool: Pick<HybridWorkerPool, 'sign'>;
  secretKey: HybridSecretKey;
  replica: number;
  /** Roots of durable heights above `height`, ascending (the driver's recent executions; may be empty). */
  durableAbove(height: number): RootsToSign[];
  /** Every height of a signed batch, each with its proof. */
  onSigned(batch: SignedRoots[]): void;
  onError(heights: number[], e: Error): void;
  minIntervalMs?: number;
  /** Most heights in one batch. */
  maxBatch?: number;
  /** Most requests queued. */
  maxQueued?: number;
  now?: () => number;
}

export const ROOTS_SIGN_INTERVAL_MS = 50;

export class RootsSigner {
  private readonly pending = new Map<number, RootsToSign>();
  /** Heights in the signature being made (a request for one of them waits for it). */
  private readonly signing = new Set<number>();
  private busy = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private lastStart = -Infinity;
  /** Highest height included in a batch so far (newer durable heights join the next batch). */
  private signedUpTo = 0;
  private readonly minIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly now: () => number;
  /** Signatures made (metrics, tests). */
  signatures = 0;

  constructor(private readonly o: RootsSignerOptions) {
    this.minIntervalMs = o.minIntervalMs ?? ROOTS_SIGN_INTERVAL_MS;
    this.maxBatch = o.maxBatch ?? 1024;
    this.maxQueued = o.maxQueued ?? 4096;
    this.now = o.now ?? (() => performance.now());
  }

  get backlog(): number {
    return this.pending.size;
  }

  /** Queues `r` for the next batch unless it is already queued or being signed. */
  request(r: RootsToSign): void {
    if (this.closed || this.pending.has(r.height) || this.signing.has(r.height)) return;
    this.pending.set(r.height, r);
    if (this.pending.size > this.maxQueued) this.pending.delete(this.pending.keys().next().value as number);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.busy || this.closed || this.timer !== null || this.pending.size === 0) return;
    const wait = this.lastStart + this.minIntervalMs - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.signBatch();
      }, wait);
      this.timer.unref?.();
    } else void this.signBatch();
  }

  /** Requested heights first (ascending), then newer durable heights not signed yet, up to maxBatch. */
  private takeBatch(): RootsToSign[] {
    const requested = [...this.pending.values()].sort((a, b) => a.height - b.height);
    const batch = requested.slice(0, this.maxBatch);
    for (const r of batch) this.pending.delete(r.height);
    const included = new Set(batch.map((r) => r.height));
    const newest = batch.length > 0 ? batch[batch.length - 1].height : 0;
    for (const r of this.o.durableAbove(Math.max(this.signedUpTo, newest))) {
      if (batch.length >= this.maxBatch) break;
      if (!included.has(r.height)) batch.push(r);
    }
    return batch;
  }

  private async signBatch(): Promise<void> {
    if (this.busy || this.closed || this.pending.size === 0) return;
    this.busy = true;
    this.lastStart = this.now();
    const batch = this.takeBatch();
    for (const r of batch) this.signing.add(r.height);
    try {
      const tree = new ProofTree(batch.map((r) => executionRootsMessage(r.height, r.blockHash, r.receiptsRoot, r.stateRoot)));
      const signature = await this.o.pool.sign(this.o.secretKey, EXECUTION_ROOTS_TAG, executionRootsBatchMessage(batch.length, tree.root));
      if (this.closed) return;
      this.signatures++;
      for (const r of batch) this.signedUpTo = Math.max(this.signedUpTo, r.height);
      this.o.onSigned(batch.map((r, i) => ({ replica: this.o.replica, ...r, signature, batch: tree.proof(i) })));
    } catch (e) {
      if (!this.closed) this.o.onError(batch.map((r) => r.height), e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.signing.clear();
      this.busy = false;
      this.schedule();
    }
  }
}
