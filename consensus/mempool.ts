// The mempool: pending client commands in arrival order, deduplicated by (client, seq) against both
// the pending set and the committed history. Everything is bounded: pending commands by count, the
// committed history per client by a window above its highest committed seq (a seq older than the
// window counts as committed). Iteration uses Map insertion order, so it is deterministic.
import { commandKey } from './block.js';
import type { Command } from './types.js';

/** How many recent committed seqs per client are remembered exactly. */
export const COMMITTED_WINDOW = 1024;
/** Clients whose committed history is remembered; the least recently committed is forgotten first. */
export const MAX_TRACKED_CLIENTS = 100_000;

export type AddResult = 'added' | 'duplicate' | 'committed' | 'full';

interface ClientHistory {
  highest: number;
  recent: Set<number>;
}

export class Mempool {
  private readonly pending = new Map<string, Command>();
  private readonly committed = new Map<string, ClientHistory>();

  constructor(private readonly maxPending: number) {}

  get size(): number {
    return this.pending.size;
  }

  /** True if (client, seq) was committed (or is older than the remembered window). */
  isCommitted(c: { client: string; seq: number }): boolean {
    const h = this.committed.get(c.client);
    if (h === undefined) return false;
    return c.seq <= h.highest - COMMITTED_WINDOW || h.recent.has(c.seq);
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
      if (bytes + c.bytes.length > maxBytes) continue;
      out.push(c);
      bytes += c.bytes.length;
    }
    return out;
  }

  /** Record a committed block's commands: drop them from pending and remember them as committed. */
  markCommitted(commands: Command[]): void {
    for (const c of commands) {
      this.pending.delete(commandKey(c));
      let h = this.committed.get(c.client);
      if (h === undefined) {
        if (this.committed.size >= MAX_TRACKED_CLIENTS) this.forgetOldestClient();
        h = { highest: c.seq, recent: new Set() };
      } else {
        this.committed.delete(c.client); // re-insert below: keeps Map order = least recently committed first
      }
      h.recent.add(c.seq);
      if (c.seq > h.highest) h.highest = c.seq;
      // Prune rarely (amortised O(1) per command): entries below the window are implied by `highest`.
      if (h.recent.size > 2 * COMMITTED_WINDOW) {
        for (const s of h.recent) if (s <= h.highest - COMMITTED_WINDOW) h.recent.delete(s);
      }
      this.committed.set(c.client, h);
    }
  }

  private forgetOldestClient(): void {
    const first = this.committed.keys().next();
    if (first.done !== true) this.committed.delete(first.value);
  }
}
