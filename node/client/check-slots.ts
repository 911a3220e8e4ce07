// Bounds the envelope checks one client stream runs at once. The bound is re-read on every
// admission and may shrink: the client service sets it to the invalid envelopes the stream may
// still send, so a burst of thousands of bad envelopes queued on one stream starts at most that
// many checks, and none once the stream reached its limit (those left waiting are told so).
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
