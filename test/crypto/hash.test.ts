import assert from 'node:assert/strict';
import { blake3 } from '@noble/hashes/blake3.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { bytesEqual, compareBytes, concatBytes, fromHex, toHex, utf8 } from '../../crypto/bytes.js';
import { Tag, hashTagged, hashTaggedInto, hashTaggedPairInto, hashTaggedPrefix, hashTaggedWith, sha256, sha256Prefix, tagPrefix } from '../../crypto/hash.js';

describe('crypto/bytes', () => {
  it('hex round-trips and rejects bad input', () => {
    const b = new Uint8Array([0, 1, 0xab, 0xff]);
    assert.equal(toHex(b), '0001abff');
    assert.deepEqual(fromHex('0001ABff'), b);
    assert.deepEqual(fromHex(''), new Uint8Array());
    assert.throws(() => fromHex('abc'), /odd length/);
    assert.throws(() => fromHex('zz'), /non-hex/);
    assert.throws(() => fromHex('0x00'), /non-hex/);
    assert.throws(() => fromHex(' 00'), /odd length|non-hex/);
  });

  it('concat, equality and byte order', () => {
    assert.deepEqual(concatBytes(utf8('ab'), new Uint8Array(), utf8('c')), utf8('abc'));
    assert.equal(bytesEqual(utf8('a'), utf8('a')), true);
    assert.equal(bytesEqual(utf8('a'), utf8('ab')), false);
    assert.equal(compareBytes(utf8('a'), utf8('ab')), -1);
    assert.equal(compareBytes(utf8('b'), utf8('ab')), 1);
    assert.equal(compareBytes(utf8('ab'), utf8('ab')), 0);
  });
});

describe('crypto/hash', () => {
  const parts = [utf8('hello'), new Uint8Array([0, 1, 2]), new Uint8Array(1000).fill(7)];

  it('hashTagged is SHA-256(tag || 0x00 || parts) and node matches noble byte for byte', () => {
    const expected = nobleSha256(concatBytes(utf8(Tag.block), new Uint8Array([0]), ...parts));
    assert.equal(toHex(hashTagged(Tag.block, ...parts)), toHex(expected));
    // A known answer, so a change of construction cannot pass silently.
    assert.equal(toHex(hashTagged('knhk/v1/block')), toHex(nobleSha256(utf8('knhk/v1/block\0'))));
  });

  it('distinct tags give distinct hashes of the same bytes; tags are unique', () => {
    const seen = new Set<string>();
    for (const tag of Object.values(Tag)) seen.add(toHex(hashTagged(tag, ...parts)));
    assert.equal(seen.size, Object.values(Tag).length);
    assert.equal(new Set(Object.values(Tag)).size, Object.values(Tag).length);
  });

  it('the 0x00 separator keeps tag and data apart', () => {
    // Without a separator, tag "ab" + data "c" would collide with tag "a" + data "bc".
    assert.notEqual(toHex(hashTagged('knhk/ab', utf8('c'))), toHex(hashTagged('knhk/a', utf8('bc'))));
  });

  it('BLAKE3 and SHAKE-256 variants match @noble/hashes, 32 bytes', () => {
    const input = concatBytes(utf8(Tag.receipt), new Uint8Array([0]), ...parts);
    assert.equal(toHex(hashTaggedWith('blake3', Tag.receipt, ...parts)), toHex(blake3(input)));
    assert.equal(toHex(hashTaggedWith('shake256', Tag.receipt, ...parts)), toHex(shake256(input, { dkLen: 32 })));
    assert.equal(toHex(hashTaggedWith('sha256', Tag.receipt, ...parts)), toHex(hashTagged(Tag.receipt, ...parts)));
    for (const alg of ['sha256', 'blake3', 'shake256'] as const) assert.equal(hashTaggedWith(alg, Tag.receipt).length, 32);
  });

  it('node SHA-256 equals noble on 1 MiB and on empty input', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => i * 31);
    assert.equal(toHex(hashTagged(Tag.snapshot, big)), toHex(nobleSha256(concatBytes(tagPrefix(Tag.snapshot), big))));
    assert.equal(toHex(hashTagged(Tag.snapshot, new Uint8Array())), toHex(nobleSha256(tagPrefix(Tag.snapshot))));
  });

  it('rejects empty tags, tags with NUL and unknown algorithms', () => {
    assert.throws(() => hashTagged('', utf8('x')), TypeError);
    assert.throws(() => hashTagged('knhk/v1/a\0b', utf8('x')), /NUL/);
    assert.throws(() => hashTaggedWith('md5' as never, Tag.block), /unknown hash algorithm/);
  });

  it('the one-shot path, the scratch growth and the streaming path give the same hash as noble', () => {
    // Sizes straddle the scratch buffer (1 KiB) and the one-shot limit (16 KiB); parts split unevenly.
    for (const n of [0, 1, 31, 1000, 1024, 1025, 16 * 1024 - 20, 16 * 1024, 16 * 1024 + 1, 70_000]) {
      const data = new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff);
      const a = data.subarray(0, n >> 1);
      const b = data.subarray(n >> 1);
      const expected = toHex(nobleSha256(concatBytes(tagPrefix(Tag.receipt), data)));
      assert.equal(toHex(hashTagged(Tag.receipt, data)), expected, `${n} bytes, one part`);
      assert.equal(toHex(hashTagged(Tag.receipt, a, b)), expected, `${n} bytes, two parts`);
    }
  });

  it('hashes handed out stay intact when later hashes reuse the scratch buffer', () => {
    const first = hashTagged(Tag.block, utf8('one'));
    const copy = toHex(first);
    for (let i = 0; i < 100; i++) hashTagged(Tag.block, new Uint8Array(i * 200));
    assert.equal(toHex(first), copy);
    assert.equal(first.buffer.byteLength, 32);
  });

  it('prefix hashes of reused buffers equal hashes of copies (cached views, many buffers, changed contents)', () => {
    const bufs = Array.from({ length: 7 }, (_, k) => new Uint8Array(k === 6 ? 70_000 : 20_000 + k).map((_, i) => (i * 7 + k) & 0xff)); // the last one too large to be cached
    for (let round = 0; round < 3; round++) {
      for (const [k, buf] of bufs.entries()) {
        for (const n of [0, 1, 63, 64, 65, 470, 1024, 16 * 1024 - 20, 16 * 1024, 16 * 1024 + 1, 20_000]) {
          buf[n >> 1] ^= round + 1; // same buffer, same length, new contents
          const copy = buf.slice(0, n);
          assert.equal(toHex(hashTaggedPrefix(Tag.stateLeaf, buf, n)), toHex(nobleSha256(concatBytes(tagPrefix(Tag.stateLeaf), copy))), `buffer ${k}, ${n} bytes`);
          assert.equal(toHex(sha256Prefix(buf, n)), toHex(sha256(copy)), `buffer ${k}, ${n} bytes, untagged`);
        }
      }
    }
  });

  it('returns plain Uint8Arrays, not Buffers', () => {
    assert.equal(Object.getPrototypeOf(hashTagged(Tag.block)), Uint8Array.prototype);
  });
});

describe('crypto/hash: digests written into arrays', () => {
  it('hashTaggedInto and hashTaggedPairInto write exactly hashTagged, also in place', () => {
    const flat = new Uint8Array(4 * 32).map((_, i) => (i * 37 + 11) & 255);
    const a = flat.slice(32, 64);
    const b = flat.slice(96, 128);
    const expected = hashTagged(Tag.merkleNode, a, b);
    // In place: the output slot is the first input's.
    hashTaggedPairInto(Tag.merkleNode, flat, 32, flat, 96, flat, 32);
    assert.deepEqual(flat.subarray(32, 64), expected);
    const out = new Uint8Array(40);
    hashTaggedInto(out, 5, Tag.stateGroup, a, new Uint8Array(2000).fill(3));
    assert.deepEqual(out.subarray(5, 37), hashTagged(Tag.stateGroup, a, new Uint8Array(2000).fill(3)));
    assert.deepEqual(out.subarray(0, 5), new Uint8Array(5));
    assert.deepEqual(out.subarray(37), new Uint8Array(3));
    const big = new Uint8Array(20_000).fill(9); // over the one-shot limit: streamed
    hashTaggedInto(out, 8, Tag.stateRoot, big);
    assert.deepEqual(out.subarray(8, 40), hashTagged(Tag.stateRoot, big));
  });
});
