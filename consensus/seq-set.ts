// The committed seqs of one client above its watermark (consensus/mempool.ts), as one contiguous
// run [lo, hi] plus a Set of the others. Clients number their commands consecutively from a start
// the mempool cannot know (the SDK starts at a microsecond timestamp, the simulator at 1), so
// until the window closes the gap below the first one, every commit of a client lands here — and
// in order: as a run, adding the next seq and asking for any seq of it are two comparisons, where a
// Set of up to COMMITTED_WINDOW numbers grew, rehashed and was probed on every command.
// Same contents as a Set<number> would hold; only the representation differs. The run and the Set
// never share a seq.
export class SeqSet {
  /** The run [lo, hi]; empty when lo > hi. */
  private lo = 1;
  private hi = 0;
  private rest: Set<number> | null = null;

  get size(): number {
    return (this.hi >= this.lo ? this.hi - this.lo + 1 : 0) + (this.rest === null ? 0 : this.rest.size);
  }

  has(x: number): boolean {
    if (x >= this.lo && x <= this.hi) return true;
    return this.rest !== null && this.rest.has(x);
  }

  add(x: number): void {
    if (this.hi < this.lo) {
      if (this.rest !== null) this.rest.delete(x); // if it was held there, it moves into the run
      this.lo = this.hi = x;
      this.pullAbove();
    } else if (x >= this.lo && x <= this.hi) {
      return;
    } else if (x === this.hi + 1) {
      this.hi = x;
      this.pullAbove();
    } else if (x === this.lo - 1) {
      if (this.rest !== null) this.rest.delete(x);
      this.lo = x;
    } else (this.rest ??= new Set()).add(x);
  }

  /** The smallest seq, or Infinity when empty. */
  min(): number {
    let m = this.hi >= this.lo ? this.lo : Infinity;
    if (this.rest !== null) for (const x of this.rest) if (x < m) m = x;
    return m;
  }

  /** Removes x; true if it was held. (The mempool removes only the smallest seq: the run's first.) */
  delete(x: number): boolean {
    if (this.hi >= this.lo && x >= this.lo && x <= this.hi) {
      if (x === this.lo) this.lo++;
      else if (x === this.hi) this.hi--;
      else {
        // Splits the run: the part above x moves to the rest (never happens in the mempool).
        const rest = (this.rest ??= new Set());
        for (let y = x + 1; y <= this.hi; y++) rest.add(y);
        this.hi = x - 1;
      }
      return true;
    }
    return this.rest !== null && this.rest.delete(x);
  }

  /**
   * Moves a watermark up over the seqs held right above it, removing them: returns the new
   * watermark. (A whole run goes in one step instead of one delete per seq.)
   */
  absorbInto(watermark: number): number {
    let w = watermark;
    for (;;) {
      if (this.hi >= this.lo && this.lo === w + 1) {
        w = this.hi;
        this.lo = 1;
        this.hi = 0;
      } else if (this.rest !== null && this.rest.size > 0 && this.rest.delete(w + 1)) w++;
      else return w;
    }
  }

  /** The run grew to hi: seqs right above it that sat in the rest join it. */
  private pullAbove(): void {
    const rest = this.rest;
    if (rest === null || rest.size === 0) return;
    while (rest.delete(this.hi + 1)) this.hi++;
  }
}
