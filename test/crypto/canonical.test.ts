import assert from 'node:assert/strict';
import { toHex, fromHex } from '../../crypto/bytes.js';
import { CanonicalError, canonicalDecode, canonicalEncode, canonicalHash, canonicalHashLabelled, type CanonicalValue } from '../../crypto/canonical.js';
import { hashTagged } from '../../crypto/hash.js';
import { utf8 } from '../../crypto/bytes.js';

const roundTrip = (v: CanonicalValue) => canonicalDecode(canonicalEncode(v));

/** A small deterministic PRNG (xorshift32) so the fuzz cases are the same on every run. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

describe('crypto/canonical', () => {
  it('encodes each type with the documented layout (golden bytes)', () => {
    assert.equal(toHex(canonicalEncode(null)), '00');
    assert.equal(toHex(canonicalEncode(false)), '01');
    assert.equal(toHex(canonicalEncode(true)), '02');
    assert.equal(toHex(canonicalEncode(1)), '030000000000000001');
    assert.equal(toHex(canonicalEncode(-2)), '03fffffffffffffffe');
    assert.equal(toHex(canonicalEncode('hé')), '0400000003' + '68c3a9');
    assert.equal(toHex(canonicalEncode(new Uint8Array([9]))), '050000000109');
    assert.equal(toHex(canonicalEncode([null, true])), '06000000020002');
    assert.equal(toHex(canonicalEncode({ b: 1, a: null })), '0700000002' + '0000000161' + '00' + '0000000162' + '030000000000000001');
  });

  it('round-trips nested values, including extreme integers and empty containers', () => {
    const v: CanonicalValue = {
      int: [0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
      s: ['', 'ascii', 'ünïcödé', '😀', '\uFEFFbom'],
      b: [new Uint8Array(), new Uint8Array([0, 255])],
      nested: { deeper: { list: [[], {}], flag: false } },
      nil: null,
    };
    assert.deepEqual(roundTrip(v), v);
  });

  it('object key order does not change the bytes; keys sort by UTF-8 bytes, not UTF-16', () => {
    assert.deepEqual(canonicalEncode({ a: 1, b: 2 }), canonicalEncode({ b: 2, a: 1 }));
    // U+FF61 (UTF-8 ef bd a1) sorts before U+1F600 (f0 9f 98 80) by bytes, after it by UTF-16 units.
    const enc = canonicalEncode({ '😀': 1, '｡': 2 });
    const firstKey = enc.subarray(9, 12);
    assert.equal(toHex(firstKey), 'efbda1');
  });

  it('objects encode as an independent reference does: ASCII fast path, >16 keys, non-ASCII keys, empty keys', () => {
    const u32 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const ref = (o: Record<string, string>): string => {
      const keys = Object.keys(o).map((k) => [Buffer.from(k, 'utf8'), k] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
      const out: number[] = [0x07, ...u32(keys.length)];
      for (const [kb, k] of keys) {
        const vb = Buffer.from(o[k], 'utf8');
        out.push(...u32(kb.length), ...kb, 0x04, ...u32(vb.length), ...vb);
      }
      return toHex(new Uint8Array(out));
    };
    const rnd = prng(7);
    const alphabet = ['a', 'b', 'B', 'z', '_', '0', '~', ' ', 'é', '｡', '😀'];
    for (let n = 0; n < 300; n++) {
      const o: Record<string, string> = {};
      const count = Math.floor(rnd() * 22);
      const ascii = rnd() < 0.7;
      for (let i = 0; i < count; i++) {
        let k = '';
        for (let j = Math.floor(rnd() * 4); j > 0; j--) k += alphabet[Math.floor(rnd() * (ascii ? 8 : alphabet.length))];
        o[k] = `v${i}`;
      }
      assert.equal(toHex(canonicalEncode(o)), ref(o), JSON.stringify(o));
    }
  });

  it('the size limit counts real bytes, exactly at the boundary', () => {
    const limits = { depthMax: 64, bytesMax: 15 };
    assert.equal(canonicalEncode('x'.repeat(10), limits).length, 15);
    assert.throws(() => canonicalEncode('x'.repeat(11), limits), /exceeds the limit/);
    assert.equal(canonicalEncode('é'.repeat(5), limits).length, 15);
    assert.throws(() => canonicalEncode('é'.repeat(5) + 'x', limits), /exceeds the limit/);
  });

  it('short ASCII, long ASCII and non-ASCII strings decode alike', () => {
    for (const s of ['', 'a', 'k'.repeat(64), 'k'.repeat(65), 'x'.repeat(5000), 'é', 'a'.repeat(63) + 'é', '\u007f\u0000']) {
      assert.equal(roundTrip(s), s);
      assert.deepEqual(Object.keys(roundTrip({ [s]: 1 }) as object), [s]);
    }
  });

  it('a key named __proto__ is data, not a prototype', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as CanonicalValue;
    const back = roundTrip(v) as Record<string, CanonicalValue>;
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.keys(back), ['__proto__', 'x']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses values with no canonical encoding', () => {
    const bad: [string, unknown][] = [
      ['float', 1.5],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['unsafe integer', 2 ** 53],
      ['undefined', undefined],
      ['undefined in object', { a: undefined }],
      ['sparse array hole', [1, , 3]],
      ['bigint', 1n],
      ['function', () => 1],
      ['symbol', Symbol('s')],
      ['Map', new Map()],
      ['Date', new Date(0)],
      ['lone surrogate', '\uD800'],
      ['lone surrogate key', { '\uDC00': 1 }],
    ];
    for (const [name, v] of bad) assert.throws(() => canonicalEncode(v as CanonicalValue), CanonicalError, name);
  });

  it('refuses nesting deeper than the limit when encoding and decoding', () => {
    let deep: CanonicalValue = null;
    for (let i = 0; i < 70; i++) deep = [deep];
    assert.throws(() => canonicalEncode(deep), /nesting deeper/);
    // Hand-built: 70 arrays of one element each, then null.
    const bytes = fromHex('0600000001'.repeat(70) + '00');
    assert.throws(() => canonicalDecode(bytes), /nesting deeper/);
    assert.doesNotThrow(() => canonicalDecode(fromHex('0600000001'.repeat(60) + '00')));
  });

  it('rejects non-canonical, truncated, trailing and oversized input with CanonicalError', () => {
    const bad: [string, string][] = [
      ['empty input', ''],
      ['unknown type', '08'],
      ['trailing byte', '0000'],
      ['truncated integer', '0300000000'],
      ['integer beyond 2^53', '030020000000000000'],
      ['truncated string length', '040000'],
      ['string longer than input', '0400000005' + '6162'],
      ['invalid UTF-8', '0400000001' + 'ff'],
      ['overlong UTF-8', '0400000002' + 'c0af'],
      ['UTF-8 surrogate', '0400000003' + 'eda080'],
      ['array count beyond input', '06ffffffff'],
      ['object keys unsorted', '0700000002' + '000000016200' + '000000016100'],
      ['object keys duplicated', '0700000002' + '000000016100' + '000000016100'],
      ['object count beyond input', '0700ffffff'],
    ];
    for (const [name, h] of bad) assert.throws(() => canonicalDecode(fromHex(h)), CanonicalError, name);
    assert.throws(() => canonicalDecode(new Uint8Array(100), { depthMax: 64, bytesMax: 50 }), /exceeds the limit/);
    assert.throws(() => canonicalEncode('x'.repeat(100), { depthMax: 64, bytesMax: 50 }), /exceeds the limit/);
    assert.throws(() => canonicalDecode('00' as never), CanonicalError);
  });

  it('fuzz: any mutation of a valid encoding either fails cleanly or is itself canonical', () => {
    const rand = prng(20261123);
    const base = canonicalEncode({ k: [1, 'two', new Uint8Array([3]), { x: null, y: true }], z: -5 });
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const m = base.slice(0, Math.max(0, base.length - (rand() < 0.1 ? Math.floor(rand() * 4) : 0)));
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips && m.length > 0; f++) m[Math.floor(rand() * m.length)] = Math.floor(rand() * 256);
      let v: CanonicalValue;
      try {
        v = canonicalDecode(m);
      } catch (e) {
        assert.ok(e instanceof CanonicalError, `unexpected ${String(e)}`);
        continue;
      }
      accepted++;
      // Accepted bytes must be the one encoding of what they decode to.
      assert.equal(toHex(canonicalEncode(v)), toHex(m));
    }
    assert.ok(accepted > 0, 'some mutations (e.g. inside byte strings) are still valid encodings');
  });

  it('canonicalHash and canonicalHashLabelled equal hashing the materialised bytes', () => {
    const values: CanonicalValue[] = [null, true, 0, -5, 2 ** 53 - 1, '', 'ascii', 'é€😀', 'x'.repeat(300), new Uint8Array([1, 2]), [1, 'a', [null]], { b: 1, a: [2, { c: 'é' }] }];
    for (const v of values) {
      assert.equal(toHex(canonicalHash('knhk/test', v)), toHex(hashTagged('knhk/test', canonicalEncode(v))));
      for (const label of ['u/kv/k1', 'é/ключ', 'k'.repeat(400), '']) {
        const l = utf8(label);
        const len = new Uint8Array(4);
        new DataView(len.buffer).setUint32(0, l.length);
        assert.equal(toHex(canonicalHashLabelled('knhk/test', label, v)), toHex(hashTagged('knhk/test', len, l, canonicalEncode(v))), label);
      }
    }
    assert.throws(() => canonicalHash('knhk/test', 1.5 as CanonicalValue), CanonicalError);
    // A failed encoding leaves the shared writer usable.
    assert.equal(toHex(canonicalEncode({ a: 'b' })), toHex(canonicalEncode({ a: 'b' })));
  });

  it('encodings handed out are independent copies (the writer buffer is reused)', () => {
    const a = canonicalEncode('first');
    const b = canonicalEncode('other');
    assert.deepEqual(canonicalDecode(a), 'first');
    assert.deepEqual(canonicalDecode(b), 'other');
    assert.notEqual(a.buffer, b.buffer);
  });
});
