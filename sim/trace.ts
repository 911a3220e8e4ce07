// The run's trace: one canonical text line per delivered event, folded into a running SHA-256.
// Same seed and arguments => same lines => same `traceHash`, which is how a run proves it is
// reproducible byte for byte. Lines are kept only when asked for (`--trace FILE`, `--timeline`),
// so large sweeps pay for hashing but not for memory.
import { createHash, type Hash } from 'node:crypto';
import { tagPrefix } from '../crypto/hash.js';
import { toHex } from '../crypto/bytes.js';

export const TRACE_TAG = 'knhk/sim/trace';

/** Bound on kept lines so a long run with --trace cannot exhaust memory. */
export const maxKeptTraceLines = 2_000_000;

export class Trace {
  private readonly hash: Hash = createHash('sha256').update(tagPrefix(TRACE_TAG));
  private readonly kept: string[] | null;
  private count = 0;
  private pending = '';
  private lastTimeMs = -1;
  private lastTimeText = '';
  truncated = false;

  constructor(keepLines: boolean) {
    this.kept = keepLines ? [] : null;
  }

  /** One event: `time from->to type detail`; `detail` must itself be deterministic (a digest, ids). */
  record(timeMs: number, from: string, to: string, type: string, detail: string): void {
    // Many events share a virtual time; format it once per distinct time.
    if (timeMs !== this.lastTimeMs) {
      this.lastTimeMs = timeMs;
      this.lastTimeText = timeMs.toFixed(3);
    }
    const line = `${this.lastTimeText} ${from}->${to} ${type} ${detail}`;
    // Hashing is streaming, so feeding lines in chunks gives the same digest with far fewer calls.
    this.pending += line + '\n';
    if (this.pending.length > 64 * 1024) this.flush();
    this.count++;
    if (this.kept) {
      if (this.kept.length < maxKeptTraceLines) this.kept.push(line);
      else this.truncated = true;
    }
  }

  get events(): number {
    return this.count;
  }

  private flush(): void {
    if (this.pending.length > 0) this.hash.update(this.pending);
    this.pending = '';
  }

  lines(): readonly string[] {
    return this.kept ?? [];
  }

  /** The final hash; the trace must not be recorded into afterwards. */
  digestHex(): string {
    this.flush();
    return toHex(new Uint8Array(this.hash.copy().digest()));
  }
}
