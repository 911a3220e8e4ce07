// The mempool: pending client commands in arrival order, deduplicated by (client, seq) against both
// the pending set and the committed history. Clients number their commands 0, 1, 2, ... (starting
// at 1 works too: seq 0 then stays open until the window closes it) and the history per client is a watermark (every seq at or below it is committed) plus the few
// committed seqs above it (commits can arrive out of order when a client pipelines). Everything is
// bounded: pending commands by count; the seqs above a watermark by COMMITTED_WINDOW (beyond that
// the watermark jumps and the skipped seqs count as committed: a client keeps fewer than
// COMMITTED_WINDOW commands in flight); tracked clients by MAX_TRACKED_CLIENTS.
// Iteration uses arrival order (an array) and Map insertion order, so it is deterministic.
// Lookups go by client id, then seq (no string key per command: every replica adds, takes and
// commits every command, and building and hashing `${seq}:${client}` each time was the largest
// cost of the core's commit path).
import { CommandSet } from './command-set.js';
import { SeqSet } from './seq-set.js';
import type { Command } from './types.js';

/** How many committed seqs above a client's watermark are remembered exactly. */
export const COMMITTED_WINDOW = 1024;
/** Clients whose committed history is remembered; the least recently committed is forgotten first. */
export const MAX_TRACKED_CLIENTS = 100_000;

export type AddResult = 'added' | 'duplicate' | 'committed' | 'full';

interface ClientHistory {
  readonly client: string;
  /** False once forgotten (its recency log entries are then stale). */
  tracked: boolean;
  /** Every seq <= watermark is committed. */
  watermark: number;
  /** Committed seqs above the watermark (not contiguous with it yet); null until the first. */
  above: SeqSet | null;
  /** The markCommitted call that last committed a command of this client (its place in the recency order). */
  batch: number;
}

/** A pending command's place in arrival order; `live` turns false when it leaves the pool. */
interface Slot {
  command: Command;
  live: boolean;
}

export class Mempool {
  /** client -> the slot of its one pending command, or seq -> slot when it has several (most have one). */
  private readonly pending = new Map<string, Slot | Map<number, Slot>>();
  /** Pending commands in arrival order (from `head` on), with dead slots left behind until the next compaction. */
  private order: Slot[] = [];
  /** Slots before `head` are all dead: commands commit roughly in arrival order, so the front dies first. */
  private head = 0;
  /** Dead slots at or after `head`. */
  private dead = 0;
  private count = 0;
  private readonly committed = new Map<string, ClientHistory>();
  /**
   * The recency order, least recently committed client first, as a log: a history is appended
   * each time a batch first commits one of its client's commands, together with that batch's
   * number; an entry is current while its history is still tracked and still has that batch
   * number, and stale otherwise (the client was committed again later, or forgotten). The oldest
   * current entry is the least recently committed client. (This replaced a Map kept in recency
   * order by deleting and re-inserting each committed client: with ~1,000 clients that delete +
   * set churn made markCommitted and every lookup in the map the core's costliest lines.)
   */
  private recency: ClientHistory[] = [];
  private recencyBatch: number[] = [];
  /** Log entries before this index are consumed. */
  private recencyHead = 0;
  private batch = 0;

  constructor(
    private readonly maxPending: number,
    /** Clients whose committed history is remembered (a parameter for tests; MAX_TRACKED_CLIENTS otherwise). */
    private readonly maxTrackedClients = MAX_TRACKED_CLIENTS,
  ) {}

  get size(): number {
    return this.count;
  }

  /** True if (client, seq) was committed (or lies below its client's watermark). */
  isCommitted(c: { client: string; seq: number }): boolean {
    const h = this.committed.get(c.client);
    if (h === undefined) return false;
    return c.seq <= h.watermark || (h.above !== null && h.above.has(c.seq));
  }

  add(c: Command): AddResult {
    if (this.isCommitted(c)) return 'committed';
    const entry = this.pending.get(c.client);
    if (entry !== undefined && (entry instanceof Map ? entry.has(c.seq) : entry.command.seq === c.seq)) return 'duplicate';
    if (this.count >= this.maxPending) return 'full';
    const slot: Slot = { command: c, live: true };
    if (entry === undefined) this.pending.set(c.client, slot);
    else if (entry instanceof Map) entry.set(c.seq, slot);
    else this.pending.set(c.client, new Map([[entry.command.seq, entry], [c.seq, slot]]));
    this.order.push(slot);
    this.count++;
    return 'added';
  }

  /**
   * Up to `maxCommands` / `maxBytes` pending commands in arrival order, skipping those in `exclude`
   * (commands already in uncommitted ancestors of the block being built). Does not remove them:
   * a command leaves the pool only when committed, so one in an abandoned fork is proposed again.
   */
  take(maxCommands: number, maxBytes: number, exclude: CommandSet): Command[] {
    this.compact();
    const out: Command[] = [];
    let bytes = 0;
    const order = this.order;
    for (let i = this.head; i < order.length; i++) {
      const slot = order[i];
      if (!slot.live) continue;
      if (out.length >= maxCommands) break;
      const c = slot.command;
      if (exclude.has(c)) continue;
      if (this.isCommitted(c)) {
        // Fell below its client's window after it arrived: voters would refuse a block with it.
        this.remove(c);
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
    const batch = ++this.batch;
    for (const c of commands) {
      if (this.count > 0) this.remove(c);
      let h = this.committed.get(c.client);
      if (h === undefined) {
        if (this.committed.size >= this.maxTrackedClients) this.forgetOldestClient();
        h = { client: c.client, tracked: true, watermark: -1, above: null, batch };
        this.committed.set(c.client, h);
        this.logRecency(h, batch);
      } else if (h.batch !== batch) {
        // Once per batch: the client moves to the back of the recency order.
        h.batch = batch;
        this.logRecency(h, batch);
      }
      if (c.seq <= h.watermark) continue;
      if (c.seq === h.watermark + 1) h.watermark = c.seq;
      else (h.above ??= new SeqSet()).add(c.seq);
      absorb(h);
      if (h.above !== null && h.above.size > COMMITTED_WINDOW) {
        // The client left a gap older than the window: close it (amortised O(1) per command).
        const min = h.above.min();
        h.watermark = min;
        h.above.delete(min);
        absorb(h);
      }
    }
    this.compact();
  }

  private logRecency(h: ClientHistory, batch: number): void {
    this.recency.push(h);
    this.recencyBatch.push(batch);
    // Drop consumed and stale entries once they are the majority (amortised O(1) per entry; order kept).
    const total = this.recency.length;
    if (total > 1024 && (total - this.recencyHead > 2 * this.committed.size || 2 * this.recencyHead > total)) {
      const keep: ClientHistory[] = [];
      const keepBatch: number[] = [];
      for (let i = this.recencyHead; i < this.recency.length; i++) {
        if (this.isCurrent(this.recency[i], this.recencyBatch[i])) {
          keep.push(this.recency[i]);
          keepBatch.push(this.recencyBatch[i]);
        }
      }
      this.recency = keep;
      this.recencyBatch = keepBatch;
      this.recencyHead = 0;
    }
  }

  private isCurrent(h: ClientHistory, batch: number): boolean {
    return h.tracked && h.batch === batch;
  }

  /** Takes (client, seq) out of the pool if it is pending there. */
  private remove(c: { client: string; seq: number }): void {
    const entry = this.pending.get(c.client);
    if (entry === undefined) return;
    let slot: Slot | undefined;
    if (entry instanceof Map) {
      slot = entry.get(c.seq);
      if (slot === undefined) return;
      entry.delete(c.seq);
      if (entry.size === 0) this.pending.delete(c.client);
    } else {
      if (entry.command.seq !== c.seq) return;
      slot = entry;
      this.pending.delete(c.client);
    }
    slot.live = false;
    this.count--;
    this.dead++;
  }

  /**
   * Skips the dead front (so take() does not rescan it on every proposal) and drops dead slots once
   * they outnumber the live ones (amortised O(1) per removal; order kept).
   */
  private compact(): void {
    const order = this.order;
    let head = this.head;
    while (head < order.length && !order[head].live) {
      head++;
      this.dead--;
    }
    this.head = head;
    if (this.dead > 64 && this.dead > this.count) {
      this.order = order.slice(head).filter((slot) => slot.live);
      this.head = 0;
      this.dead = 0;
    } else if (head > 1024 && 2 * head > order.length) {
      this.order = order.slice(head);
      this.head = 0;
    }
  }

  /** Forgets the least recently committed client: the oldest current entry of the recency log. */
  private forgetOldestClient(): void {
    while (this.recencyHead < this.recency.length) {
      const at = this.recencyHead++;
      const h = this.recency[at];
      if (this.isCurrent(h, this.recencyBatch[at])) {
        h.tracked = false;
        this.committed.delete(h.client);
        return;
      }
    }
  }
}

/** Move the watermark over committed seqs that have become contiguous with it. */
function absorb(h: ClientHistory): void {
  if (h.above !== null) h.watermark = h.above.absorbInto(h.watermark);
}
