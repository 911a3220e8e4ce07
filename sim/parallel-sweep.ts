// A sweep spread over worker threads (`knhk sim --seeds A..B --jobs N`). Workers pull seeds from one
// queue, so a slow seed does not hold the others back; the report lists failures in seed order and
// is the same as a one-thread sweep's except for wall time.
import { Worker } from 'node:worker_threads';
import type { SimOptions } from './options.js';
import { sweepReport, type SweepFailure, type SweepReport } from './sweep.js';
import type { WorkerResult } from './sweep-worker.js';

// Workers start plain Node: register tsx's loader first, as bin/knhk.js does, then load the worker.
const bootstrap = `
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';
register();
await import(workerData.entry);
`;

export function runSweepParallel(
  baseIn: Omit<SimOptions, 'seed'>,
  from: number,
  to: number,
  jobs: number,
  onRun?: (seed: number, ok: boolean, failure: SweepFailure | null) => void,
): Promise<SweepReport> {
  // Functions cannot cross a thread boundary; progress comes back through onRun instead.
  const { onProgress: _dropped, ...base } = baseIn;
  void _dropped;
  const start = process.hrtime.bigint();
  const runs = to - from + 1;
  let next = from;
  let finished = 0;
  const failures: SweepFailure[] = [];
  let committedCommands = 0;
  let messages = 0;
  let virtualMs = 0;
  const entry = new URL('./sweep-worker.ts', import.meta.url).href;

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const finish = () => {
      for (const w of workers) void w.terminate();
      failures.sort((a, b) => a.seed - b.seed);
      resolve(sweepReport(from, to, failures, { committedCommands, messages, virtualMs }, start));
    };
    const feed = (w: Worker) => {
      if (next <= to) w.postMessage({ seed: next++ });
      else w.postMessage({ done: true });
    };
    for (let i = 0; i < Math.min(jobs, runs); i++) {
      // No inherited execArgv: the parent's loader flags (tsx, the libp2p polyfill as .ts, as mocha
      // passes them) do not work before the bootstrap has registered tsx.
      const w = new Worker(bootstrap, { eval: true, execArgv: [], workerData: { entry, base } });
      workers.push(w);
      w.on('message', (m: WorkerResult | 'ready') => {
        if (m !== 'ready') {
          committedCommands += m.committedCommands;
          messages += m.messages;
          virtualMs += m.virtualMs;
          if (m.failure) failures.push(m.failure);
          onRun?.(m.seed, m.ok, m.failure);
          if (++finished === runs) {
            finish();
            return;
          }
        }
        feed(w);
      });
      w.on('error', (e) => {
        for (const x of workers) void x.terminate();
        reject(e);
      });
    }
  });
}
