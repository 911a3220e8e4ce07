// Bounds what one validator can make this replica do through the sync protocol. Sync requests are
// answered from the database, and a snapshot response can be many megabytes (read, copied, sent):
// a Byzantine validator — up to f are tolerated — must not be able to keep this replica's disk and
// event loop busy by asking again and again. Honest catch-up asks each peer one thing at a time:
// a status poll per second, a few block ranges, and a snapshot at most once per attempt.
import type { SyncFrame } from '../proto/sync-codec.js';

export interface SyncBudgetOptions {
  /** Requests of one peer answered at once (more are refused until one is done). */
  maxInFlightPerPeer?: number;
  /** Least time between two snapshot requests of one peer that are served. */
  snapshotEveryMs?: number;
  now?: () => number;
}

export const SYNC_BUDGET_DEFAULTS = { maxInFlightPerPeer: 4, snapshotEveryMs: 5_000 } as const;

export class SyncBudget {
  private readonly inFlight = new Map<number, number>();
  private readonly lastSnapshot = new Map<number, number>();
  private readonly maxInFlight: number;
  private readonly snapshotEveryMs: number;
  private readonly now: () => number;

  constructor(o: SyncBudgetOptions = {}) {
    this.maxInFlight = o.maxInFlightPerPeer ?? SYNC_BUDGET_DEFAULTS.maxInFlightPerPeer;
    this.snapshotEveryMs = o.snapshotEveryMs ?? SYNC_BUDGET_DEFAULTS.snapshotEveryMs;
    this.now = o.now ?? (() => performance.now());
  }

  /**
   * Null when validator `peer` may be served a request of this type now — then `done(peer)` must
   * follow once it is answered — or the reason it is refused (sent back to the peer as an error).
   */
  admit(peer: number, type: SyncFrame['type']): string | null {
    const busy = this.inFlight.get(peer) ?? 0;
    if (busy >= this.maxInFlight) return `busy: ${busy} sync requests of this peer are being answered already`;
    if (type === 'snapshotRequest') {
      const t = this.now();
      const last = this.lastSnapshot.get(peer);
      if (last !== undefined && t - last < this.snapshotEveryMs) {
        return `snapshot rate-limited: one per ${this.snapshotEveryMs / 1000} s per peer; retry in ${Math.ceil((this.snapshotEveryMs - (t - last)) / 1000)} s`;
      }
      this.lastSnapshot.set(peer, t);
    }
    this.inFlight.set(peer, busy + 1);
    return null;
  }

  done(peer: number): void {
    const busy = this.inFlight.get(peer) ?? 0;
    if (busy <= 1) this.inFlight.delete(peer);
    else this.inFlight.set(peer, busy - 1);
  }
}
