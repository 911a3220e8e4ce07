import assert from 'node:assert/strict';
import { canonicalEncode } from '../../crypto/canonical.js';
import { CommandDecodeError, decodeCommand, encodeCommand, type KernelCommand } from '../../kernel/api.js';

describe('kernel commands', () => {
  const cmd: KernelCommand = { principal: 'alice', seq: 7, type: 'put', fields: { key: 'k', value: 'v', n: 3, b: new Uint8Array([1, 2]) }, signers: ['x'] };

  it('round-trips through canonical bytes', () => {
    const bytes = encodeCommand(cmd);
    assert.deepEqual(decodeCommand(bytes), cmd);
    assert.deepEqual(encodeCommand(decodeCommand(bytes)), bytes);
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
