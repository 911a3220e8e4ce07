// `knhk bench cluster --nodes 4 --clients 64 --duration 10 --json`: committed client commands per
// second and commit latency (p50/p99, ms) of a real local cluster — one OS process per replica on
// 127.0.0.1, storage synced as in production — under closed-loop load: N clients in this process,
// each with its own registered key and one signed `put` (16-byte key, 100-byte value) in flight,
// the same shape as the etcd baseline in ../shared/bench/etcd. By default a command counts when a
// replica returns its receipt (committed + executed there); `--verify` makes every client a full
// SDK client that also verifies the proof and f+1 signed roots before counting.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readEd25519KeyFile } from '../../../crypto/keyfile.js';
import { runLoad, type LoadResult } from '../../client/load-generator.js';
import { clientKeyFile } from '../../client/governance-demo.js';
import { loadCluster } from '../../cluster/config.js';
import { startLocalCluster } from '../../cluster/local.js';
import { intOption, printJson, type CommandModule } from '../command.js';

export interface ClusterBenchResult extends LoadResult {
  bench: 'cluster';
  nodes: number;
  cores: number;
  loadAvgBefore: number;
  /** Seconds of unmeasured load before the measured window. */
  warmupS: number;
  /** From replica 0's /metrics after the run (whole run incl. warm-up): how the work was batched. */
  replica0?: { blocks: number; commands: number; commandsPerBlock: number; views: number; timeouts: number };
  /**
   * CPU over the measured window: the replicas' (their process CPU counters) and this load
   * generator's, per committed command and in cores; absent when a replica's counters are not served.
   */
  cpu?: { replicaUsPerCommand: number; replicaCores: number; loadgenUsPerCommand: number; loadgenCores: number; machineCores: number };
}

/** Process CPU seconds (user + system) a replica reports on its Prometheus endpoint, or NaN. */
async function replicaCpuSeconds(port: number, host = '127.0.0.1'): Promise<number> {
  if (port === 0) return NaN;
  try {
    const res = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
    return Number((await res.text()).match(/^knhk_process_process_cpu_seconds_total (\S+)$/m)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** CPU counters at one instant: each replica's (seconds) and this process's (µs), with the time. */
interface CpuSample {
  at: number;
  replicas: Promise<number[]>;
  self: NodeJS.CpuUsage;
}

/** A few counters of one replica's Prometheus endpoint; undefined when it has none or does not answer. */
async function scrape(port: number, host = '127.0.0.1'): Promise<ClusterBenchResult['replica0']> {
  if (port === 0) return undefined;
  try {
    const res = await fetch(`http://${host}:${port}/metrics`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    const v = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
    const blocks = v('knhk_commits_total');
    const commands = v('knhk_committed_commands_total');
    return { blocks, commands, commandsPerBlock: Math.round((commands / Math.max(1, blocks)) * 10) / 10, views: v('knhk_view'), timeouts: v('knhk_timeouts_total') };
  } catch {
    return undefined;
  }
}

export interface ClusterBenchOptions {
  nodes: number;
  clients: number;
  durationS: number;
  warmupS: number;
  verify: boolean;
  dir?: string;
  /** Load an already running cluster (its testnet folder holds the client keys) instead of starting one. */
  clusterFile?: string;
  keep: boolean;
  log?: (s: string) => void;
}

export async function benchCluster(o: ClusterBenchOptions): Promise<ClusterBenchResult> {
  const external = o.clusterFile !== undefined;
  const dir = external ? dirname(resolve(o.clusterFile!)) : (o.dir ?? mkdtempSync(join(tmpdir(), 'knhk-bench-')));
  const loadAvgBefore = Math.round(loadavg()[0] * 100) / 100;
  if (!external) o.log?.(`starting ${o.nodes} replicas in ${dir} ...\n`);
  const cluster = external ? null : await startLocalCluster({ nodes: o.nodes, dir, descriptor: 'kv', clients: Math.max(o.clients, 8), logLevel: 'warn' });
  try {
    const c = loadCluster(cluster?.clusterFile ?? o.clusterFile!);
    if (c.validators.length !== o.nodes && external) o.log?.(`(the cluster has ${c.validators.length} replicas)\n`);
    const keys = Array.from({ length: o.clients }, (_, j) => readEd25519KeyFile(clientKeyFile(dir, j)));
    o.log?.(`${o.clients} clients, ${o.warmupS} s warm-up, ${o.durationS} s measured (${o.verify ? 'verified receipts' : 'receipts'}) ...\n`);
    const samples: CpuSample[] = [];
    const sample = () => samples.push({ at: performance.now(), replicas: Promise.all(c.validators.map((v) => replicaCpuSeconds(v.metricsPort, v.metricsHost))), self: process.cpuUsage() });
    const r = await runLoad({ cluster: c, keys, durationMs: o.durationS * 1000, warmupMs: o.warmupS * 1000, mode: o.verify ? 'verified' : 'lean', onWindow: sample });
    const replica0 = await scrape(c.validators[0].metricsPort, c.validators[0].metricsHost);
    const cpu = samples.length === 2 ? await cpuOver(samples[0], samples[1], r.committed, c.validators.length) : undefined;
    return { bench: 'cluster', nodes: c.validators.length, cores: availableParallelism(), loadAvgBefore, warmupS: o.warmupS, ...r, ...(replica0 ? { replica0 } : {}), ...(cpu ? { cpu } : {}) };
  } finally {
    await cluster?.stop();
    if (!external && !o.keep && o.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

async function cpuOver(a: CpuSample, b: CpuSample, committed: number, nodes: number): Promise<ClusterBenchResult['cpu']> {
  const [ra, rb] = [await a.replicas, await b.replicas];
  const replicaS = rb.reduce((sum, x, i) => sum + (x - ra[i]), 0);
  if (!Number.isFinite(replicaS) || committed === 0) return undefined;
  const wallS = (b.at - a.at) / 1000;
  const selfS = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    replicaUsPerCommand: Math.round((replicaS * 1e6) / committed / nodes),
    replicaCores: r1(replicaS / wallS),
    loadgenUsPerCommand: Math.round((selfS * 1e6) / committed),
    loadgenCores: r1(selfS / wallS),
    machineCores: availableParallelism(),
  };
}

export const clusterBench: CommandModule = (bench: Command, io) => {
  bench
    .command('cluster')
    .description('committed commands/s and commit latency p50/p99 of a local cluster of real replica processes')
    .option('--nodes <n>', 'replicas (3f+1)', intOption('nodes', 1, 31), 4)
    .option('--clients <n>', 'concurrent clients, one command in flight each', intOption('clients', 1, 4096), 64)
    .option('--duration <s>', 'measured seconds', intOption('duration', 1, 3600), 10)
    .option('--warmup <s>', 'seconds of load before measuring (the replicas are fresh processes: JIT compilation takes ~20% of their CPU for the first ~15 s)', intOption('warmup', 0, 600), 10)
    .option('--verify', 'count a command only after the SDK verified its receipt, proof and f+1 signed roots')
    .option('--dir <dir>', 'testnet folder (default: a fresh temporary one, removed afterwards)')
    .option('--cluster <file>', 'load an already running cluster (e.g. from `knhk up`) instead of starting one')
    .option('--keep', 'keep the temporary testnet folder (logs) afterwards')
    .option('--json', 'print one JSON object')
    .action(async (opts: { nodes: number; clients: number; duration: number; warmup: number; verify?: boolean; dir?: string; cluster?: string; keep?: boolean; json?: boolean }) => {
      const r = await benchCluster({
        nodes: opts.nodes,
        clients: opts.clients,
        durationS: opts.duration,
        warmupS: opts.warmup,
        verify: opts.verify === true,
        dir: opts.dir,
        clusterFile: opts.cluster,
        keep: opts.keep === true,
        log: opts.json ? undefined : (s) => io.err(s),
      });
      if (opts.json) {
        printJson(io, r);
        return;
      }
      io.out(
        `cluster: ${r.nodes} replicas, ${r.clients} clients, ${r.durationS} s (${r.mode})\n` +
          `  committed ${r.committed} commands = ${r.cmdsPerSec} cmds/s\n` +
          `  latency ms: p50 ${r.latencyMs.p50}  p90 ${r.latencyMs.p90}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}\n` +
          (r.replica0 ? `  replica 0: ${r.replica0.blocks} blocks, ${r.replica0.commandsPerBlock} commands/block, view ${r.replica0.views}, ${r.replica0.timeouts} timeouts\n` : '') +
          (r.cpu
            ? `  CPU: replicas ${r.cpu.replicaCores} cores (${r.cpu.replicaUsPerCommand} µs per command per replica), load generator ${r.cpu.loadgenCores} cores (${r.cpu.loadgenUsPerCommand} µs per command), of ${r.cpu.machineCores}\n`
            : '') +
          (r.errors > 0 ? `  errors: ${r.errors} (first: ${r.firstError})\n` : ''),
      );
    });
};
