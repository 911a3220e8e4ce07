// The simulator's only scheduler: a binary min-heap of events ordered by (virtual time, sequence).
// The sequence number is assigned at insertion, so two events at the same virtual time run in the
// order they were scheduled — never in an order that depends on the heap's internals. That total
// order is what makes a run reproducible byte for byte.

interface Entry<T> {
  timeMs: number;
  seq: number;
  event: T;
}

export class EventQueue<T> {
  private heap: Entry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(timeMs: number, event: T): void {
    if (!Number.isFinite(timeMs) || timeMs < 0) throw new RangeError(`event time must be finite and >= 0, got ${timeMs}`);
    const entry = { timeMs, seq: this.nextSeq++, event };
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = entry;
  }

  peekTime(): number | undefined {
    return this.heap.length > 0 ? this.heap[0].timeMs : undefined;
  }

  /** Removes and returns the earliest event, or undefined when the queue is empty. */
  pop(): { timeMs: number; event: T } | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[child], last)) break;
        h[i] = h[child];
        i = child;
      }
      h[i] = last;
    }
    return { timeMs: top.timeMs, event: top.event };
  }
}

function before<T>(x: Entry<T>, y: Entry<T>): boolean {
  return x.timeMs < y.timeMs || (x.timeMs === y.timeMs && x.seq < y.seq);
}
