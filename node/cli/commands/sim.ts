// `knhk sim`: run the deterministic simulator (sim/) — one seed, or a range with --seeds A..B.
//   knhk sim --nodes N --byzantine F --seed S --commands C [--faults loss,dup,...] [--regions 3]
//            [--history FILE] [--trace FILE] [--timeline] [--json]
// Exit 0 when every checker passed, 1 when one failed, 2 on bad arguments. Same arguments, same
// traceHash. Without --json: a progress bar on stderr and a short summary (docs/sim.md).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UsageError, intOption, printJson, type CommandModule, type CliIo } from '../command.js';
import { runSim, type SimReport } from '../../../sim/run.js';
import { runSweep, parseSeedRange, failureOf, type SweepFailure, type SweepReport } from '../../../sim/sweep.js';
import { runSweepParallel } from '../../../sim/parallel-sweep.js';
import { parseFaultClasses } from '../../../sim/faults.js';
import { defaultSimOptions, validateSimOptions, type SimOptions } from '../../../sim/options.js';
import { formatTimeline } from '../../../sim/timeline.js';
import { replayCommand } from '../../../sim/replay.js';
import type { UnsafeTestOnly } from '../../../consensus/types.js';

interface SimFlags {
  nodes: number;
  byzantine: number;
  seed: number;
  seeds?: string;
  commands: number;
  faults?: string;
  regions: number;
  clients: number;
  keys: number;
  workload: string;
  crypto: string;
  batch: number;
  history?: string;
  trace?: string;
  timeline?: boolean;
  timelineNode?: string;
  unsafeTestOnly?: string;
  wire: boolean;
  jobs: number;
  json?: boolean;
}

const unsafeRules: (keyof UnsafeTestOnly)[] = ['skipLockCheck', 'skipVotedViewCheck', 'commitOnOneChain'];

function toOptions(f: SimFlags, seed: number): SimOptions {
  let faults;
  try {
    faults = parseFaultClasses(f.faults);
  } catch (e) {
    throw new UsageError(`--faults: ${(e as Error).message}`);
  }
  let unsafeTestOnly: UnsafeTestOnly | undefined;
  if (f.unsafeTestOnly !== undefined) {
    unsafeTestOnly = {};
    for (const rule of f.unsafeTestOnly.split(',')) {
      if (!(unsafeRules as string[]).includes(rule)) throw new UsageError(`--unsafe-test-only: unknown rule ${JSON.stringify(rule)} (known: ${unsafeRules.join(', ')})`);
      unsafeTestOnly[rule as keyof UnsafeTestOnly] = true;
    }
  }
  if (f.crypto !== 'standin' && f.crypto !== 'real') throw new UsageError(`--crypto must be standin or real, got ${JSON.stringify(f.crypto)}`);
  const o: SimOptions = {
    ...defaultSimOptions,
    seed,
    nodes: f.nodes,
    byzantine: f.byzantine,
    commands: f.commands,
    faults,
    regions: f.regions,
    clients: f.clients,
    keys: f.keys,
    workload: f.workload as SimOptions['workload'],
    crypto: f.crypto,
    maxBatchCommands: f.batch,
    keepTrace: f.trace !== undefined || f.timeline === true,
    wire: f.wire,
    unsafeTestOnly,
  };
  try {
    validateSimOptions(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return o;
}

function progressBar(enabled: boolean, total: number, unit: string): cliProgress.SingleBar | null {
  if (!enabled) return null;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `sim [{bar}] {value}/{total} ${unit} | {eta_formatted}`, hideCursor: false, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

function summary(io: CliIo, r: SimReport, o: SimOptions): void {
  const verdict = r.ok ? 'PASS' : 'FAIL';
  io.out(
    `${verdict}  seed ${r.seed}: n=${r.nodes} byzantine=${r.byzantine} faults=${r.faults.join(',') || 'none'} crypto=${r.crypto}\n` +
      `  committed height ${r.committedHeight}, ${r.committedCommands} commands; ${r.operations.completed}/${r.operations.planned} client operations completed\n` +
      `  safety ${r.safety.ok ? 'ok' : `VIOLATED (${r.safety.violationCount})`}; liveness ${r.liveness.ok ? 'ok' : 'FAILED'}; linearizable ${r.linearizable ? 'yes' : 'NO'}\n` +
      `  ${r.messages} messages, ${r.virtualMs} virtual ms in ${r.wallMs} wall ms; trace ${r.traceHash}\n`,
  );
  for (const v of r.safety.violations.slice(0, 5)) io.out(`  violation: ${v.kind} at ${v.atMs} ms (${'replica' in v ? v.replica : ''}): ${v.detail}\n`);
  if (!r.liveness.ok) io.out(`  liveness: ${r.liveness.detail}\n`);
  if (!r.linearizable) io.out(`  linearizability: key ${r.linearizability.key} has no linearization\n`);
  if (!r.ok) io.out(`  replay: ${replayCommand(o, '--timeline')}\n`);
}

function runOne(io: CliIo, f: SimFlags): void {
  const o = toOptions(f, f.seed);
  const bar = progressBar(!f.json, o.commands, 'ops');
  o.onProgress = (done) => bar?.update(done);
  let run;
  try {
    run = runSim(o);
  } finally {
    bar?.stop();
  }
  const { report, cluster } = run;
  if (f.history !== undefined) writeFileSync(f.history, cluster.history.toJsonLines());
  if (f.trace !== undefined) writeFileSync(f.trace, cluster.trace.lines().join('\n') + '\n');
  io.exitCode = report.ok ? 0 : 1;
  if (f.json) {
    printJson(io, report);
    return;
  }
  if (f.timeline) {
    for (const line of formatTimeline(cluster.trace.lines(), { endpoint: f.timelineNode })) io.out(line + '\n');
  }
  summary(io, report, o);
}

async function runRange(io: CliIo, f: SimFlags): Promise<void> {
  let range;
  try {
    range = parseSeedRange(f.seeds!);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (f.history !== undefined || f.trace !== undefined || f.timeline) throw new UsageError('--history, --trace and --timeline apply to one seed: use --seed S');
  const base = toOptions(f, range.from);
  const bar = progressBar(!f.json, range.to - range.from + 1, 'seeds');
  let done = 0;
  const onRun = (seed: number, failure: SweepFailure | null) => {
    bar?.update(++done);
    if (!f.json && failure) io.err(`seed ${seed} FAILED: ${failure.detail}\n`);
  };
  let sweep: SweepReport;
  try {
    sweep =
      f.jobs > 1
        ? await runSweepParallel(base, range.from, range.to, f.jobs, (seed, _ok, failure) => onRun(seed, failure))
        : runSweep(base, range.from, range.to, (seed, r) => onRun(seed, failureOf(r, { ...base, seed })));
  } finally {
    bar?.stop();
  }
  io.exitCode = sweep.ok ? 0 : 1;
  if (f.json) {
    printJson(io, { ...sweep, nodes: base.nodes, byzantine: base.byzantine, engine: 'hotstuff', faults: base.faults, jobs: f.jobs });
    return;
  }
  io.out(`${sweep.ok ? 'PASS' : 'FAIL'}  seeds ${sweep.seeds}: ${sweep.passed}/${sweep.runs} passed, ${sweep.committedCommands} commands committed, ${sweep.wallMs} wall ms\n`);
  for (const x of sweep.failures) io.out(`  seed ${x.seed} [${x.failed.join(', ')}] ${x.detail}\n    replay: ${x.replay}\n`);
}

export const simCommand: CommandModule = (program: Command, io) => {
  program
    .command('sim')
    .description('run the deterministic simulator under faults and check safety, liveness and linearizability (exit 0 pass, 1 fail)')
    .option('--nodes <n>', 'replicas', intOption('nodes', 1, 100), defaultSimOptions.nodes)
    .option('--byzantine <f>', 'Byzantine replicas (the last f ids)', intOption('byzantine', 0, 33), defaultSimOptions.byzantine)
    .option('--seed <s>', 'seed of the run', intOption('seed', 0), 1)
    .option('--seeds <A..B>', 'run every seed in A..B and report the failures')
    .option('--jobs <n>', 'with --seeds: worker threads (default 1)', intOption('jobs', 1, 64), 1)
    .option('--commands <c>', 'client operations in total', intOption('commands', 0, 10_000_000), defaultSimOptions.commands)
    .option('--faults <list>', 'loss,dup,reorder,partition,crash,skew,equivocate,twins,doublevote,badvote,withhold,garbage | all | none')
    .option('--regions <r>', 'regions of the latency matrix (1 ms inside, 40-120 ms across)', intOption('regions', 1, 16), defaultSimOptions.regions)
    .option('--clients <k>', 'simulated clients (one outstanding operation each)', intOption('clients', 1, 10_000), defaultSimOptions.clients)
    .option('--keys <k>', 'keys (kv) or resources (governance) the clients work on', intOption('keys', 1, 1_000_000), defaultSimOptions.keys)
    .option('--workload <name>', 'kv (put/get register, default) or governance (freeze/unfreeze/act on kernel/examples/governance.json)', defaultSimOptions.workload)
    .option('--crypto <mode>', 'standin (fast MAC) or real (Ed25519 + hybrid-signed roots)', defaultSimOptions.crypto)
    .option('--batch <n>', 'max commands per block', intOption('batch', 1, 100_000), defaultSimOptions.maxBatchCommands)
    .option('--history <file>', 'write the client history as JSON lines')
    .option('--trace <file>', 'write the trace (one line per event)')
    .option('--timeline', 'print the run as a message timeline (replay a failing seed with this)')
    .option('--timeline-node <label>', 'with --timeline: only events of this endpoint (r0, c1, ...)')
    .option('--unsafe-test-only <rules>', `deliberately break safety rules (${unsafeRules.join(',')}) to see the checkers catch it`)
    .option('--no-wire', 'pass consensus messages as objects instead of node/proto bytes (faster, less faithful)')
    .option('--json', 'print one JSON object')
    .action(async (flags: SimFlags) => {
      if (flags.timeline && flags.json) throw new UsageError('--timeline prints text: drop --json (or use --trace FILE)');
      if (flags.seeds !== undefined) await runRange(io, flags);
      else runOne(io, flags);
    });
};
