// Run: node --import=tsx --import=./node/support/polyfill.ts test/node/client/bench-abuse.ts [S=8] [B=1024]
// Cost of an abusive client to the replica: S streams (opened one after another) each sending B
// envelopes with broken signatures at once. Prints the process CPU spent, the wall time, and how
// many envelopes got the full (costly) check.
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { encodeRequest } from '../../../node/client/codec.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { CLIENT_PROTOCOL } from '../../../node/client/protocol.js';
import { encodeFrames, readFrames } from '../../../node/net/framing.js';
import { createHost } from '../../../node/net/host.js';
import { startFakeCluster } from './fake-cluster.js';

const S = Number(process.argv[2] ?? 8);
const B = Number(process.argv[3] ?? 1024);
const fc = await startFakeCluster(1);
const key = ed25519KeyPair();
let seq = 0;
const streamsFrames = Array.from({ length: S }, () =>
  encodeFrames(
    Array.from({ length: B }, (_, i) => {
      const env = encodeSignedCommand(key.secretKey, { principal: clientIdOf(key.publicKey), seq: ++seq, type: 'put', fields: { key: `k${seq}`, value: 'v' } }, key.publicKey);
      env[40] ^= 1;
      return encodeRequest(i + 1, { kind: 'submit', envelope: env, wait: false, timeoutMs: 1000 });
    }),
  ),
);
const host = await createHost({ listen: [] });
const c0 = process.cpuUsage();
const t0 = performance.now();
for (const frames of streamsFrames) {
  const stream = await host.dialProtocol(fc.hosts[0].getMultiaddrs()[0], CLIENT_PROTOCOL);
  const ended = readFrames(stream, () => {});
  stream.send(frames);
  await stream.close().catch(() => {});
  await ended;
}
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(c0);
// Let in-flight work finish to count all of it.
await new Promise((r) => setTimeout(r, 500));
const c2 = process.cpuUsage(c0);
const h = fc.handles[0].counts as Record<string, number>;
console.log(JSON.stringify({ streams: S, perStream: B, wallS: +wall.toFixed(2), cpuS: +((c.user + c.system) / 1e6).toFixed(2), cpuSIncludingTail: +((c2.user + c2.system) / 1e6).toFixed(2), fullyChecked: h.badEnvelopes, notChecked: h.notChecked ?? null, penalized: h.penalized ?? null }));
await host.stop();
await fc.stop();
process.exit(0);
