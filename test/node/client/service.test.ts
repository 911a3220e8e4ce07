// The replica-side client service under bad input: garbage frames, malformed protobuf, oversized
// frames. Each is dropped and counted; the service keeps answering everyone else.
import assert from 'node:assert/strict';
import { multiaddr } from '@multiformats/multiaddr';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { decodeResponse, encodeRequest } from '../../../node/client/codec.js';
import { CLIENT_PROTOCOL, MAX_BAD_ENVELOPES_PER_STREAM } from '../../../node/client/protocol.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { encodeFrames, readFrames } from '../../../node/net/framing.js';
import { createHost } from '../../../node/net/host.js';
import { Client } from '../../../node/sdk/index.js';
import { startFakeCluster, type FakeCluster } from './fake-cluster.js';

describe('client service', function () {
  this.timeout(30_000);
  let fc: FakeCluster;
  beforeEach(async () => {
    fc = await startFakeCluster(4);
  });
  afterEach(async () => {
    await fc.stop();
  });

  async function rawStream() {
    const host = await createHost({ listen: [] });
    const v = fc.cluster.validators[0];
    const stream = await host.dialProtocol(multiaddr(`${v.multiaddrs[0]}/p2p/${v.peerId}`), CLIENT_PROTOCOL);
    const frames: Uint8Array[] = [];
    const ended = readFrames(stream, (f) => frames.push(f));
    return { host, stream, frames, ended };
  }

  it('answers garbage and malformed frames with bad-request and keeps the stream usable', async () => {
    const { host, stream, frames } = await rawStream();
    try {
      const garbage = new Uint8Array(200).map((_, i) => (i * 37 + 11) & 0xff);
      stream.send(encodeFrames([garbage, new Uint8Array(0), encodeRequest(7, { kind: 'status' })]));
      for (let i = 0; i < 100 && frames.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      const answers = frames.map((f) => decodeResponse(f));
      const status = answers.find((a) => a.id === 7);
      assert.equal(status?.res.kind, 'status');
      const errors = answers.filter((a) => a.res.kind === 'error');
      assert.ok(errors.length >= 1, 'garbage is answered with an error');
      assert.ok(errors.every((e) => e.res.kind === 'error' && e.res.code === 'bad-request'));
      assert.ok(fc.handles[0].counts.badFrames >= 1);
    } finally {
      await host.stop();
    }
  });

  it('closes a stream after too many invalid envelopes (bad signatures are expensive), and serves new clients', async () => {
    const key = ed25519KeyPair();
    const { host, stream, frames, ended } = await rawStream();
    try {
      const requests: Uint8Array[] = [];
      for (let i = 0; i < MAX_BAD_ENVELOPES_PER_STREAM + 8; i++) {
        const env = encodeSignedCommand(key.secretKey, { principal: clientIdOf(key.publicKey), seq: 1000 + i, type: 'put', fields: { key: `k${i}`, value: 'v' } }, key.publicKey);
        env[env.length - 1] ^= 0x01; // breaks the signature (or the body it covers)
        requests.push(encodeRequest(i + 1, { kind: 'submit', envelope: env, wait: false, timeoutMs: 1000 }));
      }
      stream.send(encodeFrames(requests));
      const end = await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 10_000))]);
      assert.notEqual(end, 'still open', 'the replica ended the stream');
      // The costly confirmation of a failed check runs exactly the limit's number of times; the
      // rest of the burst is answered unchecked, and everything is answered before the close.
      const answers = frames.map((f) => decodeResponse(f).res);
      assert.equal(answers.length, MAX_BAD_ENVELOPES_PER_STREAM + 8);
      assert.equal(answers.filter((a) => a.kind === 'error' && a.code === 'bad-envelope').length, MAX_BAD_ENVELOPES_PER_STREAM);
      const unchecked = answers.filter((a) => a.kind === 'error' && a.code === 'penalized');
      assert.equal(unchecked.length, 8);
      assert.match(unchecked[0].kind === 'error' ? unchecked[0].message : '', /not checked: this stream sent 16 invalid envelopes/);
      assert.equal(fc.handles[0].counts.badEnvelopes, MAX_BAD_ENVELOPES_PER_STREAM);
      assert.equal(fc.handles[0].counts.notChecked, 8);
      assert.equal(fc.handles[0].counts.closedForBadEnvelopes, 1);
      // Whatever the client sends afterwards is not checked any more.
      const checked = fc.handles[0].counts.badEnvelopes;
      stream.send(encodeFrames(requests.slice(0, 4)));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(fc.handles[0].counts.badEnvelopes, checked);
    } finally {
      await host.stop();
    }
    const c = new Client({ cluster: fc.cluster, key: ed25519KeyPair(), replica: 0 });
    try {
      assert.equal((await c.submit('put', { key: 'after-abuse', value: 'ok' })).receipt.decision, 'ALLOW');
    } finally {
      await c.close();
    }
  });

  it('penalizes a source (IP) over its default budget; an SDK client there is refused by that replica and submits through another', async () => {
    const key = ed25519KeyPair();
    let seq = 0;
    // 16 per stream, 64 per source: the 65th invalid envelope, on the 5th stream, penalizes 127.0.0.1.
    for (let s = 0; s < 5; s++) {
      const { host, stream, ended } = await rawStream();
      try {
        const bad = Array.from({ length: MAX_BAD_ENVELOPES_PER_STREAM }, (_, i) => {
          const env = encodeSignedCommand(key.secretKey, { principal: clientIdOf(key.publicKey), seq: ++seq, type: 'put', fields: { key: 'k', value: 'v' } }, key.publicKey);
          env[40] ^= 0x01;
          return encodeRequest(i + 1, { kind: 'submit', envelope: env, wait: false, timeoutMs: 1000 });
        });
        stream.send(encodeFrames(bad));
        await ended;
      } finally {
        await host.stop();
      }
    }
    const h = fc.handles[0];
    assert.equal(h.counts.sourcesPenalized, 1);
    assert.equal(h.counts.badEnvelopes, 65, 'nothing past the budget was fully checked');
    assert.ok(h.penalties.penaltyLeftMs('127.0.0.1') > 50_000);
    const { host, stream, frames, ended } = await rawStream();
    try {
      stream.send(encodeFrames([encodeRequest(3, { kind: 'status' })]));
      await ended;
      const answers = frames.map((f) => decodeResponse(f));
      assert.ok(answers.length >= 1 && answers.every((a) => a.res.kind === 'error' && a.res.code === 'penalized'));
      assert.match(answers[0].res.kind === 'error' ? answers[0].res.message : '', /^source 127\.0\.0\.1 is refused for (59|60) s more/);
    } finally {
      await host.stop();
    }
    const refusedBefore = h.counts.penalized;
    const c = new Client({ cluster: fc.cluster, key: ed25519KeyPair(), replica: 0 });
    try {
      const r = await c.submit('put', { key: 'from-penalized-ip', value: 'ok' });
      assert.ok(h.counts.penalized > refusedBefore, 'replica 0 refused the SDK client');
      assert.notEqual(r.replica, 0);
      assert.equal(r.receipt.decision, 'ALLOW');
    } finally {
      await c.close();
    }
  });

  it('ends a stream that announces an oversized frame, and serves new clients afterwards', async () => {
    const { host, stream, ended } = await rawStream();
    try {
      // A varint prefix of 100 MB followed by a little data: the reader must refuse, not buffer.
      stream.send(new Uint8Array([0x80, 0x80, 0x80, 0x30, 1, 2, 3]));
      const end = await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 5000))]);
      assert.notEqual(end, 'still open');
      assert.ok(fc.handles[0].counts.badFrames >= 1);
    } finally {
      await host.stop();
    }
    const c = new Client({ cluster: fc.cluster, key: ed25519KeyPair(new Uint8Array(32).fill(3)), replica: 0 });
    try {
      const r = await c.submit('put', { key: 'after', value: 'ok' });
      assert.equal(r.replica, 0);
    } finally {
      await c.close();
    }
  });

  it('still answers requests whose client already closed its sending side', async () => {
    const { host, stream, frames, ended } = await rawStream();
    try {
      // awaitReceipt for a command that arrives later: the answer comes after the half-close.
      stream.send(encodeFrames([encodeRequest(5, { kind: 'awaitReceipt', client: 'nobody', seq: 1, timeoutMs: 200 })]));
      await stream.close();
      const end = await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open'), 5000))]);
      assert.deepEqual(end, { kind: 'closed' }, 'the replica closes its side after answering');
      assert.equal(frames.length, 1);
      assert.deepEqual(decodeResponse(frames[0]), { id: 5, res: { kind: 'timedOut' } });
    } finally {
      await host.stop();
    }
  });

  it('answers busy beyond the in-flight bound instead of queueing without limit', async () => {
    // A silent replica holds every awaitReceipt open; the bound is 4096 per stream by default,
    // so mount a fresh service with a small bound on its own host.
    const { mountClientService } = await import('../../../node/client/service.js');
    const server = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    fc.services[1].behaviour = 'silent';
    const handle = await mountClientService(server, fc.services[1], { maxInFlightPerStream: 2 });
    const host = await createHost({ listen: [] });
    try {
      const stream = await host.dialProtocol(server.getMultiaddrs()[0], CLIENT_PROTOCOL);
      const frames: Uint8Array[] = [];
      void readFrames(stream, (f) => frames.push(f));
      const reqs = [1, 2, 3, 4].map((id) => encodeRequest(id, { kind: 'awaitReceipt', client: 'c', seq: id, timeoutMs: 300 }));
      stream.send(encodeFrames(reqs));
      for (let i = 0; i < 100 && frames.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
      const answers = frames.map((f) => decodeResponse(f));
      assert.equal(answers.filter((a) => a.res.kind === 'error' && a.res.code === 'busy').length, 2);
      assert.equal(answers.filter((a) => a.res.kind === 'timedOut').length, 2);
      assert.equal(handle.counts.busy, 2);
    } finally {
      await handle.close();
      await host.stop();
      await server.stop();
    }
  });
});
