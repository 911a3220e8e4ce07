// Chaos soak of a real local cluster: 4 replica processes on 127.0.0.1, SDK clients under load,
// SIGKILL/restart, SIGSTOP/SIGCONT and two-replica outages chosen by a seeded PRNG, then the
// invariants of scripts/chaos/run.ts. Prints one JSON summary on stdout (progress on stderr) and
// exits 1 on any violation.
//
//   npx tsx scripts/chaos-cluster.ts --seed 7 --duration 60
import '../node/support/polyfill.js';
import { parseArgs } from 'node:util';
import { DEFAULT_CHAOS, runChaos } from './chaos/run.js';
import type { FaultKind } from './chaos/faults.js';

const USAGE = `usage: npx tsx scripts/chaos-cluster.ts [--seed N] [--duration S] [--clients N] [--max-faults N]
  [--kinds kill,stop,double] [--snapshot-every N] [--snapshot-catch-up N] [--retain-committed N] [--retain N]
  [--rss-limit MB] [--dir DIR] [--keep] [--log-level L]`;

function int(name: string, v: string | undefined, def: number, min = 0): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < min) {
    process.stderr.write(`--${name} must be an integer >= ${min}\n${USAGE}\n`);
    process.exit(2);
  }
  return x;
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string' },
    clients: { type: 'string' },
    'max-faults': { type: 'string' },
    kinds: { type: 'string' },
    'snapshot-every': { type: 'string' },
    'snapshot-catch-up': { type: 'string' },
    'retain-committed': { type: 'string' },
    retain: { type: 'string' },
    'rss-limit': { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
    'log-level': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const kinds = (values.kinds ?? DEFAULT_CHAOS.kinds.join(',')).split(',') as FaultKind[];
if (kinds.length === 0 || kinds.some((k) => k !== 'kill' && k !== 'stop' && k !== 'double')) {
  process.stderr.write(`--kinds takes kill, stop and double\n${USAGE}\n`);
  process.exit(2);
}
const seed = int('seed', values.seed, Date.now() % 1_000_000);
const { summary } = await runChaos({
  ...DEFAULT_CHAOS,
  seed,
  durationMs: int('duration', values.duration, DEFAULT_CHAOS.durationMs / 1000, 1) * 1000,
  clients: int('clients', values.clients, DEFAULT_CHAOS.clients, 1),
  maxFaults: int('max-faults', values['max-faults'], DEFAULT_CHAOS.maxFaults),
  kinds,
  consensus: {
    snapshotEvery: int('snapshot-every', values['snapshot-every'], DEFAULT_CHAOS.consensus.snapshotEvery ?? 100, 1),
    snapshotCatchUpBlocks: int('snapshot-catch-up', values['snapshot-catch-up'], DEFAULT_CHAOS.consensus.snapshotCatchUpBlocks ?? 5000, 1),
    retainCommittedBlocks: int('retain-committed', values['retain-committed'], DEFAULT_CHAOS.consensus.retainCommittedBlocks ?? 256, 2),
  },
  retainBlocks: values.retain === undefined ? undefined : int('retain', values.retain, 0),
  rssLimitMb: int('rss-limit', values['rss-limit'], DEFAULT_CHAOS.rssLimitMb, 1),
  dir: values.dir,
  cleanup: values.keep ? 'never' : 'on-success',
  logLevel: values['log-level'] ?? DEFAULT_CHAOS.logLevel,
  log: (line) => process.stderr.write(`[chaos ${seed}] ${line}\n`),
});
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
if (!summary.ok) process.stderr.write(`[chaos ${seed}] ${summary.violations.length} violation(s); replica logs kept in ${summary.dir}\n`);
process.exitCode = summary.ok ? 0 : 1;
