// Polls every replica's status over the client protocol (as `knhk status` does): the leader of the
// newest view seen, for aiming faults at it, and the end-of-run convergence wait.
import type { ClientTransport } from '../../node/client/transport.js';
import type { ReplicaStatus } from '../../node/replica/services.js';

export interface Convergence {
  converged: boolean;
  ms: number;
  height: number | null;
  /** The last heights seen (replica → committed/executed height, or an error). */
  last: Array<{ replica: number; height?: number; executedHeight?: number; error?: string }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class StatusPoller {
  private latest: ReplicaStatus[] = [];
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly transport: ClientTransport,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.tick(), intervalMs);
  }

  /** Leader of the highest view any replica reported in the last poll, or null. */
  leader(): number | null {
    let best: ReplicaStatus | null = null;
    for (const s of this.latest) if (best === null || s.view > best.view) best = s;
    return best?.leader ?? null;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits until every replica reports one committed height, executed too; bounded by `timeoutMs`. */
  async converge(timeoutMs: number): Promise<Convergence> {
    const t0 = performance.now();
    let last: Convergence['last'] = [];
    while (performance.now() - t0 < timeoutMs) {
      const rows = await this.poll(2000);
      last = rows.map((r, replica) => ('error' in r ? { replica, error: r.error } : { replica, height: r.height, executedHeight: r.executedHeight }));
      const heights = rows.map((r) => ('error' in r ? -1 : r.height === r.executedHeight ? r.height : -1));
      if (heights.every((h) => h >= 0 && h === heights[0])) return { converged: true, ms: Math.round(performance.now() - t0), height: heights[0], last };
      await sleep(500);
    }
    return { converged: false, ms: Math.round(performance.now() - t0), height: null, last };
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.latest = (await this.poll(900)).filter((r): r is ReplicaStatus => !('error' in r));
    } finally {
      this.busy = false;
    }
  }

  private poll(timeoutMs: number): Promise<Array<ReplicaStatus | { error: string }>> {
    return Promise.all(
      this.transport.channels.map(async (ch) => {
        try {
          const res = await ch.request({ kind: 'status' }, timeoutMs);
          return res.kind === 'status' ? res.status : { error: res.kind === 'error' ? res.message : res.kind };
        } catch (e) {
          return { error: (e as Error).message };
        }
      }),
    );
  }
}
