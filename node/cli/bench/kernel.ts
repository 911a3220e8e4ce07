// `knhk bench kernel`: the kernel µ on one core, with the 20-rule descriptor
// (kernel/examples/bench-20-rules.json) and a mixed, seeded command stream (put/get/transfer/act,
// ALLOW/DENY/REQUIRE_APPROVAL outcomes, ~2% bad fields or unknown principals). Two figures:
//   decision: previewDecision only — field validation, capability check, rule evaluation; no
//             effects, no receipt, no hashing (each command timed alone for p50/p99);
//   apply:    applyBatch in batches — everything a replica does per block: decisions, effects,
//             command digests, receipts (encode + hash chain), the receipts Merkle root and the
//             state root. Latency here is batch time / batch size.
// Heap: V8 heap after a forced GC once the state has reached its steady size (after 10% of the
// commands) and again at the end; the workload's key space is bounded so state stops growing.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Command } from 'commander';
import type { CanonicalValue } from '../../../crypto/canonical.js';
import { applyBatch, createKernel, previewDecision, type Genesis, type KernelCommand, type KernelState } from '../../../kernel/api.js';
import { intOption, printJson, type CommandModule } from '../command.js';

const AGENTS = 64;
const KEYS = 1024;

function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function genesis(): Genesis {
  const descriptor = JSON.parse(readFileSync(new URL('../../../kernel/examples/bench-20-rules.json', import.meta.url), 'utf8'));
  const principals: Genesis['principals'] = {};
  const roleSets = [['reader'], ['trusted'], ['readonly'], [], ['approver']];
  for (let i = 0; i < AGENTS; i++) principals[`agent-${i}`] = { commands: ['put', 'get', 'transfer', 'act'], roles: roleSets[i % roleSets.length] };
  return { chainId: 'bench', admins: ['admin'], adminThreshold: 1, descriptor, principals };
}

/** A seeded command stream; `seqs` carries each principal's next sequence number across calls. */
function makeCommands(rnd: () => number, n: number, seqs: number[]): KernelCommand[] {
  const out: KernelCommand[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rnd() * AGENTS);
    const principal = rnd() < 0.01 ? 'stranger' : `agent-${a}`;
    const seq = ++seqs[a];
    const r = rnd();
    let type: string;
    let fields: Record<string, CanonicalValue>;
    const key = `k${Math.floor(rnd() * KEYS)}`;
    if (r < 0.3) {
      type = 'put';
      fields = { key: rnd() < 0.02 ? `sys/${key}` : key, value: rnd() < 0.05 ? 'v'.repeat(100) : `value-${Math.floor(rnd() * 1e6)}` };
    } else if (r < 0.55) {
      type = 'get';
      fields = { key };
    } else if (r < 0.75) {
      type = 'transfer';
      const to = Math.floor(rnd() * AGENTS);
      fields = { from: rnd() < 0.9 ? principal : `agent-${to}`, to: `agent-${to}`, amount: 1 + Math.floor(rnd() * (rnd() < 0.05 ? 50_000 : 5_000)) };
    } else {
      type = 'act';
      const action = ['read', 'write', 'delete', 'deploy'][Math.floor(rnd() * 4)];
      fields = { action, resource: `${rnd() < 0.2 ? 'prod' : 'dev'}/r${Math.floor(rnd() * 100)}`, risk: Math.floor(rnd() * 11) };
    }
    if (rnd() < 0.01) fields = { ...fields, bogus: 1 };
    out[i] = { principal, seq, type, fields };
  }
  return out;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** CPU time (user + system) of this process since `from`, in µs: on a shared machine wall time also counts waiting for a core. */
function cpuUs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface KernelBenchResult {
  descriptor: string;
  rules: number;
  /** perSec: by wall time; perCpuSec: by this process's CPU time (equal on an idle machine). */
  decision: { commands: number; perSec: number; perCpuSec: number; usPerCommand: number; p50Us: number; p99Us: number; mix: Record<string, number> };
  apply: { commands: number; batchSize: number; perSec: number; perCpuSec: number; usPerCommand: number; p50UsPerCommand: number; p99UsPerCommand: number };
  heap: { afterWarmupMb: number; endMb: number; growthMb: number; commandsAfterWarmup: number };
  /**
   * The fixed cost of a block: CPU µs per applyBatch of 0 and of 4 commands (a lightly loaded
   * replica's blocks), on the same state after the apply run.
   */
  perBatch: { emptyCpuUs: number; fourCommandsCpuUs: number; batches: number };
}

/** CPU µs per applyBatch over `batches` batches of `size` fresh commands (after a warm-up tenth). */
function cpuPerBatch(state: KernelState, height: number, size: number, batches: number, rnd: () => number, seqs: number[]): { us: number; state: KernelState; height: number } {
  const pre = Array.from({ length: batches }, () => makeCommands(rnd, size, seqs));
  const warm = Math.floor(batches / 10);
  let cpu0 = process.cpuUsage();
  for (let b = 0; b < batches; b++) {
    if (b === warm) cpu0 = process.cpuUsage();
    state = applyBatch(state, pre[b], { height: height++ }).state;
  }
  return { us: cpuUs(cpu0) / (batches - warm), state, height };
}

export function runKernelBench(decisions: number, commands: number, batchSize: number): KernelBenchResult {
  const gc = forceGc();
  const rnd = xorshift(20261123);
  const g = genesis();
  const seqs = new Array<number>(AGENTS).fill(0);

  // Decision path: a state with some data in it, then previewDecision over a pool of commands.
  let state: KernelState = createKernel(g);
  state = applyBatch(state, makeCommands(rnd, 5000, seqs), { height: 1 }).state;
  const pool = makeCommands(rnd, Math.min(100_000, decisions), seqs);
  const ctx = { height: 2 };
  for (let i = 0; i < Math.min(200_000, 2 * decisions); i++) previewDecision(state, pool[i % pool.length], ctx); // warm-up (JIT)
  const mix: Record<string, number> = {};
  for (const c of pool) {
    const p = previewDecision(state, c, ctx);
    const k = p.result === 'failed' ? 'FAILED' : p.decision;
    mix[k] = (mix[k] ?? 0) + 1;
  }
  let cpu0 = process.cpuUsage();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < decisions; i++) previewDecision(state, pool[i % pool.length], ctx);
  const decisionNs = Number(process.hrtime.bigint() - t0);
  const decisionCpuUs = cpuUs(cpu0);
  const lat = new Float64Array(pool.length);
  for (let i = 0; i < pool.length; i++) {
    const s = process.hrtime.bigint();
    previewDecision(state, pool[i], ctx);
    lat[i] = Number(process.hrtime.bigint() - s) / 1000;
  }
  lat.sort();

  // Full apply path.
  let height = 2;
  const batches = Math.max(1, Math.floor(commands / batchSize));
  const warmupBatches = Math.max(1, Math.floor(batches / 10));
  const perCommandUs = new Float64Array(batches);
  let applyNs = 0;
  let applyCpuUs = 0;
  let heapAfterWarmup = 0;
  for (let b = 0; b < batches; b++) {
    const batch = makeCommands(rnd, batchSize, seqs);
    cpu0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    state = applyBatch(state, batch, { height: height++ }).state;
    const ns = Number(process.hrtime.bigint() - t0);
    applyCpuUs += cpuUs(cpu0);
    applyNs += ns;
    perCommandUs[b] = ns / 1000 / batchSize;
    if (b + 1 === warmupBatches) {
      gc();
      heapAfterWarmup = process.memoryUsage().heapUsed;
    }
  }
  gc();
  const heapEnd = process.memoryUsage().heapUsed;
  perCommandUs.sort();
  const perBatchRuns = 4000;
  const empty = cpuPerBatch(state, height, 0, perBatchRuns, rnd, seqs);
  const four = cpuPerBatch(empty.state, empty.height, 4, perBatchRuns, rnd, seqs);
  const mb = (x: number) => round(x / 1024 / 1024);
  return {
    descriptor: 'bench-20-rules',
    rules: (g.descriptor as { rules: unknown[] }).rules.length,
    decision: {
      commands: decisions,
      perSec: Math.round(decisions / (decisionNs / 1e9)),
      perCpuSec: Math.round(decisions / (decisionCpuUs / 1e6)),
      usPerCommand: round(decisionNs / 1000 / decisions, 3),
      p50Us: round(percentile(lat, 50), 3),
      p99Us: round(percentile(lat, 99), 3),
      mix,
    },
    apply: {
      commands: batches * batchSize,
      batchSize,
      perSec: Math.round((batches * batchSize) / (applyNs / 1e9)),
      perCpuSec: Math.round((batches * batchSize) / (applyCpuUs / 1e6)),
      usPerCommand: round(applyNs / 1000 / (batches * batchSize), 3),
      p50UsPerCommand: round(percentile(perCommandUs, 50), 3),
      p99UsPerCommand: round(percentile(perCommandUs, 99), 3),
    },
    heap: { afterWarmupMb: mb(heapAfterWarmup), endMb: mb(heapEnd), growthMb: mb(heapEnd - heapAfterWarmup), commandsAfterWarmup: (batches - warmupBatches) * batchSize },
    perBatch: { emptyCpuUs: round(empty.us, 1), fourCommandsCpuUs: round(four.us, 1), batches: perBatchRuns },
  };
}

export const kernelBench: CommandModule = (bench: Command, io) => {
  bench
    .command('kernel')
    .description('kernel µ on one core: decisions/s, full apply/s, latency p50/p99, heap growth (20-rule descriptor)')
    .option('--decisions <n>', 'commands through the decision path', intOption('decisions', 1000), 2_000_000)
    .option('--commands <n>', 'commands through applyBatch (heap growth is measured over these)', intOption('commands', 1000), 1_000_000)
    .option('--batch <n>', 'commands per applyBatch call', intOption('batch', 1, 100_000), 1000)
    .option('--json', 'print one JSON object')
    .action((opts: { decisions: number; commands: number; batch: number; json?: boolean }) => {
      const r = runKernelBench(opts.decisions, opts.commands, opts.batch);
      if (opts.json) {
        printJson(io, r);
        return;
      }
      const mix = Object.entries(r.decision.mix).map(([k, v]) => `${k} ${v}`).join(', ');
      io.out(
        [
          `kernel µ, descriptor ${r.descriptor} (${r.rules} rules), one core`,
          `decision only : ${r.decision.perSec.toLocaleString('en')} decisions/s wall, ${r.decision.perCpuSec.toLocaleString('en')}/s of CPU time  (${r.decision.usPerCommand} µs avg, p50 ${r.decision.p50Us} µs, p99 ${r.decision.p99Us} µs; mix per 100k: ${mix})`,
          `full apply    : ${r.apply.perSec.toLocaleString('en')} commands/s wall, ${r.apply.perCpuSec.toLocaleString('en')}/s of CPU time  (${r.apply.usPerCommand} µs/command; per batch of ${r.apply.batchSize}: p50 ${r.apply.p50UsPerCommand}, p99 ${r.apply.p99UsPerCommand} µs/command)`,
          `heap          : ${r.heap.afterWarmupMb} MB after warm-up -> ${r.heap.endMb} MB after ${r.heap.commandsAfterWarmup.toLocaleString('en')} more commands (growth ${r.heap.growthMb} MB)`,
          `per block     : ${r.perBatch.emptyCpuUs} µs CPU for an empty batch, ${r.perBatch.fourCommandsCpuUs} µs for a batch of 4 commands`,
          '',
        ].join('\n'),
      );
    });
};
