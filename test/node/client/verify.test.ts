// Offline receipt verification: a genuine bundle verifies; every kind of tampering is caught with
// a reason; the JSON form round-trips.
import assert from 'node:assert/strict';
import { ed25519KeyPair } from '../../../crypto/ed25519.js';
import { bundleFromJson, bundleToJson, type ReceiptBundle } from '../../../node/client/bundle.js';
import { SignatureCache, verifyReceiptBundle } from '../../../node/client/verify.js';
import { Client } from '../../../node/sdk/index.js';
import { startFakeCluster, type FakeCluster } from './fake-cluster.js';

function clone(b: ReceiptBundle): ReceiptBundle {
  return bundleFromJson(JSON.parse(JSON.stringify(bundleToJson(b))));
}

describe('verifyReceiptBundle', function () {
  this.timeout(30_000);
  let fc: FakeCluster;
  let first: ReceiptBundle;
  let second: ReceiptBundle;

  before(async () => {
    fc = await startFakeCluster(4);
    const c = new Client({ cluster: fc.cluster, key: ed25519KeyPair(new Uint8Array(32).fill(9)) });
    try {
      first = (await c.submit('put', { key: 'a', value: '1' })).bundle;
      second = (await c.submit('put', { key: 'a', value: '2' })).bundle;
    } finally {
      await c.close();
      await fc.stop();
    }
  });

  it('accepts a genuine bundle, also after a JSON round trip, with its chain link', () => {
    const v = verifyReceiptBundle(clone(second), fc.cluster);
    assert.ok(v.ok, !v.ok ? v.reason : '');
    assert.equal(v.signers.length, 2);
    const linked = { ...clone(second), previousReceipt: first.record.receiptBytes };
    assert.ok(verifyReceiptBundle(linked, fc.cluster).ok);
  });

  it('rejects a tampered receipt, proof, root or height', () => {
    const b1 = clone(second);
    b1.record.receiptBytes[b1.record.receiptBytes.length - 3] ^= 1;
    assert.equal(verifyReceiptBundle(b1, fc.cluster).ok, false);
    const b2 = clone(second);
    b2.record.receiptsRoot[0] ^= 1;
    const v2 = verifyReceiptBundle(b2, fc.cluster);
    assert.ok(!v2.ok && /inclusion proof/.test(v2.reason));
    const b3 = clone(second);
    b3.record.stateRoot[0] ^= 1;
    const v3 = verifyReceiptBundle(b3, fc.cluster);
    assert.ok(!v3.ok && /only 0 valid validator signatures/.test(v3.reason), !v3.ok ? v3.reason : '');
    const b4 = clone(second);
    b4.record.height += 1;
    const v4 = verifyReceiptBundle(b4, fc.cluster);
    assert.ok(!v4.ok && /height/.test(v4.reason));
  });

  it('needs f+1 distinct validators: a repeated or forged signature does not count', () => {
    const b = clone(second);
    b.signatures = [b.signatures[0], b.signatures[0], b.signatures[0]];
    const v = verifyReceiptBundle(b, fc.cluster);
    assert.ok(!v.ok && /only 1 valid/.test(v.reason));
    const forged = clone(second);
    const other = [0, 1, 2, 3].find((r) => !forged.signatures.some((s) => s.replica === r))!;
    forged.signatures[1] = { replica: other, signature: forged.signatures[1].signature }; // one validator's signature claimed as another's
    const vf = verifyReceiptBundle(forged, fc.cluster);
    assert.ok(!vf.ok && new RegExp(`invalid signatures from replicas ${other}`).test(vf.reason), !vf.ok ? vf.reason : '');
    const outside = clone(second);
    outside.signatures[1] = { replica: 17, signature: outside.signatures[1].signature };
    assert.equal(verifyReceiptBundle(outside, fc.cluster).ok, false);
  });

  it('a cache never lets a new ML-DSA half ride on a verified Ed25519 half', () => {
    const cache = new SignatureCache();
    assert.ok(verifyReceiptBundle(clone(second), fc.cluster, cache).ok);
    const b = clone(second);
    b.signatures[0].signature.mldsa65[10] ^= 1;
    b.signatures[1].signature.mldsa65[10] ^= 1;
    assert.equal(verifyReceiptBundle(b, fc.cluster, cache).ok, false);
  });

  it('detects a broken chain link', () => {
    const wrongPrev = { ...clone(first), previousReceipt: second.record.receiptBytes };
    const v = verifyReceiptBundle(wrongPrev, fc.cluster);
    assert.ok(!v.ok && /chain broken/.test(v.reason));
  });

  it('rejects malformed JSON bundles with a named field', () => {
    const j = bundleToJson(second) as unknown as Record<string, unknown>;
    assert.throws(() => bundleFromJson({ ...j, blockHash: 'zz' }), /blockHash/);
    assert.throws(() => bundleFromJson({ ...j, format: 'other' }), /format/);
    assert.throws(() => bundleFromJson({ ...j, signatures: [{ replica: 0, signature: '00' }] }), /signatures\[0\]/);
    assert.throws(() => bundleFromJson(null), /bundle must be an object/);
  });
});
