// A closed-loop load generator: N clients, each with its own key, each keeping exactly one command
// in flight (the same shape as the etcd baseline: N concurrent clients issuing sequential puts).
// Clients share one transport (one libp2p connection per replica). In `lean` mode a command counts
// when a replica returns its receipt (committed and executed); in `verified` mode only after the
// SDK verified the receipt, its proof and f+1 signed roots, as a real client would.
import type { Ed25519KeyPair } from '../../crypto/ed25519.js';
import { Client } from '../sdk/client.js';
import type { ClusterFile } from '../cluster/config.js';
import { clientIdOf, encodeSignedCommand } from './envelope.js';
import { ClientTransport } from './transport.js';

export interface LoadOptions {
  cluster: ClusterFile;
  keys: Ed25519KeyPair[];
  durationMs: number;
  warmupMs: number;
  /** 'lean': count receipts; 'verified': count SDK-verified receipts. */
  mode: 'lean' | 'verified';
  /** 100-byte values, 16-byte keys from a keyspace (as the etcd load). */
  keyspace?: number;
  timeoutMs?: number;
  onProgress?(committed: number): void;
  /** Called when the measured window opens and when it closes (e.g. to sample CPU counters). */
  onWindow?(edge: 'start' | 'end'): void;
}

export interface LoadResult {
  mode: 'lean' | 'verified';
  clients: number;
  durationS: number;
  committed: number;
  cmdsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  firstError?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const VALUE = 'v'.repeat(100);

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const transport = await ClientTransport.create(opts.cluster);
  const n = opts.cluster.validators.length;
  const keyspace = opts.keyspace ?? 100_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  let committed = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const stopAt = measureFrom + opts.durationMs;
  const windowTimers = [setTimeout(() => opts.onWindow?.('start'), opts.warmupMs), setTimeout(() => opts.onWindow?.('end'), opts.warmupMs + opts.durationMs)];
  let seed = 1;
  const nextKey = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return `k${String(seed % keyspace).padStart(15, '0')}`;
  };
  const record = (t0: number) => {
    const t1 = performance.now();
    // Completions inside the window count (etcd's load counts the same way).
    if (t1 >= measureFrom && t1 <= stopAt) {
      latencies.push(t1 - t0);
      committed++;
      opts.onProgress?.(committed);
    }
  };
  const fail = (e: unknown) => {
    errors++;
    firstError ??= e instanceof Error ? e.message : String(e);
  };

  const lean = async (key: Ed25519KeyPair, i: number) => {
    const id = clientIdOf(key.publicKey);
    const ch = transport.channels[i % n];
    let seq = Date.now() * 1000;
    while (performance.now() < stopAt) {
      seq++;
      const env = encodeSignedCommand(key.secretKey, { principal: id, seq, type: 'put', fields: { key: nextKey(), value: VALUE } }, key.publicKey);
      const t0 = performance.now();
      try {
        const res = await ch.request({ kind: 'submit', envelope: env, wait: true, timeoutMs }, timeoutMs + 1000);
        if (res.kind === 'receipt') record(t0);
        else fail(new Error(res.kind === 'error' ? `${res.code}: ${res.message}` : res.kind));
      } catch (e) {
        fail(e);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const verified = async (key: Ed25519KeyPair, i: number) => {
    const c = new Client({ cluster: opts.cluster, key, transport, replica: i % n, timeoutMs });
    try {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          await c.submit('put', { key: nextKey(), value: VALUE });
          record(t0);
        } catch (e) {
          fail(e);
        }
      }
    } finally {
      await c.close();
    }
  };

  try {
    await Promise.all(opts.keys.map((k, i) => (opts.mode === 'lean' ? lean(k, i) : verified(k, i))));
  } finally {
    for (const t of windowTimers) clearTimeout(t);
    await transport.close();
  }
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  const sum = latencies.reduce((a, b) => a + b, 0);
  const result: LoadResult = {
    mode: opts.mode,
    clients: opts.keys.length,
    durationS: opts.durationMs / 1000,
    committed,
    cmdsPerSec: Math.round(committed / (opts.durationMs / 1000)),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1] ?? 0),
      mean: round(latencies.length ? sum / latencies.length : 0),
    },
    errors,
  };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
