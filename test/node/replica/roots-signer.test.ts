import assert from 'node:assert/strict';
import { hybridKeyPair, hybridSign } from '../../../crypto/hybrid.js';
import { sha256 } from '../../../crypto/hash.js';
import { decodeResponse, encodeResponse } from '../../../node/client/codec.js';
import { bundleFromJson, bundleToJson, signedRootsOf } from '../../../node/client/bundle.js';
import { SignatureCache } from '../../../node/client/verify.js';
import { verifySignedRoots } from '../../../node/replica/execution-roots.js';
import { RootsSigner, type RootsToSign } from '../../../node/replica/roots-signer.js';
import type { SignedRoots } from '../../../node/replica/services.js';

const keys = hybridKeyPair(new Uint8Array(32).fill(7));
const other = hybridKeyPair(new Uint8Array(32).fill(8));
const roots = (height: number): RootsToSign => ({
  height,
  blockHash: sha256(Uint8Array.of(1, height)),
  receiptsRoot: sha256(Uint8Array.of(2, height)),
  stateRoot: sha256(Uint8Array.of(3, height)),
});

function signer(o: { durable: number; minIntervalMs?: number; maxBatch?: number; now?: () => number }) {
  const batches: SignedRoots[][] = [];
  let signCalls = 0;
  const s = new RootsSigner({
    pool: { sign: async (sk, tag, msg) => (signCalls++, hybridSign(sk, tag, msg)) },
    secretKey: keys.secretKey,
    replica: 2,
    durableAbove: (h) => Array.from({ length: Math.max(0, o.durable - h) }, (_, i) => roots(h + 1 + i)),
    onSigned: (b) => batches.push(b),
    onError: (_h, e) => assert.fail(e),
    minIntervalMs: o.minIntervalMs ?? 0,
    maxBatch: o.maxBatch,
    now: o.now,
  });
  return { s, batches, signCalls: () => signCalls };
}

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await settle(5);
  }
}

describe('roots signer (many heights per hybrid signature)', function () {
  this.timeout(30_000);

  it('one signature covers the requested height and every newer durable one; each verifies with its proof', async () => {
    const t = signer({ durable: 9 });
    t.s.request(roots(4));
    await until(() => t.batches.length === 1);
    const batch = t.batches[0];
    assert.deepEqual(batch.map((b) => b.height), [4, 5, 6, 7, 8, 9]);
    assert.equal(t.signCalls(), 1);
    for (const b of batch) {
      assert.equal(b.replica, 2);
      assert.deepEqual(b.batch?.size, 6);
      assert.equal(verifySignedRoots(keys.publicKey, b), true, `height ${b.height}`);
      assert.equal(verifySignedRoots(other.publicKey, b), false, 'another key');
    }
  });

  it('a proof cannot vouch for other roots, another height or another place in the batch', async () => {
    const t = signer({ durable: 5 });
    t.s.request(roots(2));
    await until(() => t.batches.length === 1);
    const b = t.batches[0][1]; // height 3
    assert.equal(verifySignedRoots(keys.publicKey, b), true);
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, height: 4 }), false);
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, stateRoot: roots(9).stateRoot }), false);
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, batch: { ...b.batch!, index: 2 } }), false);
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, batch: { ...b.batch!, size: 5 } }), false);
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, batch: undefined }), false, 'as a single-height signature');
    assert.equal(verifySignedRoots(keys.publicKey, { ...b, batch: { ...b.batch!, path: b.batch!.path.slice(1) } }), false);
  });

  it('requests arriving while it signs, or within minIntervalMs, share the next signature', async () => {
    // A frozen clock: however long the first signature takes on a loaded machine, the next one is
    // not allowed before a full interval (a real 150 ms timer) from the request that wants it.
    const t = signer({ durable: 3, minIntervalMs: 150, now: () => 0 });
    t.s.request(roots(1));
    t.s.request(roots(1)); // queued once
    await until(() => t.batches.length === 1);
    const t0 = Date.now();
    // Heights 10..12 are requested (not durable in memory here): they wait for the interval.
    for (const h of [12, 10, 11]) t.s.request(roots(h));
    await settle(40);
    assert.equal(t.batches.length, 1, 'no second signature inside the interval');
    await until(() => t.batches.length === 2);
    assert.ok(Date.now() - t0 >= 100, 'waited for the interval');
    assert.deepEqual(t.batches[1].map((b) => b.height), [10, 11, 12]);
    assert.equal(t.signCalls(), 2);
    t.s.close();
  });

  it('caps a batch at maxBatch heights; the rest are signed next', async () => {
    const t = signer({ durable: 0, maxBatch: 2 });
    // The first request starts a signature at once; the three queued meanwhile need two more.
    for (const h of [5, 6, 7, 8]) t.s.request(roots(h));
    await until(() => t.batches.length === 3);
    assert.deepEqual(t.batches.map((b) => b.map((x) => x.height)), [[5], [6, 7], [8]]);
  });

  it('travels on the wire and in receipt bundles with its proof, and a cache verifies a batch signature once', async () => {
    const t = signer({ durable: 4 });
    t.s.request(roots(1));
    await until(() => t.batches.length === 1);
    const s = t.batches[0][2];
    const wire = decodeResponse(encodeResponse(9, { kind: 'signedRoots', roots: s }));
    assert.equal(wire.res.kind, 'signedRoots');
    const back = (wire.res as { roots: SignedRoots }).roots;
    assert.deepEqual(back, s);
    const record = { height: s.height, blockHash: s.blockHash, index: 0, receiptBytes: new Uint8Array(1), proof: { index: 0, size: 1, path: [] }, receiptsRoot: s.receiptsRoot, stateRoot: s.stateRoot };
    const bundle = bundleFromJson(JSON.parse(JSON.stringify(bundleToJson({ record, signatures: [{ replica: 2, signature: s.signature, batch: s.batch }] }))));
    assert.deepEqual(bundle.signatures[0].batch, s.batch);
    const cache = new SignatureCache();
    assert.equal(verifySignedRoots(keys.publicKey, signedRootsOf(bundle.record, bundle.signatures[0]), cache), true);
    // Another height of the same batch: same signed message, so the cache answers.
    const sibling = t.batches[0][0];
    const verifiedBefore = JSON.stringify([...(cache as unknown as { valid: Set<string> }).valid]);
    assert.equal(verifySignedRoots(keys.publicKey, sibling, cache), true);
    assert.equal(JSON.stringify([...(cache as unknown as { valid: Set<string> }).valid]), verifiedBefore, 'one cache entry for the whole batch');
  });

  it('reads v1 bundles (single-height signatures) as before', () => {
    const r = roots(3);
    const json = bundleToJson({ record: { ...r, index: 0, receiptBytes: new Uint8Array(1), proof: { index: 0, size: 1, path: [] } }, signatures: [] });
    const v1 = { ...json, format: 'knhk-receipt-bundle/v1' };
    assert.equal(bundleFromJson(v1).signatures.length, 0);
    assert.throws(() => bundleFromJson({ ...json, format: 'knhk-receipt-bundle/v9' }), /bundle.format/);
  });
});
