// Watches the replica processes of a local cluster during a chaos run: every exit the driver did
// not cause itself (a crash, a fatal error, an unhandled rejection) and the resident set size of
// each replica, sampled from /proc (Linux; elsewhere RSS is not reported).
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LocalCluster } from '../../node/cluster/local.js';

export interface UnexpectedExit {
  replica: number;
  pid: number;
  code: number | null;
  signal: string | null;
  atMs: number;
}

export interface RssFigures {
  replica: number;
  /** Largest sample, MB. */
  maxMb: number;
  /** Last sample, MB. */
  lastMb: number;
  samples: number;
}

/** VmRSS of a process in MB, or null when it cannot be read. */
export function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Math.round(Number(m[1]) / 102.4) / 10;
  } catch {
    return null;
  }
}

export class ProcessWatch {
  readonly exits: UnexpectedExit[] = [];
  private readonly expected = new Set<number>();
  private readonly seen = new WeakSet<ChildProcess>();
  private readonly rss: RssFigures[];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lc: LocalCluster,
    private readonly now: () => number,
    sampleMs = 1000,
  ) {
    this.rss = lc.processes.map((_, replica) => ({ replica, maxMb: 0, lastMb: 0, samples: 0 }));
    this.poll();
    this.timer = setInterval(() => this.poll(), sampleMs);
  }

  /** The driver is about to end this pid itself (SIGKILL, or SIGTERM at the end of the run). */
  expectExit(pid: number): void {
    this.expected.add(pid);
  }

  /** Every replica process that is running now will be stopped by the driver. */
  expectAll(): void {
    for (const p of this.lc.processes) if (p?.pid !== undefined) this.expected.add(p.pid);
  }

  rssFigures(): RssFigures[] {
    return this.rss.map((r) => ({ ...r }));
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private poll(): void {
    this.lc.processes.forEach((p, replica) => {
      if (p === null || p.pid === undefined) return;
      const pid = p.pid;
      if (!this.seen.has(p)) {
        this.seen.add(p);
        p.once('exit', (code, signal) => {
          if (!this.expected.has(pid)) this.exits.push({ replica, pid, code, signal, atMs: Math.round(this.now()) });
        });
      }
      const mb = rssMb(pid);
      if (mb !== null) {
        const r = this.rss[replica];
        r.maxMb = Math.max(r.maxMb, mb);
        r.lastMb = mb;
        r.samples++;
      }
    });
  }
}
