// Bounds the envelope checks one client stream runs at once. The bound is re-read on every
// admission and may drop to zero: the client service does that once the stream reached its limit
// of invalid envelopes, so the rest of a burst queued on it is never checked (those left waiting
// are told so).
export class CheckSlots {
  private running = 0;
  private readonly waiting: ((admitted: boolean) => void)[] = [];

  constructor(private readonly limit: () => number) {}

  /** Resolves true when the caller may run its check (then it must `release()`), false if it never will. */
  acquire(): Promise<boolean> {
    if (this.limit() <= 0) return Promise.resolve(false);
    if (this.running < this.limit() && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.running--;
    this.pump();
  }

  /** Checks waiting for a slot (tests and status). */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    if (this.limit() <= 0) {
      for (const w of this.waiting.splice(0)) w(false);
      return;
    }
    while (this.running < this.limit() && this.waiting.length > 0) {
      this.running++;
      this.waiting.shift()!(true);
    }
  }
}
