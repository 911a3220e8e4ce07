// One simulation run from options to report: build the cluster, run it, judge it. The report is
// what `knhk sim --json` prints; `ok` is true when every checker passed.
import { Cluster } from './cluster.js';
import type { Workload } from './clients.js';
import { workloadFor } from './workloads.js';
import { checkHistory, checkLiveness, type LivenessReport, type Violation } from './checkers.js';
import { validateSimOptions, type SimOptions } from './options.js';
import type { FaultPlan } from './faults.js';

export interface SimReport {
  ok: boolean;
  seed: number;
  nodes: number;
  byzantine: number;
  engine: 'hotstuff';
  workload: string;
  crypto: string;
  faults: string[];
  committedHeight: number;
  committedCommands: number;
  safety: { ok: boolean; violations: (Violation | { kind: string; atMs: number; replica: string; detail: string })[]; violationCount: number };
  liveness: LivenessReport;
  linearizable: boolean;
  linearizability: { key?: string; exhausted?: boolean };
  operations: { planned: number; started: number; completed: number };
  traceHash: string;
  traceEvents: number;
  virtualMs: number;
  wallMs: number;
  cpuMs: number;
  messages: number;
  network: Record<string, number>;
  drops: Record<string, number>;
  reports: Record<string, number>;
  clientRetries: number;
  roots?: { signed: number; verified: number; invalid: number };
  plan: { faultEndMs: number; crashes: number; partitions: number; byzantine: FaultPlan['byzantine'] };
}

export interface SimRun {
  report: SimReport;
  cluster: Cluster;
}

export function runSim(options: SimOptions, workload: Workload = workloadFor(options.workload, options.keys)): SimRun {
  validateSimOptions(options);
  const wallStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const cluster = new Cluster(options, workload);
  cluster.run();
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;

  const history = cluster.history.all();
  const lin = checkHistory(history);
  const liveness = checkLiveness(history, options.commands, cluster.plan.faultEndMs, cluster.livenessBoundMs, cluster.firstCommitAfterHealMs);
  if (cluster.stoppedEarly && !liveness.ok) liveness.detail = `not judged: the run stopped at its first safety violation (${liveness.detail})`;
  const findings = cluster.findings.map((f) => ({ kind: f.kind, atMs: f.atMs, replica: f.replica, detail: f.detail }));
  const rootsBad = cluster.stats.rootsInvalid > 0 ? [{ kind: 'roots', atMs: cluster.nowMs, replica: '*', detail: `${cluster.stats.rootsInvalid} execution-root signature(s) failed to verify` }] : [];
  const violations = [...cluster.checker.violations, ...findings, ...rootsBad];
  const safetyOk = violations.length === 0;
  // Distinct (client, seq) among executed commands: a retry that was ordered twice counts once (the
  // kernel refuses the replay with a receipt).
  const distinct = new Set<string>();
  for (const rec of cluster.checker.committed().values()) for (const c of rec.commands) distinct.add(`${c.client}#${c.seq}`);
  const committedCommands = distinct.size;
  const report: SimReport = {
    ok: safetyOk && liveness.ok && lin.ok,
    seed: options.seed,
    nodes: options.nodes,
    byzantine: options.byzantine,
    engine: 'hotstuff',
    workload: workload.name,
    crypto: options.crypto,
    faults: options.faults,
    committedHeight: cluster.checker.highestCommitted,
    committedCommands,
    safety: { ok: safetyOk, violations, violationCount: cluster.checker.violationCount + findings.length + rootsBad.length },
    liveness,
    linearizable: lin.ok,
    linearizability: lin.ok ? {} : { key: lin.key, exhausted: lin.exhausted },
    operations: { planned: options.commands, started: cluster.opsStarted, completed: cluster.opsCompleted },
    traceHash: cluster.trace.digestHex(),
    traceEvents: cluster.trace.events,
    virtualMs: Math.round(cluster.nowMs * 1000) / 1000,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    messages: cluster.stats.messagesDelivered,
    network: { ...cluster.network.stats },
    drops: cluster.stats.dropsByReason,
    reports: cluster.stats.reportsByKind,
    clientRetries: cluster.stats.clientRetries,
    plan: { faultEndMs: cluster.plan.faultEndMs, crashes: cluster.plan.crashes.length, partitions: cluster.plan.network.partitions.length, byzantine: cluster.plan.byzantine },
  };
  if (options.crypto === 'real') report.roots = { signed: cluster.stats.rootsSigned, verified: cluster.stats.rootsVerified, invalid: cluster.stats.rootsInvalid };
  return { report, cluster };
}
