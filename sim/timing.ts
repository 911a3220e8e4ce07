// Protocol timing derived from the latency matrix: the view timeout must cover a round trip
// comfortably, the back-off cap must stay well inside the liveness bound, and clients retry after a
// few view timeouts.
import type { LatencyMatrix } from './network.js';

/** Timing of the protocol for a latency matrix: the view timeout must cover a round trip comfortably. */
export function timeoutsFor(latency: LatencyMatrix): { baseTimeoutMs: number; maxTimeoutMs: number; retryMs: number } {
  let maxOneWay = 1;
  for (const row of latency) for (const r of row) maxOneWay = Math.max(maxOneWay, r.maxMs);
  const baseTimeoutMs = 4 * maxOneWay + 50;
  return { baseTimeoutMs, maxTimeoutMs: Math.min(8_000, 16 * baseTimeoutMs), retryMs: Math.max(200, 3 * baseTimeoutMs) };
}
