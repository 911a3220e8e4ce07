// A local cluster of real replica processes: `knhk up`, the demo, the benchmark and the
// multi-process integration test use it. Creates a testnet in DIR if none exists, then runs
// `node bin/knhk.js start --config DIR/replica-<i>/config.json` per replica (logs to
// DIR/replica-<i>/replica.log) and waits until every replica serves /healthz.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCluster } from './config.js';
import { freePorts } from './ports.js';
import { generateTestnet } from './testnet.js';

export interface LocalClusterOptions {
  nodes: number;
  dir: string;
  /** libp2p ports basePort+i, metrics basePort+100+i; default: free ports picked at random. */
  basePort?: number;
  descriptor?: string;
  clients?: number;
  logLevel?: string;
  /** How long to wait for every replica to come up (ms). */
  readyTimeoutMs?: number;
}

export interface LocalCluster {
  clusterFile: string;
  dir: string;
  /** The replica processes (index = replica id; null while stopped). */
  readonly processes: ReadonlyArray<ChildProcess | null>;
  /** Sends `signal` to replica i (e.g. 'SIGKILL' in crash tests). Resolves when it exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts replica i again on its existing database and waits until it is up. */
  restart(i: number): Promise<void>;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/knhk.js', import.meta.url));

function healthy(port: number, host: string): Promise<boolean> {
  return new Promise((res) => {
    const req = get({ host, port, path: '/healthz', timeout: 500 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.on('timeout', () => {
      req.destroy();
      res(false);
    });
  });
}

function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => p.once('exit', () => r()));
}

export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const dir = resolve(o.dir);
  const clusterFile = join(dir, 'cluster.json');
  if (!existsSync(clusterFile)) {
    let ports: { p2p: number[]; metrics: number[] } | undefined;
    if (o.basePort === undefined) {
      const free = await freePorts(2 * o.nodes);
      ports = { p2p: free.slice(0, o.nodes), metrics: free.slice(o.nodes) };
    }
    await generateTestnet({ nodes: o.nodes, dir, basePort: o.basePort, ports, descriptor: o.descriptor, clients: o.clients });
  }
  const cluster = loadCluster(clusterFile);
  const n = cluster.validators.length;
  const procs: Array<ChildProcess | null> = new Array(n).fill(null);
  const readyMs = o.readyTimeoutMs ?? 60_000;

  const spawnReplica = (i: number): ChildProcess => {
    const rdir = join(dir, `replica-${i}`);
    const logFd = openSync(join(rdir, 'replica.log'), 'a');
    // KNHK_REPLICA_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the replicas.
    const nodeArgs = (process.env.KNHK_REPLICA_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
    const args = [...nodeArgs, BIN, 'start', '--config', join(rdir, 'config.json')];
    if (o.logLevel) args.push('--log-level', o.logLevel);
    const p = spawn(process.execPath, args, { stdio: ['ignore', logFd, logFd], env: process.env });
    closeSync(logFd);
    procs[i] = p;
    p.once('exit', () => {
      if (procs[i] === p) procs[i] = null;
    });
    return p;
  };

  const waitReady = async (i: number): Promise<void> => {
    const v = cluster.validators[i];
    const host = v.metricsHost ?? '127.0.0.1';
    const deadline = performance.now() + readyMs;
    while (performance.now() < deadline) {
      const p = procs[i];
      if (p === null || p.exitCode !== null) {
        const log = join(dir, `replica-${i}`, 'replica.log');
        throw new Error(`replica ${i} exited during start: ${lastLine(log)} (log: ${log})`);
      }
      if (v.metricsPort > 0 && (await healthy(v.metricsPort, host))) return;
      if (v.metricsPort === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`replica ${i} not ready after ${readyMs} ms (see ${join(dir, `replica-${i}`, 'replica.log')})`);
  };

  const kill = async (i: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const p = procs[i];
    if (p === null) return;
    p.kill(signal);
    const done = exited(p);
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
    procs[i] = null;
  };

  const stop = async (): Promise<void> => {
    await Promise.all(procs.map((_, i) => kill(i, 'SIGTERM')));
  };

  try {
    for (let i = 0; i < n; i++) spawnReplica(i);
    await Promise.all(procs.map((_, i) => waitReady(i)));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    clusterFile,
    dir,
    processes: procs,
    kill,
    restart: async (i) => {
      await kill(i, 'SIGTERM');
      spawnReplica(i);
      await waitReady(i);
    },
    stop,
  };
}

/** The last non-empty line of a replica's log (its fatal error, for the start failure message). */
function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines[lines.length - 1]?.slice(0, 500) ?? '';
  } catch {
    return '(no log)';
  }
}
