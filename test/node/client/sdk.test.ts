// The SDK against an in-process fake cluster (real libp2p on 127.0.0.1, real signatures, fake
// consensus): verified receipts, retries, replays, rejections and Byzantine answers.
import assert from 'node:assert/strict';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { clientIdOf, encodeSignedCommand } from '../../../node/client/envelope.js';
import { HEDGE_MS } from '../../../node/client/roots.js';
import { ClientTransport } from '../../../node/client/transport.js';
import { verifyReceiptBundle } from '../../../node/client/verify.js';
import { Client, CommandRejectedError, SubmitTimeoutError, VerificationError } from '../../../node/sdk/index.js';
import { startFakeCluster, type FakeCluster } from './fake-cluster.js';

describe('sdk Client (fake cluster)', function () {
  this.timeout(30_000);
  let fc: FakeCluster;
  const key = ed25519KeyPair(new Uint8Array(32).fill(5));

  beforeEach(async () => {
    fc = await startFakeCluster(4);
  });
  afterEach(async () => {
    await fc.stop();
  });

  it('submits and resolves with a receipt verified against f+1 validator signatures', async () => {
    const c = new Client({ cluster: fc.cluster, key, replica: 1 });
    try {
      const r = await c.submit('put', { key: 'a', value: '1' });
      assert.equal(r.receipt.decision, 'ALLOW');
      assert.equal(r.receipt.principal, c.id);
      assert.equal(r.replica, 1);
      assert.equal(r.signers.length, fc.cluster.f + 1);
      assert.ok(verifyReceiptBundle(r.bundle, fc.cluster).ok);
      const r2 = await c.submit('put', { key: 'b', value: '2' });
      assert.ok(r2.seq > r.seq, 'sequence numbers increase');
      assert.equal(r2.receipt.index, r.receipt.index + 1);
    } finally {
      await c.close();
    }
  });

  it('reads through consensus and locally', async () => {
    const c = new Client({ cluster: fc.cluster, key });
    try {
      await c.submit('put', { key: 'k', value: 'v1' });
      assert.equal(await c.read('k'), 'v1');
      assert.equal(await c.read('k', { local: true }), 'v1');
      assert.equal(await c.read('missing', { local: true }), null);
      await assert.rejects(c.read('k', { local: true, state: 'other' }), /declares no state/);
      const st = await c.status();
      assert.equal(st.length, 4);
      assert.ok(st.every((s) => s.status !== undefined && s.status.height >= 2));
    } finally {
      await c.close();
    }
  });

  it('a replayed envelope returns the original receipt and executes once', async () => {
    const t = await ClientTransport.create(fc.cluster);
    try {
      const id = clientIdOf(key.publicKey);
      const env = encodeSignedCommand(key.secretKey, { principal: id, seq: 42, type: 'put', fields: { key: 'x', value: 'y' } });
      const first = await t.channels[0].request({ kind: 'submit', envelope: env, wait: true, timeoutMs: 2000 }, 5000);
      const again = await t.channels[2].request({ kind: 'submit', envelope: env, wait: true, timeoutMs: 2000 }, 5000);
      assert.equal(first.kind, 'receipt');
      assert.equal(again.kind, 'receipt');
      assert.deepEqual(first.kind === 'receipt' && first.receipt.receiptBytes, again.kind === 'receipt' && again.receipt.receiptBytes);
      assert.equal(fc.ledger.executions, 1);
    } finally {
      await t.close();
    }
  });

  it('rejects a command with a bad signature with a clear error, without retrying it', async () => {
    const t = await ClientTransport.create(fc.cluster);
    try {
      const id = clientIdOf(key.publicKey);
      const env = encodeSignedCommand(key.secretKey, { principal: id, seq: 1, type: 'put', fields: { key: 'x', value: 'y' } });
      env[env.length - 1] ^= 1;
      const res = await t.channels[0].request({ kind: 'submit', envelope: env, wait: true, timeoutMs: 1000 }, 3000);
      assert.equal(res.kind, 'error');
      assert.equal(res.kind === 'error' && res.code, 'bad-envelope');
      assert.match(res.kind === 'error' ? res.message : '', /bad client signature/);
      assert.equal(fc.ledger.executions, 0);
      assert.equal(fc.services[0].submitted, 0, 'an invalid envelope never reaches consensus');
      assert.equal(fc.handles[0].counts.badEnvelopes, 1);
    } finally {
      await t.close();
    }
    // Through the SDK: an envelope over the size limit is refused before it leaves the client.
    const c = new Client({ cluster: fc.cluster, key });
    try {
      await assert.rejects(c.submit('put', { key: 'x', value: 'y'.repeat(70_000) }), (e: Error) => /exceeds the limit/.test(e.message));
    } finally {
      await c.close();
    }
  });

  it('retries on another replica when the first is silent (same seq, executed once)', async () => {
    fc.services[0].behaviour = 'silent';
    const c = new Client({ cluster: fc.cluster, key, replica: 0, timeoutMs: 500, retries: 2 });
    try {
      const r = await c.submit('put', { key: 'a', value: '1' });
      assert.equal(r.replica, 1);
      assert.equal(fc.ledger.executions, 1);
      // Sticky failover: the replica that answered is asked first from now on, so the silent one
      // does not cost every later command a timeout.
      const silentAsked = fc.services[0].submitted;
      for (const v of ['2', '3']) assert.equal((await c.submit('put', { key: 'a', value: v })).replica, 1);
      assert.equal(fc.services[0].submitted, silentAsked, 'the silent replica was not asked again');
    } finally {
      await c.close();
    }
  });

  it('retries when a replica is down, and times out clearly when all are', async () => {
    await fc.handles[2].close();
    await fc.hosts[2].stop();
    const c = new Client({ cluster: fc.cluster, key, replica: 2, timeoutMs: 500, retries: 1 });
    try {
      const r = await c.submit('put', { key: 'a', value: '1' });
      assert.equal(r.replica, 3);
      for (const s of fc.services) s.behaviour = 'silent';
      await assert.rejects(c.submit('put', { key: 'a', value: '2' }), (e: Error) => e instanceof SubmitTimeoutError && /after 2 attempts/.test(e.message));
    } finally {
      await c.close();
    }
  });

  it('tolerates f Byzantine signers but refuses a receipt without f+1 matching signatures', async () => {
    fc.services[3].behaviour = 'wrong-roots';
    const c = new Client({ cluster: fc.cluster, key, replica: 0, timeoutMs: 1000 });
    try {
      const r = await c.submit('put', { key: 'a', value: '1' });
      assert.ok(!r.signers.includes(3));
      // Now only one honest signer (f+1 = 2 needed): the receipt must not be believed.
      fc.services[1].behaviour = 'wrong-roots';
      fc.services[2].behaviour = 'wrong-roots';
      await assert.rejects(c.submit('put', { key: 'b', value: '2' }), (e: Error) => e instanceof VerificationError && /signed different roots/.test(e.message));
    } finally {
      await c.close();
    }
  });

  it('asks the same f+1 replicas for every height first, the others only when those are slow, and then keeps to the ones that answered', async () => {
    const t = await ClientTransport.create(fc.cluster);
    const primaries = t.roots.primaries;
    assert.equal(primaries.length, 2);
    for (const p of primaries) fc.services[p].behaviour = 'slow-roots';
    const c = new Client({ cluster: fc.cluster, key, replica: primaries[0], timeoutMs: 5000, transport: t });
    try {
      const t0 = performance.now();
      const r = await c.submit('put', { key: 'a', value: '1' });
      const ms = performance.now() - t0;
      assert.deepEqual([...r.signers].sort(), [0, 1, 2, 3].filter((x) => !primaries.includes(x)));
      assert.ok(ms >= HEDGE_MS - 50, `the others were asked only after the hedge delay (${ms.toFixed(0)} ms)`);
      // The replicas that answered are asked first from now on: while the old primaries stay slow,
      // later heights pay no hedge delay (before, every one of them did: a frozen replica cost the
      // chaos soak most of its verified commands).
      const others = [0, 1, 2, 3].filter((x) => !primaries.includes(x));
      assert.deepEqual([...t.roots.primaries].sort(), others);
      for (const v of ['2', '3']) {
        const t1 = performance.now();
        const r2 = await c.submit('put', { key: 'a', value: v });
        assert.deepEqual([...r2.signers].sort(), others, 'signed by the new primaries, whatever the height');
        assert.ok(performance.now() - t1 < HEDGE_MS, 'without waiting for the slow ones');
      }
    } finally {
      await c.close();
      await t.close();
    }
  });

  it('a replica that does not hold the receipt (not-stored) sends the client to another; only all of them is final', async () => {
    const c = new Client({ cluster: fc.cluster, key, replica: 2, timeoutMs: 3000 });
    try {
      fc.services[2].behaviour = 'not-stored';
      const r = await c.submit('put', { key: 'ns', value: '1' });
      assert.notEqual(r.replica, 2);
      for (const s of fc.services) s.behaviour = 'not-stored';
      await assert.rejects(c.submit('put', { key: 'ns', value: '2' }), (e: Error) => e instanceof CommandRejectedError && /no replica holds a receipt/.test(e.message));
    } finally {
      for (const s of fc.services) s.behaviour = 'honest';
      await c.close();
    }
  });

  it('persists the last sequence number in seqFile and moves past it after a restart', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'knhk-seq-'));
    const seqFile = join(dir, 'seq');
    // A seq far in the future (a clock that went backwards since): the client must still move past it.
    const future = (Date.now() + 3_600_000) * 1000;
    writeFileSync(seqFile, `${future}\n`);
    try {
      const c = new Client({ cluster: fc.cluster, key, seqFile });
      try {
        const r = await c.submit('put', { key: 's', value: '1' });
        assert.equal(r.seq, future + 1);
        assert.equal(Number(readFileSync(seqFile, 'utf8')), future + 1);
      } finally {
        await c.close();
      }
      writeFileSync(seqFile, 'garbage');
      assert.throws(() => new Client({ cluster: fc.cluster, key, seqFile }), /does not hold a sequence number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a client with a hybrid (post-quantum) key gets verified receipts under its hybrid key id', async () => {
    const { hybridKeyId, hybridKeyPair } = await import('../../../crypto/hybrid.js');
    const pq = hybridKeyPair(new Uint8Array(32).fill(33));
    const c = new Client({ cluster: fc.cluster, key: pq });
    try {
      assert.equal(c.id, hybridKeyId(pq.publicKey));
      const r = await c.submit('put', { key: 'pq', value: '1' });
      assert.equal(r.receipt.principal, c.id);
      assert.ok(verifyReceiptBundle(r.bundle, fc.cluster).ok);
    } finally {
      await c.close();
    }
  });

  it('many clients share one transport', async () => {
    const t = await ClientTransport.create(fc.cluster);
    const clients = Array.from({ length: 8 }, (_, i) => new Client({ cluster: fc.cluster, key: ed25519KeyPair(new Uint8Array(32).fill(40 + i)), transport: t }));
    try {
      const rs = await Promise.all(clients.map((c, i) => c.submit('put', { key: `k${i}`, value: 'v' })));
      assert.equal(new Set(rs.map((r) => r.receipt.principal)).size, 8);
      assert.equal(fc.ledger.executions, 8);
    } finally {
      for (const c of clients) await c.close();
      await t.close();
    }
  });
});
