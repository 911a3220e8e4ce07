// The chaos driver's core: a fresh 4-replica local testnet (kv descriptor) in a folder, SDK clients
// under load, faults drawn from a seeded PRNG for `durationMs`, then the invariants:
//   (a) every acknowledged command is stored at its receipt's height and index on every replica
//       holding that height;
//   (b) the replicas agree on block hash, state root and receipts root at every common height;
//   (c) commits resumed within `recoveryBoundMs` of the last fault healing;
//   (d) no replica exited by itself, none logged `fatal`, none crashed on restart;
//   (e) each replica's RSS stayed under `rssLimitMb`;
// plus: every replica converged on one committed height, and no receipt failed verification.
// scripts/chaos-cluster.ts is the command line; test/node/integration/chaos.test.ts runs it short.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prng } from '../../sim/prng.js';
import { loadCluster, type ConsensusParams } from '../../node/cluster/config.js';
import { startLocalCluster, type LocalCluster } from '../../node/cluster/local.js';
import { freePorts } from '../../node/cluster/ports.js';
import { generateTestnet } from '../../node/cluster/testnet.js';
import { ClientTransport } from '../../node/client/transport.js';
import { checkChains, type ReplicaChainFigures } from './chain-check.js';
import { applyFault, planFault, type FaultKind, type FaultRecord } from './faults.js';
import { scanLog, type LogFigures } from './logs.js';
import { StatusPoller, type Convergence } from './status.js';
import { ProcessWatch, type RssFigures, type UnexpectedExit } from './watch.js';
import { Workload, type Ack, type WorkloadErrors } from './workload.js';

export interface ChaosOptions {
  seed: number;
  /** Length of the fault phase (ms); the run also has a warm-up, a recovery tail and the checks. */
  durationMs: number;
  clients: number;
  /** Load before the first fault (ms). */
  warmupMs: number;
  /** Pause between one fault healing and the next one starting (ms), drawn in [min, max]. */
  faultGapMs: [number, number];
  /** Stop after this many faults even if time is left. */
  maxFaults: number;
  kinds: FaultKind[];
  recoveryBoundMs: number;
  convergeTimeoutMs: number;
  rssLimitMb: number;
  /** cluster.json consensus overrides (e.g. a small snapshotEvery so snapshots and pruning happen). */
  consensus: Partial<ConsensusParams>;
  /** retainBlocks of every replica (undefined: the testnet default). */
  retainBlocks?: number;
  /** The testnet folder (default: a fresh temp dir). */
  dir?: string;
  /** Remove the folder afterwards: always, never, or only when every check passed. */
  cleanup: 'always' | 'never' | 'on-success';
  logLevel: string;
  /** Progress lines (stderr for the CLI). */
  log(line: string): void;
}

export const DEFAULT_CHAOS: Omit<ChaosOptions, 'seed' | 'log'> = {
  durationMs: 60_000,
  clients: 16,
  warmupMs: 4000,
  faultGapMs: [2000, 5000],
  maxFaults: Number.MAX_SAFE_INTEGER,
  kinds: ['kill', 'stop', 'kill', 'stop', 'double'],
  recoveryBoundMs: 30_000,
  convergeTimeoutMs: 60_000,
  rssLimitMb: 768,
  // Small enough that a replica down for seconds is caught up by blocks from a peer's store and a
  // longer outage by a snapshot install, not only by the core's in-memory sync; snapshots every 20.
  consensus: { snapshotEvery: 20, snapshotCatchUpBlocks: 100, retainCommittedBlocks: 32 },
  cleanup: 'on-success',
  logLevel: 'info',
};

export interface FaultSummary extends FaultRecord {
  /** From healing to the first acknowledgement of a command submitted after it (null: none before the next fault / the end). */
  recoveryMs: number | null;
  acksDuring: number;
}

export interface ChaosSummary {
  ok: boolean;
  seed: number;
  dir: string;
  durationS: number;
  wallS: number;
  violations: string[];
  acks: { total: number; beforeFirstFault: number; duringFaults: number; afterLastHeal: number; perSecond: number[] };
  errors: Omit<WorkloadErrors, 'rejected' | 'verification' | 'notOk' | 'other'> & { rejected: number; verification: number; notOk: number; other: number; first: string[] };
  faults: FaultSummary[];
  recoveryAfterLastHealMs: number | null;
  convergence: Convergence;
  chain: { comparedHeights: number; acksPrunedEverywhere: number; replicas: ReplicaChainFigures[] };
  rss: RssFigures[];
  exits: UnexpectedExit[];
  logs: LogFigures[];
}

/** Acknowledgements in each second of the run (index = second since start), to see stalls. */
function perSecond(acks: readonly Ack[]): number[] {
  const out: number[] = [];
  for (const a of acks) {
    const s = Math.floor(a.ackedAtMs / 1000);
    while (out.length <= s) out.push(0);
    out[s]++;
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The summary, and the acknowledged commands themselves (tests re-check them against the stores). */
export interface ChaosResult {
  summary: ChaosSummary;
  acks: Ack[];
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'knhk-chaos-'));
  const n = 4;
  const violations: string[] = [];
  let lc: LocalCluster | null = null;
  let watch: ProcessWatch | null = null;
  let transport: ClientTransport | null = null;
  let poller: StatusPoller | null = null;
  let workload: Workload | null = null;
  let ok = false;
  try {
    const free = await freePorts(2 * n);
    await generateTestnet({ nodes: n, dir, ports: { p2p: free.slice(0, n), metrics: free.slice(n) }, descriptor: 'kv', clients: o.clients + 4, consensus: o.consensus });
    if (o.retainBlocks !== undefined) {
      for (let i = 0; i < n; i++) {
        const file = join(dir, `replica-${i}`, 'config.json');
        writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), retainBlocks: o.retainBlocks }, null, 2) + '\n');
      }
    }
    lc = await startLocalCluster({ nodes: n, dir, logLevel: o.logLevel });
    const cluster = loadCluster(lc.clusterFile);
    watch = new ProcessWatch(lc, now, 500);
    transport = await ClientTransport.create(cluster);
    poller = new StatusPoller(transport, 1000);
    workload = new Workload(cluster, dir, transport, o.clients, `s${o.seed}`, now);
    workload.start();
    o.log(`cluster up in ${dir} (${now()} ms); load: ${o.clients} clients`);

    await sleep(o.warmupMs);
    const faultPhaseStart = now();
    const acksBeforeFirstFault = workload.acks.length;
    const rng = new Prng(o.seed);
    const faults: FaultRecord[] = [];
    while (now() - faultPhaseStart < o.durationMs && faults.length < o.maxFaults) {
      const plan = planFault(rng, n, poller.leader(), o.kinds);
      const w = watch;
      const rec = await applyFault(lc, plan, faults.length, { expectExit: (pid) => w.expectExit(pid), now });
      faults.push(rec);
      o.log(`fault ${rec.index}: ${rec.kind} ${rec.targets.map((t) => `${t.signal} ${t.replica}`).join(' + ')}${rec.leaderTargeted ? ' (leader)' : ''} for ${rec.holdMs} ms, healed at ${rec.healedAtMs} ms${rec.error ? `; ERROR ${rec.error}` : ''}; acks ${workload.acks.length}`);
      const gap = rng.int(o.faultGapMs[0], o.faultGapMs[1]);
      if (now() + gap - faultPhaseStart >= o.durationMs) break;
      await sleep(gap);
    }
    const lastHeal = faults.length > 0 ? (faults[faults.length - 1].healedAtMs ?? now()) : now();

    // Recovery tail: load goes on until commands submitted after the last heal are acknowledged
    // for a few seconds, or the recovery bound passes.
    const wl = workload;
    const ackedSince = (t: number) => wl.acks.filter((a) => a.submittedAtMs >= t);
    while (now() - lastHeal < o.recoveryBoundMs) {
      const first = ackedSince(lastHeal)[0];
      if (first !== undefined && now() - first.ackedAtMs >= 3000) break;
      await sleep(200);
    }
    await workload.stop();
    const acks = workload.acks;
    const firstAfter = acks.filter((a) => a.submittedAtMs >= lastHeal).reduce<number | null>((m, a) => (m === null || a.ackedAtMs < m ? a.ackedAtMs : m), null);
    const recoveryAfterLastHealMs = firstAfter === null ? null : firstAfter - lastHeal;
    if (recoveryAfterLastHealMs === null || recoveryAfterLastHealMs > o.recoveryBoundMs) {
      violations.push(`(c) no command submitted after the last fault healed (at ${lastHeal} ms) was acknowledged within ${o.recoveryBoundMs} ms`);
    }
    o.log(`load stopped at ${now()} ms: ${acks.length} acknowledged; recovery after last heal ${recoveryAfterLastHealMs} ms`);

    const convergence = await poller.converge(o.convergeTimeoutMs);
    if (!convergence.converged) violations.push(`replicas did not reach one committed height within ${o.convergeTimeoutMs} ms: ${JSON.stringify(convergence.last)}`);
    o.log(`convergence: ${JSON.stringify(convergence)}`);

    poller.stop();
    watch.expectAll();
    await lc.stop();
    watch.stop();
    await transport.close();
    transport = null;

    const chain = await checkChains(dir, n, acks);
    violations.push(...chain.violations.map((v) => `(a/b) ${v}`));
    const rss = watch.rssFigures();
    for (const r of rss) if (r.maxMb > o.rssLimitMb) violations.push(`(e) replica ${r.replica} RSS reached ${r.maxMb} MB, over ${o.rssLimitMb} MB`);
    for (const e of watch.exits) violations.push(`(d) replica ${e.replica} (pid ${e.pid}) exited by itself at ${e.atMs} ms: code ${e.code}, signal ${e.signal}`);
    for (const f of faults) if (f.error !== undefined) violations.push(`(d) fault ${f.index}: a replica did not come back: ${f.error}`);
    const logs = Array.from({ length: n }, (_, i) => scanLog(join(dir, `replica-${i}`, 'replica.log'), i));
    for (const l of logs) {
      for (const line of l.fatal) violations.push(`(d) replica ${l.replica} logged fatal: ${line}`);
      for (const line of l.raw) violations.push(`(d) replica ${l.replica} printed a non-log line (crash output?): ${line}`);
    }
    const errs = workload.errors;
    for (const m of errs.rejected.slice(0, 5)) violations.push(`a fresh command was rejected: ${m}`);
    for (const m of errs.verification.slice(0, 5)) violations.push(`a receipt failed verification: ${m}`);
    for (const m of errs.notOk.slice(0, 5)) violations.push(`a put did not return ok: ${m}`);
    for (const m of errs.other.slice(0, 5)) violations.push(`unexpected client error: ${m}`);

    const summaries: FaultSummary[] = faults.map((f, i) => {
      const healed = f.healedAtMs ?? f.startedAtMs;
      const until = faults[i + 1]?.startedAtMs ?? Number.MAX_SAFE_INTEGER;
      const rec = acks.filter((a) => a.submittedAtMs >= healed && a.ackedAtMs < until).reduce<number | null>((m, a) => (m === null || a.ackedAtMs < m ? a.ackedAtMs : m), null);
      return { ...f, recoveryMs: rec === null ? null : rec - healed, acksDuring: acks.filter((a) => a.ackedAtMs >= f.startedAtMs && a.ackedAtMs < healed).length };
    });
    ok = violations.length === 0;
    const summary: ChaosSummary = {
      ok,
      seed: o.seed,
      dir,
      durationS: o.durationMs / 1000,
      wallS: Math.round(now() / 100) / 10,
      violations,
      acks: {
        total: acks.length,
        beforeFirstFault: acksBeforeFirstFault,
        duringFaults: acks.filter((a) => a.ackedAtMs >= faultPhaseStart && a.ackedAtMs < lastHeal).length,
        afterLastHeal: acks.filter((a) => a.submittedAtMs >= lastHeal).length,
        perSecond: perSecond(acks),
      },
      errors: {
        timeouts: errs.timeouts,
        rootsUnavailable: errs.rootsUnavailable,
        rejected: errs.rejected.length,
        verification: errs.verification.length,
        notOk: errs.notOk.length,
        other: errs.other.length,
        first: [...errs.rejected, ...errs.verification, ...errs.notOk, ...errs.other].slice(0, 3),
      },
      faults: summaries,
      recoveryAfterLastHealMs,
      convergence,
      chain: { comparedHeights: chain.comparedHeights, acksPrunedEverywhere: chain.acksPrunedEverywhere, replicas: chain.replicas },
      rss,
      exits: watch.exits,
      logs,
    };
    return { summary, acks };
  } finally {
    // Whatever happened: no replica left running (a frozen one is thawed so SIGTERM can land).
    poller?.stop();
    if (workload !== null) await workload.stop().catch(() => {});
    await transport?.close().catch(() => {});
    if (lc !== null) {
      for (const p of lc.processes) p?.kill('SIGCONT');
      watch?.expectAll();
      await lc.stop().catch(() => {});
    }
    watch?.stop();
    if (o.cleanup === 'always' || (o.cleanup === 'on-success' && ok)) rmSync(dir, { recursive: true, force: true });
  }
}
