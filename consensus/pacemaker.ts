// Pacemaker: which view the replica is in, who leads it, and how long to wait before giving up.
// A view ends with a QC (progress: back-off resets) or a TC (failure: the next timeout doubles, up
// to a maximum), so views keep advancing without a correct leader and settle back once one appears.
import type { ReplicaId, TimeoutCert, View } from './types.js';

export function roundRobinLeader(n: number): (view: View) => ReplicaId {
  return (view) => view % n;
}

/** Timeout for a view after `failures` consecutive views ended by timeout. */
export function viewTimeoutMs(baseMs: number, maxMs: number, failures: number): number {
  // 2^failures overflows to Infinity for large counts; min() keeps it at maxMs.
  return Math.min(baseMs * 2 ** Math.min(failures, 52), maxMs);
}

/** qc/tc: a certificate for the previous view; join: f+1 timeouts for the new view (view synchronisation). */
export type AdvanceCause = 'qc' | 'tc' | 'join';

export class Pacemaker {
  private currentView: View;
  private failures = 0;
  /** TC that ended the previous view, if it ended by timeout (the leader attaches it to its proposal). */
  private tc: TimeoutCert | null = null;
  /** Set once this replica has broadcast its timeout for the current view (re-sent on each later timer). */
  timedOut = false;

  constructor(
    startView: View,
    private readonly baseMs: number,
    private readonly maxMs: number,
    /** TC for startView - 1 when restarting into a view entered by timeout. */
    startTc: TimeoutCert | null = null,
  ) {
    this.currentView = startView;
    this.tc = startTc;
  }

  get view(): View {
    return this.currentView;
  }

  get lastTc(): TimeoutCert | null {
    return this.tc;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  timeoutMs(): number {
    return viewTimeoutMs(this.baseMs, this.maxMs, this.failures);
  }

  /** Enter `view` (see AdvanceCause). False if not ahead of the current view. */
  advance(view: View, cause: AdvanceCause, tc: TimeoutCert | null): boolean {
    if (view <= this.currentView) return false;
    this.currentView = view;
    this.failures = cause === 'qc' ? 0 : this.failures + 1;
    this.tc = cause === 'tc' ? tc : null;
    this.timedOut = false;
    return true;
  }
}
