// The simulator's only scheduler: a binary min-heap of events ordered by (virtual time, sequence).
// The sequence number is assigned at insertion, so two events at the same virtual time run in the
// order they were scheduled — never in an order that depends on the heap's internals. That total
// order is what makes a run reproducible byte for byte.
//
// Stored as three parallel arrays (times, sequence numbers, events) rather than one entry object
// per event, and `take()` returns the bare event: the hot loop allocates nothing per event.

export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly events: T[] = [];
  private nextSeq = 0;
  /** Virtual time of the event the last `take()` returned. */
  takenTimeMs = 0;

  get size(): number {
    return this.events.length;
  }

  push(timeMs: number, event: T): void {
    if (!Number.isFinite(timeMs) || timeMs < 0) throw new RangeError(`event time must be finite and >= 0, got ${timeMs}`);
    const { times, seqs, events } = this;
    const seq = this.nextSeq++;
    let i = events.length;
    times.push(timeMs);
    seqs.push(seq);
    events.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < timeMs || (pt === timeMs && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      events[i] = events[parent];
      i = parent;
    }
    times[i] = timeMs;
    seqs[i] = seq;
    events[i] = event;
  }

  peekTime(): number | undefined {
    return this.events.length > 0 ? this.times[0] : undefined;
  }

  /** Removes and returns the earliest event (its time in `takenTimeMs`), or undefined when empty. */
  take(): T | undefined {
    const { times, seqs, events } = this;
    const n = events.length - 1;
    if (n < 0) return undefined;
    const top = events[0];
    this.takenTimeMs = times[0];
    const lastTime = times.pop()!;
    const lastSeq = seqs.pop()!;
    const lastEvent = events.pop()!;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && (times[r] < times[l] || (times[r] === times[l] && seqs[r] < seqs[l])) ? r : l;
        const ct = times[child];
        if (ct > lastTime || (ct === lastTime && seqs[child] > lastSeq)) break;
        times[i] = ct;
        seqs[i] = seqs[child];
        events[i] = events[child];
        i = child;
      }
      times[i] = lastTime;
      seqs[i] = lastSeq;
      events[i] = lastEvent;
    }
    return top;
  }

  /** `take()` with its time, as one object (for callers outside the hot loop). */
  pop(): { timeMs: number; event: T } | undefined {
    if (this.events.length === 0) return undefined;
    const event = this.take() as T;
    return { timeMs: this.takenTimeMs, event };
  }
}
