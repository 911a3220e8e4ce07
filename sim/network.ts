// The simulated network: per-link latency drawn from a region latency matrix, plus loss,
// duplication, reordering and partitions (two-way or one-way) that start and heal at given virtual
// times. Faults are plain data (a NetworkFaults object) so a failing run can print exactly what the
// network did. The network decides *when* (and whether, and how often) a message arrives; the
// cluster driver puts those arrivals into the event queue.
import type { Prng } from './prng.js';

/** Latency bounds in virtual milliseconds for one ordered pair of regions. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** A partition: messages from any endpoint in `from` to any in `to` are dropped while active. */
export interface Partition {
  startMs: number;
  healMs: number;
  from: number[];
  to: number[];
  /** When false the partition also blocks `to` -> `from`. */
  oneWay: boolean;
}

export interface NetworkFaults {
  lossP: number;
  dupP: number;
  /** Probability that a message is held back by an extra delay, so later messages overtake it. */
  reorderP: number;
  reorderExtraMsMax: number;
  partitions: Partition[];
  /** Loss, duplication and reordering stop at this virtual time (the network heals); absent = never. */
  activeUntilMs?: number;
}

export const noNetworkFaults: NetworkFaults = { lossP: 0, dupP: 0, reorderP: 0, reorderExtraMsMax: 0, partitions: [] };

/** latency[r1][r2] for regions r1 -> r2. */
export type LatencyMatrix = LatencyRange[][];

/** The example: 1 ms inside a region, 40–120 ms across regions. */
export function regionLatencyMatrix(regions: number, intra: LatencyRange = { minMs: 1, maxMs: 1 }, inter: LatencyRange = { minMs: 40, maxMs: 120 }): LatencyMatrix {
  if (!Number.isInteger(regions) || regions < 1) throw new RangeError(`regions must be a positive integer, got ${regions}`);
  const m: LatencyMatrix = [];
  for (let a = 0; a < regions; a++) {
    m.push([]);
    for (let b = 0; b < regions; b++) m[a].push(a === b ? intra : inter);
  }
  return m;
}

export class Network {
  /** Counters every run reports. */
  readonly stats = { sent: 0, delivered: 0, dropped: 0, partitioned: 0, duplicated: 0, reordered: 0 };

  constructor(
    private readonly prng: Prng,
    private readonly latency: LatencyMatrix,
    /** Region of each endpoint (replicas first, then clients). */
    private readonly regionOf: number[],
    private readonly faults: NetworkFaults,
  ) {
    for (const r of regionOf) if (!latency[r]) throw new RangeError(`endpoint region ${r} is not in the latency matrix`);
  }

  /** True when a partition active at `nowMs` blocks from -> to. */
  blocked(from: number, to: number, nowMs: number): boolean {
    for (const p of this.faults.partitions) {
      if (nowMs < p.startMs || nowMs >= p.healMs) continue;
      if (p.from.includes(from) && p.to.includes(to)) return true;
      if (!p.oneWay && p.to.includes(from) && p.from.includes(to)) return true;
    }
    return false;
  }

  /**
   * The virtual delays after which copies of one message from -> to arrive: [] when it is lost or
   * partitioned, two entries when it is duplicated. Self-sends arrive immediately and are never
   * faulted (a replica talking to itself is not a network).
   */
  route(from: number, to: number, nowMs: number): number[] {
    const delays: number[] = [];
    this.routeInto(from, to, nowMs, delays);
    return delays;
  }

  /**
   * route() writing the delays into `out` (overwritten from index 0), returning how many: the
   * driver routes several messages per event, and a fresh array for each was a tenth of the
   * simulator's allocations. Draws exactly what route() draws.
   */
  routeInto(from: number, to: number, nowMs: number, out: number[]): number {
    this.stats.sent++;
    if (from === to) {
      this.stats.delivered++;
      out[0] = 0;
      return 1;
    }
    if (this.blocked(from, to, nowMs)) {
      this.stats.partitioned++;
      return 0;
    }
    const noisy = this.faults.activeUntilMs === undefined || nowMs < this.faults.activeUntilMs;
    if (!noisy) {
      this.stats.delivered++;
      out[0] = this.drawLatency(from, to);
      return 1;
    }
    if (this.prng.chance(this.faults.lossP)) {
      this.stats.dropped++;
      return 0;
    }
    const copies = this.prng.chance(this.faults.dupP) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let d = this.drawLatency(from, to);
      if (this.prng.chance(this.faults.reorderP)) {
        d += this.prng.int(1, Math.max(1, this.faults.reorderExtraMsMax));
        this.stats.reordered++;
      }
      out[i] = d;
    }
    this.stats.delivered += copies;
    return copies;
  }

  /** The virtual time after which every partition has healed (0 when there are none). */
  lastHealMs(): number {
    let t = 0;
    for (const p of this.faults.partitions) t = Math.max(t, p.healMs);
    return t;
  }

  private drawLatency(from: number, to: number): number {
    const range = this.latency[this.regionOf[from]][this.regionOf[to]];
    return range.minMs === range.maxMs ? range.minMs : this.prng.int(range.minMs, range.maxMs);
  }
}
