// How long a replica waits for the next sign of progress before it gives up on the current view.
// The view timer (`viewTimeoutMs`, 1 s by default, doubling on consecutive failures) has to suit
// the slowest deployment; on a local or regional cluster a view takes tens of milliseconds, and a
// leader that is connected but never proposes (Byzantine, or hung in a way that keeps its
// heartbeats going) cost every rotation two full timers: its own view and the one before it, whose
// votes it collects. Here the replica learns how long a view normally takes — from one view's
// proposal to the next one's — and allows several times the 90th percentile before timing the view
// out itself. Timeouts decide liveness only; the driver stops using this after f+1 such timeouts
// without a vote in between (the view timer, with its back-off, takes over), so a network that
// suddenly got slower still gets views long enough to succeed, and those teach this watch the new pace.

/** Samples kept (view durations). */
const WINDOW = 64;
/** Samples needed before the watch has an opinion. */
const MIN_SAMPLES = 8;
/** Patience = FACTOR x the 90th percentile view duration... */
const FACTOR = 8;
/** ...but never less than this (a GC pause or a busy event loop is not a dead leader). */
export const MIN_PATIENCE_MS = 100;

export class ProgressWatch {
  private readonly samples = new Float64Array(WINDOW);
  private count = 0;
  private next = 0;
  private lastView = -1;
  private lastAt = 0;
  private cached: number | null = null;

  /**
   * The proposal of `view` reached this replica at `nowMs` (or this replica made it, as leader).
   * When the proposal of the view before came too, the time between them is a sample. Entering a
   * view is not used: a view entered after a timeout, or with a QC found in a timeout message,
   * tells nothing about a healthy view's pace.
   */
  proposal(view: number, nowMs: number): void {
    if (view <= this.lastView) return;
    if (view === this.lastView + 1 && this.lastView >= 0) {
      this.samples[this.next] = nowMs - this.lastAt;
      this.next = (this.next + 1) % WINDOW;
      if (this.count < WINDOW) this.count++;
      this.cached = null;
    }
    this.lastView = view;
    this.lastAt = nowMs;
  }

  /** How long to wait for the next progress, or null while there are too few samples. */
  patienceMs(): number | null {
    if (this.count < MIN_SAMPLES) return null;
    if (this.cached === null) {
      const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
      const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))];
      this.cached = Math.max(MIN_PATIENCE_MS, FACTOR * p90);
    }
    return this.cached;
  }
}
