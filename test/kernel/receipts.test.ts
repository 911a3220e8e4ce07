import assert from 'node:assert/strict';
import { bytesEqual } from '../../crypto/bytes.js';
import { merkleLeafHash, merkleProof, merkleRoot } from '../../crypto/merkle.js';
import { encodeReceiptHashed } from '../../kernel/receipt-encoding.js';
import { canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { applyBatch, commandDigest, decodeReceipt, encodeReceipt, receiptHash, stateRoot, verifyReceipt, type KernelCommand, type Receipt } from '../../kernel/api.js';
import { randomBatches } from './fixtures/random-workload.js';
import { Chain, Client, governanceKernel, kvKernel } from './helpers.js';

describe('receipts', () => {
  it('one receipt per command, chained by hash across batches, indexed globally', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    const r1 = chain.apply([c.cmd('alice', 'put', { key: 'a', value: '1' }), c.cmd('bob', 'get', { key: 'a' })]);
    const r2 = chain.apply([c.cmd('alice', 'get', { key: 'a' })]);
    assert.deepEqual(r1.receipts[0].prevReceiptHash, new Uint8Array(32));
    assert.ok(bytesEqual(r1.receipts[1].prevReceiptHash, receiptHash(r1.receiptBytes[0])));
    assert.ok(bytesEqual(r2.receipts[0].prevReceiptHash, receiptHash(r1.receiptBytes[1])));
    assert.deepEqual([...r1.receipts, ...r2.receipts].map((r) => r.index), [0, 1, 2]);
    assert.deepEqual([...r1.receipts, ...r2.receipts].map((r) => r.height), [1, 1, 2]);
    assert.equal(r1.receipts[1].output, '1', 'get returns the value read');
  });

  it('receipt byte arrays of a batch never overlap (they may share a buffer) and hold exactly the encoding', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    const cmds = Array.from({ length: 40 }, (_, i) => c.cmd(i % 2 ? 'alice' : 'bob', 'put', { key: `k${i}`, value: 'v'.repeat(i * 50) }));
    const r = chain.apply(cmds);
    const copies = r.receiptBytes.map((b) => b.slice());
    r.receiptBytes.forEach((b, i) => assert.deepEqual(b, encodeReceipt(r.receipts[i])));
    r.receiptBytes[7].fill(0xff);
    r.receiptBytes.forEach((b, i) => i !== 7 && assert.deepEqual(b, copies[i], `receipt ${i} changed when 7 was overwritten`));
  });

  it('carries the command digest, principal, descriptor and fuel', () => {
    const c = new Client();
    const cmd = c.cmd('alice', 'put', { key: 'a', value: '1' });
    const r = new Chain(kvKernel()).apply([cmd]);
    const rc = r.receipts[0];
    assert.ok(bytesEqual(rc.commandDigest, commandDigest(cmd)));
    assert.equal(rc.principal, 'alice');
    assert.equal(rc.seq, 1);
    assert.equal(rc.descriptorVersion, 1);
    assert.ok(rc.fuelUsed > 0);
    assert.deepEqual(decodeReceipt(r.receiptBytes[0]), rc);
    assert.deepEqual(encodeReceipt(rc), r.receiptBytes[0]);
  });

  it('verifies against the batch root with an inclusion proof; a tampered receipt or proof fails', () => {
    const c = new Client();
    const batch = Array.from({ length: 7 }, (_, i) => c.cmd('alice', 'put', { key: `k${i}`, value: `${i}` }));
    const r = new Chain(kvKernel()).apply(batch);
    for (let i = 0; i < 7; i++) assert.ok(verifyReceipt(r.receiptBytes[i], merkleProof(r.receiptBytes, i), r.receiptsRoot));
    const tampered = encodeReceipt({ ...r.receipts[3], output: 'forged' });
    assert.equal(verifyReceipt(tampered, merkleProof(r.receiptBytes, 3), r.receiptsRoot), false);
    assert.equal(verifyReceipt(r.receiptBytes[3], merkleProof(r.receiptBytes, 4), r.receiptsRoot), false);
    assert.equal(verifyReceipt(r.receiptBytes[3], { index: 3, size: 7, path: [] }, r.receiptsRoot), false);
  });

  it('the effects digest differs between commands that wrote different things', () => {
    const c = new Client();
    const r = new Chain(kvKernel()).apply([c.cmd('alice', 'put', { key: 'a', value: '1' }), c.cmd('alice', 'put', { key: 'a', value: '2' }), c.cmd('alice', 'get', { key: 'a' }), c.cmd('bob', 'get', { key: 'b' })]);
    assert.ok(!bytesEqual(r.receipts[0].effectsDigest, r.receipts[1].effectsDigest));
    assert.ok(bytesEqual(r.receipts[2].effectsDigest, r.receipts[3].effectsDigest), 'reads write nothing');
  });

  it('strict decoding rejects malformed receipts', () => {
    const r = new Chain(kvKernel()).apply([{ principal: 'alice', seq: 1, type: 'get', fields: { key: 'a' } }]);
    const bytes = r.receiptBytes[0];
    assert.throws(() => decodeReceipt(bytes.subarray(1)), /receipt/);
    assert.throws(() => decodeReceipt(encodeReceipt({ ...r.receipts[0], decision: 'MAYBE' as never })), /decision/);
  });

  it('never throws on garbage commands: each gets a failed receipt', () => {
    const garbage = [
      null,
      42,
      { principal: 'alice' },
      { principal: 'alice', seq: 1.5, type: 'get', fields: {} },
      { principal: 'alice', seq: 1, type: 'get', fields: { key: '\ud800' } },
      { principal: 'alice', seq: 2, type: 'get', fields: { key: 0.5 } },
      { principal: 'alice', seq: 3, type: 'put', fields: { key: 'k', value: 'v'.repeat(5000) } },
      { principal: 'alice', seq: 4, type: 'get', fields: { key: 'ok' } },
    ] as unknown as KernelCommand[];
    const r = applyBatch(kvKernel(), garbage, { height: 1 });
    assert.equal(r.receipts.length, garbage.length);
    assert.deepEqual(r.receipts.map((x) => x.result), ['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'ok']);
    assert.match(r.receipts[4].reason ?? '', /no canonical encoding/);
    assert.match(r.receipts[6].reason ?? '', /longer than 4096/);
  });
});

describe('receipts for oversized commands', () => {
  it('fails a command whose encoding exceeds the command size limit, without executing it', () => {
    const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'x'.repeat(60_000)]));
    const r = applyBatch(kvKernel(), [{ principal: 'alice', seq: 1, type: 'put', fields: big }, { principal: 'alice', seq: 1, type: 'get', fields: { key: 'a' } }], { height: 1 });
    assert.equal(r.receipts[0].result, 'failed');
    assert.match(r.receipts[0].reason ?? '', /exceeds 524288/);
    assert.equal(r.receipts[1].result, 'ok', 'seq 1 was not used up by the rejected command');
  });
});

describe('receipts are the caller’s to keep', () => {
  it('scribbling over every byte array of a receipt changes neither state nor later receipts', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    const first = chain.apply([c.cmd('alice', 'get', { key: 'a' }), c.cmd('alice', 'put', { key: 'a', value: '1' })]);
    const root = stateRoot(chain.state);
    for (const r of first.receipts) for (const b of [r.commandDigest, r.descriptorHash, r.effectsDigest, r.prevReceiptHash]) b.fill(0xee);
    assert.deepEqual(stateRoot(chain.state), root);
    const next = chain.apply([c.cmd('alice', 'get', { key: 'b' })]);
    assert.ok(bytesEqual(next.receipts[0].prevReceiptHash, receiptHash(first.receiptBytes[1])));
    assert.ok(!next.receipts[0].descriptorHash.every((x) => x === 0xee));
    assert.ok(!next.receipts[0].effectsDigest.every((x) => x === 0xee));
  });

  it('the batch result carries the receipt chain head (and the receipts root) as the caller\'s own arrays', () => {
    const c = new Client();
    const chain = new Chain(kvKernel());
    const one = chain.apply([c.cmd('alice', 'put', { key: 'a', value: '1' })]);
    assert.ok(bytesEqual(one.receiptChainHead, receiptHash(one.receiptBytes[0])));
    assert.ok(bytesEqual(one.receiptsRoot, receiptHash(one.receiptBytes[0])), 'a one-receipt tree: the root is the leaf');
    const root = stateRoot(chain.state);
    one.receiptChainHead.fill(0xee);
    one.receiptsRoot.fill(0xee);
    assert.deepEqual(stateRoot(chain.state), root);
    const empty = chain.apply([]);
    assert.ok(bytesEqual(empty.receiptChainHead, receiptHash(one.receiptBytes[0])), 'an empty batch keeps the head');
    const two = chain.apply([c.cmd('alice', 'get', { key: 'a' }), c.cmd('bob', 'get', { key: 'a' })]);
    assert.ok(bytesEqual(two.receipts[0].prevReceiptHash, receiptHash(one.receiptBytes[0])));
    assert.ok(bytesEqual(two.receiptChainHead, receiptHash(two.receiptBytes[1])));
    assert.deepEqual(applyBatch(kvKernel(), [], { height: 1 }).receiptChainHead, new Uint8Array(32));
  });
});

describe('the direct receipt encoder', () => {
  const plain = (r: Receipt) => canonicalEncode({ ...r } as unknown as CanonicalValue);

  it('writes exactly the canonical bytes for every receipt of a random workload', () => {
    let s = governanceKernel();
    let n = 0;
    randomBatches(5, 8, 50).forEach((batch, i) => {
      const r = applyBatch(s, batch, { height: i + 1 });
      s = r.state;
      r.receipts.forEach((rc, j) => {
        assert.deepEqual(r.receiptBytes[j], plain(rc));
        n++;
      });
      // applyBatch hashes receipts in place and folds leaf hashes: same root as from the bytes.
      assert.deepEqual(r.receiptsRoot, merkleRoot(r.receiptBytes));
    });
    assert.equal(n, 400);
  });

  it('handles unicode, nulls, negative and large integers, bytes and nested outputs', () => {
    const base = new Chain(kvKernel()).apply([{ principal: 'alice', seq: 1, type: 'get', fields: { key: 'a' } }]).receipts[0];
    const outputs: CanonicalValue[] = [null, true, false, 0, -1, -(2 ** 53 - 1), 2 ** 53 - 1, '', 'ascii', 'é', '日本語', '🙂 emoji', new Uint8Array([1, 2]), [1, 'two', null], { b: 1, a: [{ z: 'é' }] }];
    for (const output of outputs) {
      for (const principal of ['p', 'ünïcode', '🙂']) {
        for (const reason of [null, 'why', 'naïve “quotes”']) {
          const r: Receipt = { ...base, output, principal, reason, ruleId: reason === null ? null : 'r.1', index: 2 ** 40, seq: 7 };
          assert.deepEqual(encodeReceipt(r), plain(r), JSON.stringify({ output: String(output), principal, reason }));
          assert.deepEqual(decodeReceipt(encodeReceipt(r)), r);
          const hashed = encodeReceiptHashed(r);
          assert.deepEqual(hashed.bytes, plain(r));
          assert.deepEqual(hashed.hash, receiptHash(plain(r)));
          assert.deepEqual(hashed.hash, merkleLeafHash(plain(r)), 'the chain link is the Merkle leaf hash');
        }
      }
    }
  });

  it('refuses what has no canonical form, like canonicalEncode', () => {
    const base = new Chain(kvKernel()).apply([{ principal: 'alice', seq: 1, type: 'get', fields: { key: 'a' } }]).receipts[0];
    assert.throws(() => encodeReceipt({ ...base, output: 'lone \ud800' }), /surrogate/);
    assert.throws(() => encodeReceipt({ ...base, principal: '\udc00' }), /surrogate/);
    assert.throws(() => encodeReceipt({ ...base, fuelUsed: 1.5 }), /safe integer/);
    assert.throws(() => encodeReceiptHashed({ ...base, principal: '\udc00' }), /surrogate/);
    assert.throws(() => encodeReceiptHashed({ ...base, fuelUsed: 1.5 }), /safe integer/);
  });
});
