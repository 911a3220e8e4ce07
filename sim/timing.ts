// Protocol timing derived from the latency matrix: the view timeout must cover a round trip
// comfortably, the back-off cap must stay well inside the liveness bound, and clients retry after a
// few view timeouts.
import { viewTimeoutMs } from '../consensus/pacemaker.js';
import type { LatencyMatrix } from './network.js';

/** Timing of the protocol for a latency matrix: the view timeout must cover a round trip comfortably. */
export function timeoutsFor(latency: LatencyMatrix): { baseTimeoutMs: number; maxTimeoutMs: number; retryMs: number } {
  let maxOneWay = 1;
  for (const row of latency) for (const r of row) maxOneWay = Math.max(maxOneWay, r.maxMs);
  const baseTimeoutMs = 4 * maxOneWay + 50;
  return { baseTimeoutMs, maxTimeoutMs: Math.min(8_000, 16 * baseTimeoutMs), retryMs: Math.max(200, 3 * baseTimeoutMs) };
}

/** Slowest clock of the `skew` fault (sim/faults.ts: drift 0.8 .. 1.25). */
const MAX_DRIFT = 1.25;

/**
 * How long after the faults heal an operation can take while the protocol works as designed, for a
 * given timing and f Byzantine replicas. Leaders rotate round-robin and the Byzantine replicas are
 * the last f ids, so f views in a row may fail for good, and the honest view before them too (its
 * votes go to the first of them), plus one failed during the faults: f+2 consecutive timeouts with
 * back-off, on the slowest clock; then a client may be waiting out its longest retry back-off
 * (8 x retryMs), and a few seconds commit and answer. With n=16 f=5 across regions that is ~58 s,
 * over the default 30 s floor: a fixed 30 s reported such runs as liveness failures (seed 78 of
 * 1..80) although every view change happened on time.
 */
export function protocolRecoveryBoundMs(timing: { baseTimeoutMs: number; maxTimeoutMs: number; retryMs: number }, byzantine: number): number {
  let views = 0;
  for (let k = 0; k <= byzantine + 1; k++) views += viewTimeoutMs(timing.baseTimeoutMs, timing.maxTimeoutMs, k);
  return Math.ceil(MAX_DRIFT * views + 8 * timing.retryMs + 5_000);
}
