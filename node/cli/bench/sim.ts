// `knhk bench sim`: how fast the simulator runs the real consensus + kernel code.
//   throughput  n=4, no faults, one region, 1024 clients over as many keys, blocks of up to 1024
//               commands (~170 in practice): committed client commands per CPU-second (target
//               >= 50,000), split into kernel / consensus core / wire codec / the simulator itself
//   realtime    n=4, 3 regions (40-120 ms apart), 16 clients: virtual ms simulated per wall ms
//               (target >= 100x). It measures how much faster than real time a lightly loaded
//               geo-distributed cluster is simulated; it falls as the load (clients) rises.
//   scaling     messages per committed block for n = 4, 7, 16, 31 (chained HotStuff: linear in n)
// CPU time is process.cpuUsage (user + system) around the run, so a busy shared machine inflates
// wall time but not the per-CPU-second figures.
// Method: before each measured part, one unmeasured run of the same configuration and size (the
// first runs in a process pay for JIT compilation and heap growth, and a part run after another one
// would pay for collecting that part's garbage); each part is then measured three times and the
// median run is reported (all three figures are listed). The code that runs is the same either way.
import type { Command } from 'commander';
import { intOption, printJson, type CommandModule } from '../command.js';
import { runSim } from '../../../sim/run.js';
import { defaultSimOptions, type SimOptions } from '../../../sim/options.js';
import { resetTimeSplit, timeSplit } from '../../../sim/time-split.js';

interface ThroughputResult {
  nodes: number;
  clients: number;
  commands: number;
  committedCommands: number;
  committedHeight: number;
  commandsPerBlock: number;
  cpuMs: number;
  wallMs: number;
  virtualMs: number;
  commandsPerCpuSecond: number;
  /** CPU ms inside the kernel's applyBatch (every replica executes every block), estimated as its share of wall time. */
  kernelMs: number;
  /** Time inside the consensus cores' step() (all replicas). */
  consensusMs: number;
  /** Time in node/proto's consensus codec (each message encoded once, each bytes object decoded once). */
  codecMs: number;
  /** The rest of the CPU time: the simulator's own machinery, plus GC and V8's helper threads. */
  simMs: number;
  /** The same four, per committed command (all 4 replicas together). */
  perCommandUs: { total: number; kernel: number; consensus: number; codec: number; sim: number };
  /** The same rate if the kernel cost nothing: what the simulator + consensus alone sustain. */
  commandsPerCpuSecondExcludingKernel: number;
  virtualToWall: number;
  /** Virtual ms per CPU ms: the ratio on an otherwise idle core. */
  virtualToCpu: number;
  regions: number;
  ok: boolean;
}

interface ScalingRow {
  nodes: number;
  committedHeight: number;
  messages: number;
  messagesPerBlock: number;
  messagesPerBlockPerNode: number;
  cpuMs: number;
  ok: boolean;
}

function base(seed: number): SimOptions {
  return { ...defaultSimOptions, seed, byzantine: 0, faults: [] };
}

export function benchThroughput(commands: number, clients: number, regions = 1, seed = 1, keys = Math.max(64, clients)): ThroughputResult {
  resetTimeSplit(true);
  let r;
  try {
    r = runSim({ ...base(seed), nodes: 4, commands, clients, regions, keys, maxBatchCommands: 1024 }).report;
  } finally {
    timeSplit.enabled = false;
  }
  // The parts are wall time (performance.now; a getrusage per step would cost more than the step).
  // On a shared machine preemption inflates every part alike, so each part's share of the run's wall
  // time, applied to its CPU time, estimates its CPU time; the simulator's share is what remains.
  const toCpu = r.cpuMs / Math.max(1, r.wallMs);
  const kernelMs = timeSplit.kernelMs * toCpu;
  const consensusMs = timeSplit.coreMs * toCpu;
  const codecMs = timeSplit.codecMs * toCpu;
  const simMs = Math.max(0, r.cpuMs - kernelMs - consensusMs - codecMs);
  const cpuS = Math.max(r.cpuMs, 1) / 1000;
  const perCommand = (ms: number) => round((ms * 1000) / Math.max(1, r.committedCommands));
  return {
    nodes: 4,
    regions,
    clients,
    commands,
    committedCommands: r.committedCommands,
    committedHeight: r.committedHeight,
    commandsPerBlock: round(r.committedCommands / Math.max(1, r.committedHeight)),
    cpuMs: r.cpuMs,
    wallMs: r.wallMs,
    virtualMs: r.virtualMs,
    commandsPerCpuSecond: Math.round(r.committedCommands / cpuS),
    kernelMs: Math.round(kernelMs),
    consensusMs: Math.round(consensusMs),
    codecMs: Math.round(codecMs),
    simMs: Math.round(simMs),
    perCommandUs: { total: perCommand(r.cpuMs), kernel: perCommand(kernelMs), consensus: perCommand(consensusMs), codec: perCommand(codecMs), sim: perCommand(simMs) },
    commandsPerCpuSecondExcludingKernel: Math.round(r.committedCommands / Math.max(0.001, cpuS - kernelMs / 1000)),
    virtualToWall: round(r.virtualMs / Math.max(1, r.wallMs)),
    virtualToCpu: round(r.virtualMs / Math.max(1, r.cpuMs)),
    ok: r.ok,
  };
}

export function benchScaling(nodes: number, commands: number, seed = 1): ScalingRow {
  // One client keeps blocks small and equal across n, so messages per block measure the protocol.
  const { report: r } = runSim({ ...base(seed), nodes, commands, clients: 1 });
  const perBlock = r.messages / Math.max(1, r.committedHeight);
  return { nodes, committedHeight: r.committedHeight, messages: r.messages, messagesPerBlock: round(perBlock), messagesPerBlockPerNode: round(perBlock / nodes), cpuMs: r.cpuMs, ok: r.ok };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export const simBench: CommandModule = (bench: Command, io) => {
  bench
    .command('sim')
    .description('simulator speed: commands per CPU-second and virtual/wall time (n=4), messages per block for n = 4, 7, 16, 31')
    .option('--commands <c>', 'client operations of the throughput run', intOption('commands', 1, 10_000_000), 20_000)
    .option('--clients <k>', 'clients of the throughput run (more clients, bigger blocks)', intOption('clients', 1, 100_000), 1024)
    .option('--scaling-commands <c>', 'operations per scaling run', intOption('scaling-commands', 1, 1_000_000), 60)
    .option('--json', 'print one JSON object')
    .action((opts: { commands: number; clients: number; scalingCommands: number; json?: boolean }) => {
      // Real-time ratio in the deployment DESIGN.md has in mind: three regions, 40-120 ms apart.
      const realtimeCommands = Math.max(1, Math.floor(opts.commands / 10));
      // Warm-ups as long as a measured run: a shorter one left the first measured run still paying
      // for the process's start — realtime: ~400 ms of the throughput part's garbage collection
      // after 500 commands; throughput: ~10-15% more CPU than later runs after 2,000 commands.
      const warmup = { throughput: opts.commands, realtime: realtimeCommands };
      benchThroughput(warmup.throughput, opts.clients);
      const throughputRuns = [0, 1, 2].map(() => benchThroughput(opts.commands, opts.clients));
      const throughput = [...throughputRuns].sort((a, b) => a.commandsPerCpuSecond - b.commandsPerCpuSecond)[1];
      benchThroughput(warmup.realtime, 16, 3);
      const realtimeRuns = [0, 1, 2].map(() => benchThroughput(realtimeCommands, 16, 3));
      const realtime = [...realtimeRuns].sort((a, b) => a.virtualToWall - b.virtualToWall)[1];
      const scaling = [4, 7, 16, 31].map((n) => benchScaling(n, opts.scalingCommands));
      const targets = { commandsPerCpuSecond: 50_000, virtualToWall: 100 };
      const result = {
        bench: 'sim',
        throughput: {
          ...throughput,
          /** The three measured runs (the median is the one reported above). */
          commandsPerCpuSecondRuns: throughputRuns.map((r) => r.commandsPerCpuSecond),
          ok: throughputRuns.every((r) => r.ok),
        },
        realtime: {
          regions: realtime.regions, clients: realtime.clients, committedCommands: realtime.committedCommands, commandsPerBlock: realtime.commandsPerBlock, virtualMs: realtime.virtualMs, wallMs: realtime.wallMs, cpuMs: realtime.cpuMs,
          virtualToWall: realtime.virtualToWall, virtualToCpu: realtime.virtualToCpu, kernelMs: realtime.kernelMs, consensusMs: realtime.consensusMs, codecMs: realtime.codecMs, simMs: realtime.simMs,
          /** The three measured runs (the median is the one reported above). */
          virtualToWallRuns: realtimeRuns.map((r) => r.virtualToWall),
          virtualToCpuRuns: realtimeRuns.map((r) => r.virtualToCpu),
          ok: realtimeRuns.every((r) => r.ok),
        },
        method: {
          warmupCommands: warmup,
          throughputRuns: throughputRuns.length,
          throughputReported: 'median by commandsPerCpuSecond',
          realtimeRuns: realtimeRuns.length,
          realtimeReported: 'median by virtualToWall',
        },
        scaling,
        targets,
        meetsTargets: { commandsPerCpuSecond: throughput.commandsPerCpuSecond >= targets.commandsPerCpuSecond, virtualToWall: realtime.virtualToWall >= targets.virtualToWall },
        node: process.version,
      };
      io.exitCode = throughputRuns.every((r) => r.ok) && realtimeRuns.every((r) => r.ok) && scaling.every((s) => s.ok) ? 0 : 1;
      if (opts.json) {
        printJson(io, result);
        return;
      }
      io.out(
        `throughput (n=4, ${throughput.clients} clients, no faults; median of ${throughputRuns.map((r) => r.commandsPerCpuSecond).join(', ')}): ${throughput.committedCommands} commands in ${throughput.cpuMs} CPU ms = ` +
          `${throughput.commandsPerCpuSecond} commands/CPU-s (target ${targets.commandsPerCpuSecond}); ` +
          `${throughput.commandsPerBlock} commands/block; kernel ${throughput.kernelMs} ms, ${throughput.commandsPerCpuSecondExcludingKernel} commands/CPU-s without it\n`,
      );
      const u = throughput.perCommandUs;
      io.out(`  per command (4 replicas): ${u.total} us = kernel ${u.kernel} + consensus ${u.consensus} + codec ${u.codec} + simulator/GC ${u.sim}\n`);
      io.out(`real time (n=4, 3 regions, ${realtime.clients} clients; median of ${realtimeRuns.map((r) => r.virtualToWall + 'x').join(', ')}): ${realtime.virtualMs} virtual ms in ${realtime.wallMs} wall ms = ${realtime.virtualToWall}x (target ${targets.virtualToWall}x); ${realtime.virtualToCpu}x per CPU ms; kernel ${realtime.kernelMs}, consensus ${realtime.consensusMs}, codec ${realtime.codecMs}, simulator/GC ${realtime.simMs} of ${realtime.cpuMs} CPU ms; ${realtime.commandsPerBlock} commands/block\n`);
      io.out('messages per committed block:\n');
      for (const s of scaling) io.out(`  n=${String(s.nodes).padStart(2)}  ${s.messagesPerBlock} (${s.messagesPerBlockPerNode} per node)  over ${s.committedHeight} blocks\n`);
    });
};
