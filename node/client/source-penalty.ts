// A budget of invalid envelopes per client source (the remote IP address, see `sourceOfAddress`),
// kept across streams and connections: closing one stream after 16 invalid envelopes does not
// stop a client that simply opens another, and an invalid signature costs a replica ~14x a valid
// check. Each source has a token bucket of `burst` tokens refilled at `refillPerSecond`; every
// invalid envelope takes one; a failure that finds the bucket empty penalizes the source for
// `penaltyMs`, during which the client service refuses it without checking anything. Only sources
// that sent an invalid envelope get an entry; the table holds at most `maxSources` (the least
// recently active is forgotten first). The clock is injected so tests control time.
import type { Multiaddr } from '@multiformats/multiaddr';
import { MAX_PENALIZED_SOURCES, SOURCE_BAD_ENVELOPE_BURST, SOURCE_BAD_ENVELOPE_REFILL_PER_S, SOURCE_PENALTY_MS } from './protocol.js';

export interface SourcePenaltyLimits {
  /** Invalid envelopes a source may send at once; one more penalizes it. */
  burst: number;
  /** Invalid envelopes per second a source may send in the long run. */
  refillPerSecond: number;
  /** How long a penalized source is refused. */
  penaltyMs: number;
  /** Most sources remembered; the least recently active is forgotten first. */
  maxSources: number;
}

export const DEFAULT_SOURCE_PENALTY_LIMITS: SourcePenaltyLimits = {
  burst: SOURCE_BAD_ENVELOPE_BURST,
  refillPerSecond: SOURCE_BAD_ENVELOPE_REFILL_PER_S,
  penaltyMs: SOURCE_PENALTY_MS,
  maxSources: MAX_PENALIZED_SOURCES,
};

interface Entry {
  tokens: number;
  /** Clock reading of the last refill. */
  at: number;
  /** Refused until this clock reading (0: not penalized). */
  until: number;
}

export class SourcePenalties {
  readonly limits: SourcePenaltyLimits;
  // Insertion order = recency: an entry is re-inserted whenever its source is active, so the
  // first key is the one to forget when the table is full.
  private readonly table = new Map<string, Entry>();

  constructor(
    limits: Partial<SourcePenaltyLimits> = {},
    /** Milliseconds, monotonic (performance.now by default; a fake clock in tests). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limits = { ...DEFAULT_SOURCE_PENALTY_LIMITS, ...limits };
    const { burst, refillPerSecond, penaltyMs, maxSources } = this.limits;
    if (!(burst >= 0 && refillPerSecond >= 0 && penaltyMs > 0 && maxSources >= 1)) throw new RangeError('source penalty limits must be non-negative (penaltyMs and maxSources positive)');
  }

  /** Milliseconds left of `source`'s penalty; 0 if it is not penalized. */
  penaltyLeftMs(source: string): number {
    const e = this.table.get(source);
    if (e === undefined) return 0;
    const left = e.until - this.now();
    if (left <= 0) return 0;
    this.touch(source, e); // a refused source that keeps trying stays remembered
    return left;
  }

  /**
   * Counts one invalid envelope from `source`. Returns the penalty (ms) if this failure put the
   * source over budget, else 0 (also while it is already penalized: the penalty is not extended,
   * so it ends by itself).
   */
  recordFailure(source: string): number {
    const t = this.now();
    let e = this.table.get(source);
    if (e === undefined) {
      if (this.table.size >= this.limits.maxSources) this.table.delete(this.table.keys().next().value as string);
      e = { tokens: this.limits.burst, at: t, until: 0 };
    }
    this.touch(source, e);
    e.tokens = Math.min(this.limits.burst, e.tokens + ((t - e.at) * this.limits.refillPerSecond) / 1000);
    e.at = t;
    if (e.until > t) return 0;
    if (e.tokens >= 1) {
      e.tokens -= 1;
      return 0;
    }
    e.until = t + this.limits.penaltyMs;
    return this.limits.penaltyMs;
  }

  /** Sources refused right now (the gauge). Also forgets sources whose bucket is full again. */
  penalizedCount(): number {
    const t = this.now();
    let n = 0;
    for (const [source, e] of this.table) {
      if (e.until > t) n++;
      else if (e.tokens + ((t - e.at) * this.limits.refillPerSecond) / 1000 >= this.limits.burst) this.table.delete(source);
    }
    return n;
  }

  /** Sources remembered (bounded by `maxSources`). */
  get size(): number {
    return this.table.size;
  }

  private touch(source: string, e: Entry): void {
    this.table.delete(source);
    this.table.set(source, e);
  }
}

/**
 * The source of a connection: its remote IPv4 address, or the /64 prefix of an IPv6 one (a host
 * is usually given a whole /64, so single IPv6 addresses are free to mint, as peer ids are).
 * Falls back to the whole address for anything without an IP (not used by our TCP transport).
 */
export function sourceOfAddress(addr: Multiaddr): string {
  for (const c of addr.getComponents()) {
    if (c.name === 'ip4' && c.value !== undefined) return c.value;
    if (c.name === 'ip6' && c.value !== undefined) return ipv6Source(c.value);
  }
  return addr.toString();
}

function ipv6Source(ip: string): string {
  const g = ipv6Groups(ip);
  // An IPv4 client on a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return [g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff].join('.');
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a textual IPv6 address ("::" expanded, a dotted IPv4 tail split in two). */
function ipv6Groups(ip: string): number[] {
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((x) => {
          if (!x.includes('.')) return [parseInt(x, 16) || 0];
          const [a, b, c, d] = x.split('.').map((n) => Number(n) & 0xff);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
}
