// `knhk bench crypto`: operations per second of every primitive knhk uses, the implementation
// knhk chose next to the alternative, and hash throughput at 1 KiB and 1 MiB. Time-boxed: each
// case runs for --ms milliseconds (default 600) after a short warm-up; the whole run takes ~20 s.
import { availableParallelism, cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Command } from 'commander';
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { shake256 as nobleShake256 } from '@noble/hashes/sha3.js';
import { ed25519KeyPair, ed25519Sign, ed25519Verify, ed25519VerifyRule, ed25519VerifyZip215 } from '../../../crypto/ed25519.js';
import { Tag, hashTaggedWith } from '../../../crypto/hash.js';
import { hybridKeyPair, hybridSign, hybridVerify } from '../../../crypto/hybrid.js';
import { mldsaKeygen, mldsaSign, mldsaVerify } from '../../../crypto/mldsa.js';
import { HybridWorkerPool } from '../../../crypto/worker-pool.js';
import { intOption, printJson, type CliIo, type CommandModule } from '../command.js';

export interface BenchResult {
  name: string;
  impl: string;
  opsPerSec: number;
  usPerOp: number;
  /**
   * Process CPU time per operation (all threads, so pool cases include the workers). On a shared
   * machine wall-clock rates fall with other load; this figure mostly does not.
   */
  cpuUsPerOp: number;
  /** Only for hashes: input megabytes (10^6) per second. */
  mbPerSec?: number;
}

/** Runs `op` repeatedly for about `ms` milliseconds (after a warm-up) and returns ops/s. */
async function measure(ms: number, op: () => unknown | Promise<unknown>, batch = 1): Promise<{ opsPerSec: number; usPerOp: number; cpuUsPerOp: number }> {
  const warmUntil = performance.now() + Math.min(100, ms / 4);
  while (performance.now() < warmUntil) await op();
  let n = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await op();
    n += batch;
    now = performance.now();
  }
  const cpu = process.cpuUsage(cpuStart);
  const secs = (now - start) / 1000;
  return { opsPerSec: n / secs, usPerOp: (secs * 1e6) / n, cpuUsPerOp: (cpu.user + cpu.system) / n };
}

/** Longest event-loop stall, in ms, while `work` runs (what a replica's timers and sockets would feel). */
async function maxStallMs(work: () => Promise<void>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await work();
  h.disable();
  return round(h.max / 1e6);
}

/** 8 hybrid signatures on the main thread vs through the pool: the reason the pool exists. */
async function measureStalls(poolSize: number): Promise<{ mainThreadSign: number; workerPoolSign: number }> {
  const hy = hybridKeyPair(new Uint8Array(32).fill(5));
  const roots = Array.from({ length: 8 }, (_, i) => new Uint8Array(32).fill(i));
  const mainThreadSign = await maxStallMs(async () => {
    for (const r of roots) {
      hybridSign(hy.secretKey, Tag.executionRoots, r);
      await yieldToLoop();
    }
  });
  const pool = HybridWorkerPool.create(poolSize);
  try {
    await pool.sign(hy.secretKey, Tag.executionRoots, roots[0]); // start-up outside the measurement
    const workerPoolSign = await maxStallMs(async () => {
      await Promise.all(roots.map((r) => pool.sign(hy.secretKey, Tag.executionRoots, r)));
    });
    return { mainThreadSign, workerPoolSign };
  } finally {
    await pool.close();
  }
}

async function runAll(ms: number, poolSize: number): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const add = async (name: string, impl: string, op: () => unknown, bytes?: number) => {
    const m = await measure(ms, op);
    results.push({ name, impl, opsPerSec: round(m.opsPerSec), usPerOp: round(m.usPerOp), cpuUsPerOp: round(m.cpuUsPerOp), ...(bytes ? { mbPerSec: round((m.opsPerSec * bytes) / 1e6) } : {}) });
  };

  // Signing inputs change every call: deterministic ML-DSA takes the same number of rejection
  // rounds for the same message, so one fixed message would measure one lucky or unlucky case.
  let counter = 0;
  const fresh = (len: number) => {
    const b = new Uint8Array(len).fill(7);
    new DataView(b.buffer).setUint32(0, counter++);
    return b;
  };
  const msg = new Uint8Array(64).fill(7);
  const ed = ed25519KeyPair(new Uint8Array(32).fill(1));
  const edSig = ed25519Sign(ed.secretKey, msg);
  const badSig = edSig.map((b, i) => (i === 40 ? b ^ 1 : b));
  await add('ed25519 sign', 'node:crypto (chosen)', () => ed25519Sign(ed.secretKey, fresh(64)));
  await add('ed25519 sign', '@noble/curves', () => nobleEd25519.sign(fresh(64), ed.secretKey));
  await add('ed25519 verify (valid)', 'node:crypto fast path + ZIP-215 rule (chosen)', () => ed25519VerifyRule(ed.publicKey, msg, edSig));
  await add('ed25519 verify (valid)', '@noble/curves zip215', () => ed25519VerifyZip215(ed.publicKey, msg, edSig));
  await add('ed25519 verify (invalid)', 'node:crypto then ZIP-215 fallback (chosen)', () => ed25519VerifyRule(ed.publicKey, msg, badSig));
  await add('ed25519 verify (repeat)', 'memo of valid signatures (ed25519Verify)', () => ed25519Verify(ed.publicKey, msg, edSig));

  const ml = mldsaKeygen(65, new Uint8Array(32).fill(2));
  const mlSig = mldsaSign(65, ml.secretKey, msg);
  await add('ml-dsa-65 keygen', '@noble/post-quantum', () => mldsaKeygen(65, new Uint8Array(32).fill(3)));
  await add('ml-dsa-65 sign', '@noble/post-quantum, deterministic (chosen)', () => mldsaSign(65, ml.secretKey, fresh(64)));
  await add('ml-dsa-65 verify', '@noble/post-quantum', () => mldsaVerify(65, ml.publicKey, msg, mlSig));

  const hy = hybridKeyPair(new Uint8Array(32).fill(4));
  const root = new Uint8Array(32).fill(9);
  const hySig = hybridSign(hy.secretKey, Tag.executionRoots, root);
  await add('hybrid sign', 'main thread', () => hybridSign(hy.secretKey, Tag.executionRoots, fresh(32)));
  await add('hybrid verify', 'main thread', () => hybridVerify(hy.publicKey, Tag.executionRoots, root, hySig));

  // Throughput of the worker pool: keep 2 tasks per worker in flight; a batch counts every task.
  const pool = HybridWorkerPool.create(poolSize);
  try {
    const inFlight = poolSize * 2;
    const poolCase = async (name: string, op: () => Promise<unknown>) => {
      const m = await measure(ms, () => Promise.all(Array.from({ length: inFlight }, op)), inFlight);
      results.push({ name, impl: `worker pool (${poolSize} workers)`, opsPerSec: round(m.opsPerSec), usPerOp: round(m.usPerOp), cpuUsPerOp: round(m.cpuUsPerOp) });
    };
    await poolCase('hybrid sign', () => pool.sign(hy.secretKey, Tag.executionRoots, fresh(32)));
    await poolCase('hybrid verify', () => pool.verify(hy.publicKey, Tag.executionRoots, root, hySig));
  } finally {
    await pool.close();
  }

  for (const size of [1024, 1 << 20]) {
    const data = new Uint8Array(size).fill(0x5a);
    const label = size === 1024 ? '1 KiB' : '1 MiB';
    await add(`sha256 ${label}`, 'node:crypto (chosen)', () => hashTaggedWith('sha256', Tag.block, data), size);
    await add(`sha256 ${label}`, '@noble/hashes', () => nobleSha256(data), size);
    await add(`shake256 ${label}`, 'node:crypto (chosen)', () => hashTaggedWith('shake256', Tag.block, data), size);
    await add(`shake256 ${label}`, '@noble/hashes', () => nobleShake256(data, { dkLen: 32 }), size);
    await add(`blake3 ${label}`, '@noble/hashes (only implementation)', () => hashTaggedWith('blake3', Tag.block, data), size);
  }
  return results;
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

function printTable(io: CliIo, results: BenchResult[]): void {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = results.map((r) => [r.name, r.impl, n(r.opsPerSec), n(r.usPerOp), n(r.cpuUsPerOp), r.mbPerSec === undefined ? '' : n(r.mbPerSec)]);
  const head = ['operation', 'implementation', 'ops/s', 'µs/op', 'CPU µs/op', 'MB/s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd() + '\n';
  io.out(line(head));
  for (const r of rows) io.out(line(r));
}

export const cryptoBench: CommandModule = (bench: Command, io) => {
  bench
    .command('crypto')
    .description('ops/s of Ed25519, ML-DSA-65, hybrid sign/verify (main thread and worker pool); hash MB/s at 1 KiB and 1 MiB')
    .option('--ms <n>', 'milliseconds per case', intOption('ms', 50, 10_000), 600)
    .option('--workers <n>', 'worker pool size for the pool cases', intOption('workers', 1, 16))
    .option('--json', 'print one JSON object')
    .action(async (opts: { ms: number; workers?: number; json?: boolean }) => {
      const poolSize = opts.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1));
      if (!opts.json) io.err(`measuring 23 cases, ${opts.ms} ms each...\n`);
      const results = await runAll(opts.ms, poolSize);
      const eventLoopMaxStallMs = await measureStalls(poolSize);
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism() };
      if (opts.json) return printJson(io, { bench: 'crypto', msPerCase: opts.ms, workers: poolSize, machine, results, eventLoopMaxStallMs });
      io.out(`knhk bench crypto — ${machine.node}, ${machine.cores} cores (${machine.cpu}), ${opts.ms} ms per case\n`);
      printTable(io, results);
      io.out(`longest event-loop stall while making 8 hybrid signatures: ${eventLoopMaxStallMs.mainThreadSign} ms on the main thread, ${eventLoopMaxStallMs.workerPoolSign} ms through the worker pool\n`);
    });
};

