// The client service's per-source penalty over real libp2p on 127.0.0.1. Every client here has the
// same IP, so the service keys sources by peer id (one libp2p host = one "source"), with small
// limits and a fake clock.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Libp2p, Stream } from '@libp2p/interface';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { decodeResponse, encodeRequest, type ClientResponse } from '../../../node/client/codec.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { CLIENT_PROTOCOL } from '../../../node/client/protocol.js';
import { mountClientService, type ClientServiceHandle } from '../../../node/client/service.js';
import { createLogger } from '../../../node/log/logger.js';
import { ReplicaMetrics } from '../../../node/metrics/replica-metrics.js';
import { encodeFrames, readFrames, type FrameReadEnd } from '../../../node/net/framing.js';
import { createHost } from '../../../node/net/host.js';
import { startFakeCluster, type FakeCluster } from './fake-cluster.js';

const PENALTY_MS = 10_000;

describe('client service: per-source penalty', function () {
  this.timeout(30_000);
  let fc: FakeCluster;
  let server: Libp2p;
  let handle: ClientServiceHandle;
  let metrics: ReplicaMetrics;
  let clock: number;
  let logLines: { msg: string; source?: string }[];
  const hosts: Libp2p[] = [];
  const key = ed25519KeyPair();
  let seq = 0;

  beforeEach(async () => {
    fc = await startFakeCluster(1);
    server = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    metrics = new ReplicaMetrics();
    clock = 1_000;
    logLines = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter((x) => x !== '')) logLines.push(JSON.parse(l) as { msg: string });
        done();
      },
    });
    handle = await mountClientService(server, fc.services[0], {
      metrics,
      log: createLogger({ level: 'warn', destination: sink }),
      maxBadEnvelopesPerStream: 4,
      sourcePenalty: { burst: 5, refillPerSecond: 0, penaltyMs: PENALTY_MS, maxSources: 8 },
      now: () => clock,
      sourceOf: (c) => c.remotePeer.toString(),
    });
  });
  afterEach(async () => {
    await handle.close();
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    await server.stop();
    await fc.stop();
  });

  async function client(): Promise<Libp2p> {
    const h = await createHost({ listen: [] });
    hosts.push(h);
    return h;
  }

  async function open(h: Libp2p) {
    const stream: Stream = await h.dialProtocol(server.getMultiaddrs()[0], CLIENT_PROTOCOL);
    const answers: { id: number; res: ClientResponse }[] = [];
    const ended: Promise<FrameReadEnd> = readFrames(stream, (f) => answers.push(decodeResponse(f)));
    return { stream, answers, ended };
  }

  function envelope(valid: boolean): Uint8Array {
    seq++;
    const env = encodeSignedCommand(key.secretKey, { principal: clientIdOf(key.publicKey), seq, type: 'put', fields: { key: `k${seq}`, value: 'v' } }, key.publicKey);
    if (!valid) env[40] ^= 0x01; // inside the signature
    return env;
  }

  const submit = (id: number, valid: boolean) => encodeRequest(id, { kind: 'submit', envelope: envelope(valid), wait: false, timeoutMs: 1000 });

  async function until(cond: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 250 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(cond(), what);
  }

  const codes = (answers: { res: ClientResponse }[]) => answers.map((a) => (a.res.kind === 'error' ? a.res.code : a.res.kind));

  /** Sends invalid envelopes on new streams (each closed after 4) until the source is penalized. */
  async function penalize(h: Libp2p): Promise<void> {
    for (let s = 0; s < 2; s++) {
      const { stream, ended } = await open(h);
      stream.send(encodeFrames([1, 2, 3, 4].map((id) => submit(id, false))));
      await ended;
    }
    assert.equal(handle.counts.sourcesPenalized, 1);
  }

  it('refuses a source over budget on a new connection with a clear error, unchecked, while others are served', async () => {
    const abuser = await client();
    await penalize(abuser);
    // 5 failures are tolerated, the 6th penalized: the rest of the second stream was not checked.
    assert.equal(handle.counts.badEnvelopes, 6);
    assert.equal(await metrics.value('knhk_penalized_client_sources'), 1);

    // A new connection from the same source is refused at once, and so are its requests.
    await abuser.hangUp(server.peerId);
    const { stream, answers, ended } = await open(abuser);
    stream.send(encodeFrames([submit(7, false), submit(8, true), encodeRequest(9, { kind: 'status' })]));
    const end = await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 5_000))]);
    assert.notEqual(end, 'still open', 'the refused stream is closed');
    assert.ok(answers.length >= 1);
    assert.deepEqual(new Set(codes(answers)), new Set(['penalized']));
    const first = answers[0].res;
    assert.ok(first.kind === 'error');
    assert.match(first.message, /refused for 10 s more: it sent more invalid envelopes than allowed/);
    assert.equal(handle.counts.badEnvelopes, 6, 'nothing from a penalized source is checked');
    assert.ok((await metrics.value('knhk_dropped_messages_total', { reason: 'penalized-source' })) >= 1);

    // An honest client (another source) is served meanwhile.
    const honest = await open(await client());
    honest.stream.send(encodeFrames([submit(1, true), encodeRequest(2, { kind: 'status' })]));
    await until(() => honest.answers.length === 2, 'the honest client is answered');
    assert.deepEqual(codes(honest.answers).sort(), ['accepted', 'status']);

    // One warning for the penalty, not one per refused frame.
    assert.equal(logLines.filter((l) => l.msg === 'client source penalized: too many invalid envelopes').length, 1);
  });

  it('answers frames already queued from a source penalized meanwhile, without checking them', async () => {
    const abuser = await client();
    const early = await open(abuser); // opened before the penalty, still idle
    await penalize(abuser);
    early.stream.send(encodeFrames([submit(1, true), submit(2, false)]));
    await early.ended;
    assert.deepEqual(codes(early.answers), ['penalized', 'penalized']);
    assert.equal(handle.counts.badEnvelopes, 6);
    assert.equal(fc.services[0].submitted, 0, 'not even the valid envelope was admitted');
  });

  it('lets the penalty expire by itself', async () => {
    const abuser = await client();
    await penalize(abuser);
    clock += PENALTY_MS - 1;
    const still = await open(abuser);
    await still.ended;
    assert.deepEqual(codes(still.answers), ['penalized']);
    clock += 1;
    assert.equal(await metrics.value('knhk_penalized_client_sources'), 0);
    const after = await open(abuser);
    after.stream.send(encodeFrames([submit(1, true)]));
    await until(() => after.answers.length === 1, 'answered after the penalty');
    assert.deepEqual(codes(after.answers), ['accepted']);
  });

  it('bounds the checks of a burst spread over concurrent streams of one source', async () => {
    const abuser = await client();
    const streams = await Promise.all([0, 1, 2].map(() => open(abuser)));
    for (const s of streams) s.stream.send(encodeFrames([1, 2, 3, 4].map((id) => submit(id, false))));
    await Promise.all(streams.map((s) => s.ended));
    // 12 invalid envelopes sent; the budget of 5 plus the one that went over it were checked.
    assert.equal(handle.counts.badEnvelopes, 6);
    assert.equal(handle.counts.sourcesPenalized, 1);
    const all = streams.flatMap((s) => codes(s.answers));
    assert.equal(all.filter((c) => c === 'bad-envelope').length, 6);
    // The others were answered penalized, except any whose pool check was still running when its
    // stream closed (the close does not wait for it; the client sees the stream end).
    assert.ok(all.every((c) => c === 'bad-envelope' || c === 'penalized'), all.join());
    assert.ok(all.length > 6, all.join());
  });
});
