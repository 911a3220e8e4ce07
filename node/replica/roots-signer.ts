// Hybrid-signs execution roots off the event loop (ML-DSA-65 takes ~10 ms per signature, far too
// long to block consensus) and hands each signature to the caller to store. Heights are signed on
// demand — when a client asks for a height's signed roots — at most once each: signing every block
// eagerly on every replica costs ~10 ms of CPU per block per replica, which on a small machine is
// more than consensus and execution together. The queue is bounded (oldest requests dropped; a
// client asking again re-queues them) so a slow signer never grows memory without limit.
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
  /** Heights queued or being signed (a height is signed once even if many clients ask). */
  private readonly pending = new Set<number>();
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

  /** Queues `r` unless it is already queued or being signed. */
  request(r: RootsToSign): void {
    if (this.closed || this.pending.has(r.height)) return;
    this.pending.add(r.height);
    this.queue.push(r);
    if (this.queue.length > this.maxQueued) this.pending.delete(this.queue.shift()!.height);
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
        } finally {
          this.pending.delete(r.height);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
