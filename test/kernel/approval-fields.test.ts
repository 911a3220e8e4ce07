import assert from 'node:assert/strict';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { copyFields } from '../../kernel/policy/approvals.js';

// An approval request stores a detached copy of the command's fields; the fast copy must equal the
// canonical round trip it replaces (values, key order, plain Uint8Arrays) and share no bytes.
describe('approval request fields copy', () => {
  const cases: Record<string, CanonicalValue>[] = [
    {},
    { b: 1, a: 'x', C: true, _: null, z: -(2 ** 53 - 1) },
    { key: 'é日本🙂', bytes: new Uint8Array([1, 2, 3]) },
    { nested: { y: [1, 'two'], x: null }, list: ['a'] },
    { 'ünï': 1, u: 2 },
    { buf: Buffer.from([9, 8]) as unknown as Uint8Array },
  ];

  it('equals canonicalDecode(canonicalEncode(fields)), in the same key order', () => {
    for (const f of cases) {
      const expected = canonicalDecode(canonicalEncode(f));
      const got = copyFields(f);
      assert.deepStrictEqual(got, expected);
      assert.deepEqual(Object.keys(got), Object.keys(expected as object));
    }
  });

  it('detaches bytes, even from a Buffer (whose slice would be a view)', () => {
    const src = Buffer.from([1, 2, 3]);
    const got = copyFields({ b: src as unknown as Uint8Array });
    src[0] = 99;
    assert.equal(Object.getPrototypeOf(got.b), Uint8Array.prototype);
    assert.deepEqual(got.b, new Uint8Array([1, 2, 3]));
  });
});
