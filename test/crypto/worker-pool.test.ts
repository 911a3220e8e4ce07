import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { concatBytes, fromHex, toHex, utf8 } from '../../crypto/bytes.js';
import { ed25519VerifyNative } from '../../crypto/ed25519.js';
import { Tag } from '../../crypto/hash.js';
import { encodeHybridSignature, hybridKeyPair, hybridSign, hybridSignedBytes, hybridVerify, type HybridPublicKey } from '../../crypto/hybrid.js';
import { HybridWorkerPool, WorkerPoolError } from '../../crypto/worker-pool.js';

describe('crypto/worker-pool', function () {
  this.timeout(30_000);
  const kp = hybridKeyPair(new Uint8Array(32).fill(3));
  const msg = utf8('receipts root');
  let pool: HybridWorkerPool;

  before(() => {
    pool = HybridWorkerPool.create(2);
  });
  after(async () => {
    await pool.close();
  });

  it('signs exactly like hybridSign (deterministic) and verifies like hybridVerify', async () => {
    const viaPool = await pool.sign(kp.secretKey, Tag.executionRoots, msg);
    const direct = hybridSign(kp.secretKey, Tag.executionRoots, msg);
    assert.equal(toHex(encodeHybridSignature(viaPool)), toHex(encodeHybridSignature(direct)));
    assert.equal(await pool.verify(kp.publicKey, Tag.executionRoots, msg, viaPool), true);
    const cases = [
      { tag: Tag.vote, m: msg, s: viaPool },
      { tag: Tag.executionRoots, m: utf8('other'), s: viaPool },
      { tag: Tag.executionRoots, m: msg, s: { ...viaPool, mldsa65: viaPool.mldsa65.map((b, i) => (i === 7 ? b ^ 1 : b)) } },
      { tag: Tag.executionRoots, m: msg, s: { ...viaPool, ed25519: viaPool.ed25519.map((b, i) => (i === 7 ? b ^ 1 : b)) } },
      { tag: Tag.executionRoots, m: msg, s: { ...viaPool, ed25519: viaPool.ed25519.subarray(1) } },
      { tag: '', m: msg, s: viaPool },
    ];
    for (const c of cases) {
      assert.equal(await pool.verify(kp.publicKey, c.tag, c.m, c.s), hybridVerify(kp.publicKey, c.tag, c.m, c.s));
      assert.equal(await pool.verify(kp.publicKey, c.tag, c.m, c.s), false);
    }
  });

  it('takes the ZIP-215 fallback on the worker when OpenSSL rejects (same verdict as hybridVerify)', async () => {
    // A small-order public key and a non-canonical small-order R with S = 0 satisfy the ZIP-215
    // (cofactored) equation for every message, but OpenSSL rejects the non-canonical R.
    const smallOrderA = fromHex('0100000000000000000000000000000000000000000000000000000000000000');
    const edSig = fromHex('0100000000000000000000000000000000000000000000000000000000000080' + '00'.repeat(32));
    const pk: HybridPublicKey = { ed25519: smallOrderA, mldsa65: kp.publicKey.mldsa65 };
    const bytes = hybridSignedBytes(Tag.executionRoots, msg);
    assert.equal(ed25519VerifyNative(smallOrderA, bytes, edSig), false, 'fixture must exercise the fallback');
    const sig = { ed25519: edSig, mldsa65: hybridSign(kp.secretKey, Tag.executionRoots, msg).mldsa65 };
    assert.equal(hybridVerify(pk, Tag.executionRoots, msg, sig), true);
    assert.equal(await pool.verify(pk, Tag.executionRoots, msg, sig), true);
  });

  it('runs many tasks concurrently and keeps each answer with its request', async () => {
    const messages = Array.from({ length: 8 }, (_, i) => utf8(`m${i}`));
    const sigs = await Promise.all(messages.map((m) => pool.sign(kp.secretKey, Tag.block, m)));
    const verdicts = await Promise.all(messages.map((m, i) => pool.verify(kp.publicKey, Tag.block, m, sigs[(i + 1) % sigs.length])));
    assert.deepEqual(verdicts, messages.map(() => false));
    const good = await Promise.all(messages.map((m, i) => pool.verify(kp.publicKey, Tag.block, m, sigs[i])));
    assert.deepEqual(good, messages.map(() => true));
  });

  it('reports a bad secret key as an error, not a crash', async () => {
    await assert.rejects(pool.sign({ ed25519: kp.secretKey.ed25519, mldsa65: new Uint8Array(5) }, Tag.block, msg), WorkerPoolError);
    // Right length, impossible contents: the worker's ML-DSA refuses it and the pool survives.
    await assert.rejects(pool.sign({ ed25519: kp.secretKey.ed25519, mldsa65: new Uint8Array(4032).fill(0xff) }, Tag.block, msg), /worker task failed/);
    assert.equal(await pool.verify(kp.publicKey, Tag.block, msg, hybridSign(kp.secretKey, Tag.block, msg)), true);
  });

  it('close() rejects pending and later work, and is idempotent', async () => {
    const p = HybridWorkerPool.create(1);
    const pending = assert.rejects(p.sign(kp.secretKey, Tag.block, concatBytes(msg, msg)), /closed/);
    await p.close();
    await pending;
    await assert.rejects(p.sign(kp.secretKey, Tag.block, msg), /closed/);
    await assert.rejects(p.verify(kp.publicKey, Tag.block, msg, hybridSign(kp.secretKey, Tag.block, msg)), /closed/);
    await p.close();
  });

  it('stops respawning a worker that cannot start, and fails calls with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knhk-pool-'));
    const script = join(dir, 'broken-worker.mjs');
    writeFileSync(script, "throw new Error('cannot load ML-DSA');\n");
    const broken = HybridWorkerPool.create(1, { workerUrl: pathToFileURL(script) });
    try {
      let error: unknown;
      // Each call either meets a dying worker or the broken pool; after 3 failed starts it stays broken.
      for (let i = 0; i < 6; i++) {
        error = await broken.sign(kp.secretKey, Tag.block, msg).then(() => null, (e: unknown) => e);
        assert.ok(error instanceof WorkerPoolError);
      }
      assert.match(String(error), /worker pool broken: worker crashed: cannot load ML-DSA/);
    } finally {
      await broken.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a silly pool size', () => {
    assert.throws(() => HybridWorkerPool.create(0), WorkerPoolError);
    assert.throws(() => HybridWorkerPool.create(1.5), WorkerPoolError);
  });
});
