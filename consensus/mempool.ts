// The mempool: pending client commands in arrival order, deduplicated by (client, seq) against both
// the pending set and the committed history. Clients number their commands 0, 1, 2, ... (starting
// at 1 works too: seq 0 then stays open until the window closes it) and the history per client is a watermark (every seq at or below it is committed) plus the few
// committed seqs above it (commits can arrive out of order when a client pipelines). Everything is
// bounded: pending commands by count; the seqs above a watermark by COMMITTED_WINDOW (beyond that
// the watermark jumps and the skipped seqs count as committed: a client keeps fewer than
// COMMITTED_WINDOW commands in flight); tracked clients by MAX_TRACKED_CLIENTS.
// Iteration uses Map insertion order, so it is deterministic.
import { commandKey } from './block.js';
import type { Command } from './types.js';

/** How many committed seqs above a client's watermark are remembered exactly. */
export const COMMITTED_WINDOW = 1024;
/** Clients whose committed history is remembered; the least recently committed is forgotten first. */
export const MAX_TRACKED_CLIENTS = 100_000;

export type AddResult = 'added' | 'duplicate' | 'committed' | 'full';

interface ClientHistory {
  /** Every seq <= watermark is committed. */
  watermark: number;
  /** Committed seqs above the watermark (not contiguous with it yet). */
  above: Set<number>;
}

export class Mempool {
  private readonly pending = new Map<string, Command>();
  private readonly committed = new Map<string, ClientHistory>();

  constructor(private readonly maxPending: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** True if (client, seq) was committed (or lies below its client's watermark). */
  isCommitted(c: { client: string; seq: number }): boolean {
    const h = this.committed.get(c.client);
    if (h === undefined) return false;
    return c.seq <= h.watermark || h.above.has(c.seq);
  }

  add(c: Command): AddResult {
    if (this.isCommitted(c)) return 'committed';
    const key = commandKey(c);
    if (this.pending.has(key)) return 'duplicate';
    if (this.pending.size >= this.maxPending) return 'full';
    this.pending.set(key, c);
    return 'added';
  }

  /**
   * Up to `maxCommands` / `maxBytes` pending commands in arrival order, skipping keys in `exclude`
   * (commands already in uncommitted ancestors of the block being built). Does not remove them:
   * a command leaves the pool only when committed, so one in an abandoned fork is proposed again.
   */
  take(maxCommands: number, maxBytes: number, exclude: ReadonlySet<string>): Command[] {
    const out: Command[] = [];
    let bytes = 0;
    for (const [key, c] of this.pending) {
      if (out.length >= maxCommands) break;
      if (exclude.has(key)) continue;
      if (this.isCommitted(c)) {
        // Fell below its client's window after it arrived: voters would refuse a block with it.
        this.pending.delete(key);
        continue;
      }
      if (bytes + c.bytes.length > maxBytes) continue;
      out.push(c);
      bytes += c.bytes.length;
    }
    return out;
  }

  /** Record a committed block's commands: drop them from pending and remember them as committed. */
  markCommitted(commands: Command[]): void {
    const touched = new Set<string>();
    for (const c of commands) {
      if (this.pending.size > 0) this.pending.delete(commandKey(c));
      let h = this.committed.get(c.client);
      if (h === undefined) {
        if (this.committed.size >= MAX_TRACKED_CLIENTS) this.forgetOldestClient();
        h = { watermark: -1, above: new Set() };
        this.committed.set(c.client, h);
        touched.add(c.client);
      } else if (!touched.has(c.client)) {
        // Re-insert once per batch: keeps Map order = least recently committed first.
        touched.add(c.client);
        this.committed.delete(c.client);
        this.committed.set(c.client, h);
      }
      if (c.seq <= h.watermark) continue;
      if (c.seq === h.watermark + 1) h.watermark = c.seq;
      else h.above.add(c.seq);
      absorb(h);
      if (h.above.size > COMMITTED_WINDOW) {
        // The client left a gap older than the window: close it (amortised O(1) per command).
        let min = Infinity;
        for (const x of h.above) if (x < min) min = x;
        h.watermark = min;
        h.above.delete(min);
        absorb(h);
      }
    }
  }

  private forgetOldestClient(): void {
    const first = this.committed.keys().next();
    if (first.done !== true) this.committed.delete(first.value);
  }
}

/** Move the watermark over committed seqs that have become contiguous with it. */
function absorb(h: ClientHistory): void {
  while (h.above.size > 0 && h.above.delete(h.watermark + 1)) h.watermark++;
}
