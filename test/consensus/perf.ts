// Throughput of the consensus core alone (not a mocha test; run it by hand):
//   node --import tsx test/consensus/perf.ts [n=4] [commands=50000] [batch=500] [clients=all|one]
// n replicas in one process, every message delivered in FIFO order, commits "executed" at once,
// signatures a SHA-256 stand-in. Prints one JSON line: messages per committed block and committed
// commands per CPU-second (process.cpuUsage, all replicas together).
import { hashTagged } from '../../crypto/hash.js';
import { Replica } from '../../consensus/replica.js';
import { bytesEqual } from '../../crypto/bytes.js';
import type { ConsensusCrypto, Effect, Input } from '../../consensus/types.js';

export interface PerfResult {
  n: number;
  batch: number;
  clients: 'all' | 'one';
  committed: number;
  blocks: number;
  messages: number;
  messagesPerBlock: number;
  cpuSeconds: number;
  commandsPerCpuSecond: number;
}

function standIn(self: number): ConsensusCrypto {
  // One-shot tagged SHA-256 (what the simulator's stand-in costs), not a createHash object per MAC.
  const ids = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
  const mac = (id: number, b: Uint8Array): Uint8Array => hashTagged('knhk/test/perf-mac', ids[id & 255], b);
  return { sign: (b) => mac(self, b), verify: (r, b, s) => bytesEqual(mac(r, b), s) };
}

export function runPerf(n: number, total: number, batch: number, clients: 'all' | 'one'): PerfResult {
  const f = Math.floor((n - 1) / 3);
  const replicas = Array.from(
    { length: n },
    (_, i) => new Replica({ n, f, self: i, maxBatchCommands: batch, maxBatchBytes: 1 << 24, baseTimeoutMs: 1e9, maxTimeoutMs: 1e9, forwardCommands: clients === 'one' }, standIn(i)),
  );
  const queue: [number, Input][] = [];
  let head = 0, messages = 0, committed = 0, blocks = 0;
  const apply = (i: number, effects: Effect[]): void => {
    for (const e of effects) {
      if (e.type === 'send') {
        messages++;
        queue.push([e.to, { type: 'message', from: i, message: e.message }]);
      } else if (e.type === 'broadcast') {
        for (let j = 0; j < n; j++) if (j !== i) (messages++, queue.push([j, { type: 'message', from: i, message: e.message }]));
      } else if (e.type === 'commit') {
        if (i === 0) (committed += e.block.commands.length, blocks++);
        queue.push([i, { type: 'executed', height: e.block.height, blockHash: e.block.hash, stateRoot: e.block.hash, receiptsRoot: e.block.hash }]);
      }
    }
  };
  const payload = new Uint8Array(64);
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) apply(i, replicas[i].step({ type: 'start' }));
  for (let s = 0; s < total; s++) {
    const command = { client: `client-${s % 100}`, seq: Math.floor(s / 100), bytes: payload };
    if (clients === 'all') for (let to = 0; to < n; to++) apply(to, replicas[to].step({ type: 'clientCommand', command }));
    else apply(s % n, replicas[s % n].step({ type: 'clientCommand', command }));
  }
  while (head < queue.length) {
    const [to, input] = queue[head++];
    apply(to, replicas[to].step(input));
  }
  const t = process.cpuUsage(t0);
  const cpuSeconds = (t.user + t.system) / 1e6;
  return { n, batch, clients, committed, blocks, messages, messagesPerBlock: +(messages / Math.max(blocks, 1)).toFixed(1), cpuSeconds: +cpuSeconds.toFixed(3), commandsPerCpuSecond: Math.round(committed / cpuSeconds) };
}

if (process.argv[1]?.endsWith('perf.ts')) {
  const [n = '4', total = '50000', batch = '500', clients = 'all'] = process.argv.slice(2);
  console.log(JSON.stringify(runPerf(Number(n), Number(total), Number(batch), clients === 'one' ? 'one' : 'all')));
}
