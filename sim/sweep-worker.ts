// One worker of a parallel sweep (sim/parallel-sweep.ts): asks for a seed, runs it, reports, repeats.
// Each run is the same deterministic function of its options as in the main thread, so a seed's
// result does not depend on which worker ran it.
import { parentPort, workerData } from 'node:worker_threads';
import { runSim } from './run.js';
import { failureOf } from './sweep.js';
import type { SimOptions } from './options.js';

export type WorkerRequest = { seed: number } | { done: true };
export interface WorkerResult {
  seed: number;
  ok: boolean;
  committedCommands: number;
  messages: number;
  virtualMs: number;
  failure: ReturnType<typeof failureOf>;
}

const base = (workerData as { base: Omit<SimOptions, 'seed'> }).base;
const port = parentPort!;
port.on('message', (m: WorkerRequest) => {
  if ('done' in m) {
    port.close();
    return;
  }
  const options = { ...base, seed: m.seed };
  const { report } = runSim(options);
  const result: WorkerResult = { seed: m.seed, ok: report.ok, committedCommands: report.committedCommands, messages: report.messages, virtualMs: report.virtualMs, failure: failureOf(report, options) };
  port.postMessage(result);
});
port.postMessage('ready');
