// Hybrid-signs execution roots off the event loop (ML-DSA-65 takes ~10 ms per signature, far too
// long to block consensus), one height at a time in height order, and hands each signature to the
// caller to store. Requests for a height that is not queued (e.g. an empty block someone asks about)
// are signed on demand. The queue is bounded: when it is full the oldest unrequested heights are
// skipped (they can still be signed on demand) so a slow signer never grows memory without limit.
import type { HybridSecretKey } from '../../crypto/hybrid.js';
import type { HybridWorkerPool } from '../../crypto/worker-pool.js';
import { EXECUTION_ROOTS_TAG, executionRootsMessage } from './execution-roots.js';
import type { SignedRoots } from './services.js';

export interface RootsToSign {
  height: number;
  blockHash: Uint8Array;
  receiptsRoot: Uint8Array;
  stateRoot: Uint8Array;
}

export class RootsSigner {
  private readonly queue: RootsToSign[] = [];
  private busy = false;
  private closed = false;

  constructor(
    private readonly pool: HybridWorkerPool,
    private readonly secretKey: HybridSecretKey,
    private readonly replica: number,
    private readonly onSigned: (s: SignedRoots) => void,
    private readonly onError: (height: number, e: Error) => void,
    private readonly maxQueued = 256,
  ) {}

  get backlog(): number {
    return this.queue.length;
  }

  enqueue(r: RootsToSign): void {
    if (this.closed) return;
    this.queue.push(r);
    if (this.queue.length > this.maxQueued) this.queue.shift();
    void this.pump();
  }

  /** Signs `r` next, ahead of the queue (someone is waiting for it). */
  prioritize(r: RootsToSign): void {
    if (this.closed) return;
    const i = this.queue.findIndex((q) => q.height === r.height);
    if (i >= 0) this.queue.splice(i, 1);
    this.queue.unshift(r);
    void this.pump();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const r = this.queue.shift()!;
        try {
          const msg = executionRootsMessage(r.height, r.blockHash, r.receiptsRoot, r.stateRoot);
          const signature = await this.pool.sign(this.secretKey, EXECUTION_ROOTS_TAG, msg);
          if (this.closed) return;
          this.onSigned({ replica: this.replica, height: r.height, blockHash: r.blockHash, receiptsRoot: r.receiptsRoot, stateRoot: r.stateRoot, signature });
        } catch (e) {
          if (!this.closed) this.onError(r.height, e as Error);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
