import assert from 'node:assert/strict';
import { canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { CommandDecodeError, applyBatch, decodeCommand, encodeCommand, type KernelCommand } from '../../kernel/api.js';
import { shapeProblem } from '../../kernel/command.js';
import { kvKernel } from './helpers.js';
import { encodeCommandTransient } from '../../kernel/command-encoding.js';
import { randomBatches } from './fixtures/random-workload.js';

describe('kernel commands', () => {
  const cmd: KernelCommand = { principal: 'alice', seq: 7, type: 'put', fields: { key: 'k', value: 'v', n: 3, b: new Uint8Array([1, 2]) }, signers: ['x'] };

  it('round-trips through canonical bytes', () => {
    const bytes = encodeCommand(cmd);
    assert.deepEqual(decodeCommand(bytes), cmd);
    assert.deepEqual(encodeCommand(decodeCommand(bytes)), bytes);
  });

  it('decodes to a deep-frozen command (so drivers may share it; its digest is computed once)', () => {
    const nested: KernelCommand = { principal: 'p', seq: 1, type: 't', fields: { o: { a: [1, { b: 2 }] }, s: 'x' }, signers: ['a'] };
    const d = decodeCommand(encodeCommand(nested));
    assert.ok(Object.isFrozen(d) && Object.isFrozen(d.fields) && Object.isFrozen(d.signers));
    const o = d.fields.o as { a: [number, { b: number }] };
    assert.ok(Object.isFrozen(o) && Object.isFrozen(o.a) && Object.isFrozen(o.a[1]));
    assert.throws(() => { (d.fields as Record<string, unknown>).s = 'y'; }, TypeError);
    assert.deepEqual(d, nested);
  });

  it('encodes the same command to the same bytes whatever the field order', () => {
    const a = encodeCommand({ principal: 'p', seq: 1, type: 't', fields: { a: 1, b: 2 } });
    const b = encodeCommand({ type: 't', fields: { b: 2, a: 1 }, seq: 1, principal: 'p' });
    assert.deepEqual(a, b);
  });

  const bad: [string, unknown][] = [
    ['an unknown key', { principal: 'p', seq: 1, type: 't', fields: {}, extra: 1 }],
    ['a missing principal', { seq: 1, type: 't', fields: {} }],
    ['a negative seq', { principal: 'p', seq: -1, type: 't', fields: {} }],
    ['fields that are a list', { principal: 'p', seq: 1, type: 't', fields: [] }],
    ['an overlong type', { principal: 'p', seq: 1, type: 'x'.repeat(65), fields: {} }],
    ['signers that are not strings', { principal: 'p', seq: 1, type: 't', fields: {}, signers: [1] }],
  ];
  for (const [what, value] of bad) {
    it(`rejects ${what} with CommandDecodeError`, () => {
      assert.throws(() => decodeCommand(canonicalEncode(value as never)), CommandDecodeError);
    });
  }

  it('rejects non-canonical and truncated bytes', () => {
    const bytes = encodeCommand(cmd);
    assert.throws(() => decodeCommand(bytes.subarray(0, bytes.length - 1)), CommandDecodeError);
    assert.throws(() => decodeCommand(new Uint8Array([0xff, 0, 1])), CommandDecodeError);
  });
});

describe('the direct command encoder', () => {
  const reference = (c: KernelCommand) => {
    const o: Record<string, CanonicalValue> = { principal: c.principal, seq: c.seq, type: c.type, fields: c.fields };
    if (c.signers !== undefined) o.signers = c.signers;
    return canonicalEncode(o);
  };

  it('writes exactly the canonical bytes for a random workload', () => {
    let n = 0;
    for (const batch of randomBatches(8, 5, 60)) {
      for (const c of batch) {
        assert.deepEqual(encodeCommand(c), reference(c));
        // The scratch-buffer variant applyBatch hashes gives the same bytes.
        assert.deepEqual(Uint8Array.from(encodeCommandTransient(c)), reference(c));
        n++;
      }
    }
    assert.equal(n, 300);
  });

  it('matches canonicalEncode on edge cases (unicode, bytes, nesting, signers, prototype names)', () => {
    const fieldSets: Record<string, CanonicalValue>[] = [
      {},
      { b: 1, a: 2, B: 3, _: 4, a0: 5 },
      { key: 'é日本🙂', n: -(2 ** 53 - 1), m: 2 ** 53 - 1, t: true, f: false, z: null },
      { bytes: new Uint8Array([0, 255, 7]), empty: new Uint8Array(0), s: '' },
      { nested: { x: [1, 'two'] }, list: ['a'] },
      { 'ünï': 1, u: 2 },
      { constructor: 'c', toString: 't', __proto__x: 1 },
    ];
    for (const fields of fieldSets) {
      for (const signers of [undefined, [], ['k1', 'ключ']]) {
        for (const principal of ['p', 'π-principal']) {
          const c: KernelCommand = signers === undefined ? { principal, seq: 2 ** 40, type: 'put', fields } : { principal, seq: 0, type: 't.é', fields, signers };
          assert.deepEqual(encodeCommand(c), reference(c), JSON.stringify({ fields: Object.keys(fields), signers, principal }));
          assert.deepEqual(Uint8Array.from(encodeCommandTransient(c)), reference(c));
        }
      }
    }
  });

  it('refuses what has no canonical form, like canonicalEncode', () => {
    assert.throws(() => encodeCommand({ principal: 'p', seq: 1, type: 't', fields: { s: 'lone \ud800' } }), /surrogate/);
    assert.throws(() => encodeCommand({ principal: 'p', seq: 1.5, type: 't', fields: {} }), /safe integer/);
    assert.throws(() => encodeCommand({ principal: 'p', seq: 1, type: 't', fields: { x: undefined as unknown as CanonicalValue } }), /undefined/);
  });
});

describe('decoded commands skip the repeated shape check', () => {
  it('a decoded command and an equal plain one give byte-identical receipts; a malformed one is still refused', () => {
    const cmd: KernelCommand = { principal: 'alice', seq: 1, type: 'put', fields: { key: 'a', value: '1' } };
    const decoded = decodeCommand(encodeCommand(cmd));
    assert.equal(shapeProblem(decoded), null);
    assert.equal(shapeProblem({ ...cmd, extra: 1 }), "command has unknown key 'extra'");
    assert.equal(shapeProblem(Object.freeze({ ...cmd, seq: -1 })), 'command.seq must be a non-negative safe integer');
    const plain = applyBatch(kvKernel(), [cmd, { ...cmd, seq: 2, bogus: true } as unknown as KernelCommand], { height: 1 });
    const viaDecode = applyBatch(kvKernel(), [decoded, { ...cmd, seq: 2, bogus: true } as unknown as KernelCommand], { height: 1 });
    assert.deepEqual(viaDecode.receiptBytes, plain.receiptBytes);
    assert.equal(viaDecode.receipts[1].ruleId, 'kernel.decode');
  });
});
