// A range of seeds with the same options: the failures, each with the one command that replays it.
import { runSim, type SimReport } from './run.js';
import { replayCommand } from './replay.js';
import type { SimOptions } from './options.js';

export interface SweepFailure {
  seed: number;
  /** Which checks failed: safety, liveness, linearizability. */
  failed: string[];
  detail: string;
  traceHash: string;
  replay: string;
}

export interface SweepReport {
  ok: boolean;
  seeds: string;
  runs: number;
  passed: number;
  failures: SweepFailure[];
  committedCommands: number;
  messages: number;
  virtualMs: number;
  wallMs: number;
}

/** Parses `A..B` (inclusive) or a single seed. */
export function parseSeedRange(spec: string): { from: number; to: number } {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(spec.trim());
  if (!m) throw new RangeError(`--seeds must look like A..B (e.g. 1..200), got ${JSON.stringify(spec)}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) throw new RangeError(`--seeds range ${spec} is empty or too large`);
  if (to - from >= 1_000_000) throw new RangeError('--seeds covers more than 1,000,000 seeds');
  return { from, to };
}

export function failureOf(r: SimReport, options: SimOptions): SweepFailure | null {
  if (r.ok) return null;
  const failed: string[] = [];
  const detail: string[] = [];
  if (!r.safety.ok) {
    failed.push('safety');
    const v = r.safety.violations[0];
    detail.push(`${v.kind} at ${v.atMs} ms: ${v.detail}`);
  }
  if (!r.liveness.ok) {
    failed.push('liveness');
    detail.push(r.liveness.detail);
  }
  if (!r.linearizable) {
    failed.push('linearizability');
    detail.push(`key ${r.linearizability.key}${r.linearizability.exhausted ? ' (search budget exhausted)' : ''} has no linearization`);
  }
  return { seed: options.seed, failed, detail: detail.join('; '), traceHash: r.traceHash, replay: replayCommand(options, '--timeline') };
}

export function runSweep(base: Omit<SimOptions, 'seed'>, from: number, to: number, onRun?: (seed: number, r: SimReport) => void): SweepReport {
  const start = process.hrtime.bigint();
  const failures: SweepFailure[] = [];
  let committedCommands = 0;
  let messages = 0;
  let virtualMs = 0;
  for (let seed = from; seed <= to; seed++) {
    const options = { ...base, seed };
    const { report } = runSim(options);
    committedCommands += report.committedCommands;
    messages += report.messages;
    virtualMs += report.virtualMs;
    const f = failureOf(report, options);
    if (f) failures.push(f);
    onRun?.(seed, report);
  }
  return sweepReport(from, to, failures, { committedCommands, messages, virtualMs }, start);
}

/** The report of a finished sweep (serial or parallel); `start` is process.hrtime.bigint() at its start. */
export function sweepReport(
  from: number,
  to: number,
  failures: SweepFailure[],
  totals: { committedCommands: number; messages: number; virtualMs: number },
  start: bigint,
): SweepReport {
  const runs = to - from + 1;
  return {
    ok: failures.length === 0,
    seeds: `${from}..${to}`,
    runs,
    passed: runs - failures.length,
    failures,
    committedCommands: totals.committedCommands,
    messages: totals.messages,
    virtualMs: Math.round(totals.virtualMs),
    wallMs: Math.round(Number(process.hrtime.bigint() - start) / 1e6),
  };
}
