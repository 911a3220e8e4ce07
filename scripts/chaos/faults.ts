// Fault choice and application for the chaos driver. The choice (which fault, which replicas, how
// long) is drawn from a seeded PRNG so a run can be reproduced; applying it uses real signals on
// real replica processes: SIGKILL + restart on the same database, SIGSTOP + SIGCONT (a frozen
// process whose peers' TCP buffers fill and which comes back views behind), or two replicas at once
// (quorum lost: no progress is expected until they are back).
import type { Prng } from '../../sim/prng.js';
import type { LocalCluster } from '../../node/cluster/local.js';

export type FaultKind = 'kill' | 'stop' | 'double';
export type FaultSignal = 'SIGKILL' | 'SIGSTOP';

export interface FaultPlan {
  kind: FaultKind;
  /** Replicas hit, each with its signal. */
  targets: Array<{ replica: number; signal: FaultSignal }>;
  /** How long the targets stay down (killed) or frozen (stopped) before they are brought back. */
  holdMs: number;
  /** Whether the first target was the leader of the latest view seen. */
  leaderTargeted: boolean;
}

export interface FaultRecord extends FaultPlan {
  index: number;
  /** Milliseconds since the run started. */
  startedAtMs: number;
  /** When every target was back: restarted and serving /healthz, or sent SIGCONT. */
  healedAtMs: number | null;
  /** Why bringing a target back failed (a replica that crashes on restart), if it did. */
  error?: string;
}

/** Draws one fault. `leader` is the leader of the newest view seen, or null when unknown. */
export function planFault(rng: Prng, n: number, leader: number | null, kinds: readonly FaultKind[]): FaultPlan {
  const kind = rng.pick(kinds);
  // Half the time aim at the leader: it is the replica whose loss forces a view change. Both draws
  // happen whatever the leader is, so the PRNG stream (hence every later choice) depends on the
  // seed alone; which replica leads at that moment depends on timing.
  const aimAtLeader = rng.chance(0.5);
  const random = rng.int(0, n - 1);
  const leaderTargeted = aimAtLeader && leader !== null;
  const first = leaderTargeted && leader !== null ? leader : random;
  switch (kind) {
    case 'kill':
      return { kind, targets: [{ replica: first, signal: 'SIGKILL' }], holdMs: rng.int(1000, 5000), leaderTargeted };
    case 'stop':
      return { kind, targets: [{ replica: first, signal: 'SIGSTOP' }], holdMs: rng.int(2000, 10_000), leaderTargeted };
    case 'double': {
      let second = rng.int(0, n - 2);
      if (second >= first) second++;
      const signalOf = (): FaultSignal => (rng.chance(0.5) ? 'SIGKILL' : 'SIGSTOP');
      const s1 = signalOf();
      const s2 = signalOf();
      return { kind, targets: [{ replica: first, signal: s1 }, { replica: second, signal: s2 }], holdMs: rng.int(2000, 6000), leaderTargeted };
    }
  }
}

export interface FaultHooks {
  /** Called with a replica's pid right before it is SIGKILLed: its exit is expected. */
  expectExit(pid: number): void;
  /** Milliseconds since the run started. */
  now(): number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Applies `plan` to the cluster and brings every target back; resolves with what happened. */
export async function applyFault(lc: LocalCluster, plan: FaultPlan, index: number, hooks: FaultHooks): Promise<FaultRecord> {
  const rec: FaultRecord = { ...plan, index, startedAtMs: hooks.now(), healedAtMs: null };
  const hit: Array<{ replica: number; signal: FaultSignal }> = [];
  for (const t of plan.targets) {
    const p = lc.processes[t.replica];
    if (p === null || p.pid === undefined) continue; // already dead on its own: reported as an unexpected exit
    if (t.signal === 'SIGKILL') {
      hooks.expectExit(p.pid);
      await lc.kill(t.replica, 'SIGKILL');
    } else {
      p.kill('SIGSTOP');
    }
    hit.push(t);
  }
  await sleep(plan.holdMs);
  const errors: string[] = [];
  await Promise.all(
    hit.map(async (t) => {
      try {
        if (t.signal === 'SIGKILL') await lc.restart(t.replica);
        else lc.processes[t.replica]?.kill('SIGCONT');
      } catch (e) {
        errors.push(`replica ${t.replica}: ${(e as Error).message}`);
      }
    }),
  );
  rec.healedAtMs = hooks.now();
  if (errors.length > 0) rec.error = errors.join('; ');
  return rec;
}
