// Run: node --import=tsx --import=./node/support/polyfill.ts test/node/client/bench-admission.ts [N=20000] [W=256]
// Honest-path cost of the client service: one stream, N valid submits (wait:false) with a window
// of W requests in flight, server and client in this process. Prints cmds/s and CPU µs per command.
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { decodeResponse, encodeRequest } from '../../../node/client/codec.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { CLIENT_PROTOCOL } from '../../../node/client/protocol.js';
import { encodeFrames, readFrames } from '../../../node/net/framing.js';
import { createHost } from '../../../node/net/host.js';
import { startFakeCluster } from './fake-cluster.js';

const N = Number(process.argv[2] ?? 20000);
const W = Number(process.argv[3] ?? 256);
const fc = await startFakeCluster(1);
fc.services[0].behaviour = 'silent'; // admission only: no fake ledger work
const key = ed25519KeyPair();
const reqs = Array.from({ length: N }, (_, i) =>
  encodeRequest(i + 1, { kind: 'submit', envelope: encodeSignedCommand(key.secretKey, { principal: clientIdOf(key.publicKey), seq: i + 1, type: 'put', fields: { key: `k${i}`, value: 'v'.repeat(100) } }, key.publicKey), wait: false, timeoutMs: 1000 }),
);
const host = await createHost({ listen: [] });
const v = fc.hosts[0];
const stream = await host.dialProtocol(v.getMultiaddrs()[0], CLIENT_PROTOCOL);
let answered = 0;
let sent = 0;
let bad = 0;
let done!: () => void;
const finished = new Promise<void>((r) => (done = r));
const pump = () => {
  const batch: Uint8Array[] = [];
  while (sent < N && sent - answered < W) batch.push(reqs[sent++]);
  if (batch.length > 0) stream.send(encodeFrames(batch));
};
void readFrames(stream, (f) => {
  if (decodeResponse(f).res.kind !== 'accepted') bad++;
  answered++;
  if (answered === N) done();
  else pump();
});
const c0 = process.cpuUsage();
const t0 = performance.now();
pump();
await finished;
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ n: N, window: W, bad, cmdsPerSec: Math.round(N / wall), cpuUsPerCmd: +((c.user + c.system) / N).toFixed(1) }));
await host.stop();
await fc.stop();
process.exit(0);
