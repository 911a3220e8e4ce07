import assert from 'node:assert/strict';
import { concatBytes, toHex, utf8 } from '../../crypto/bytes.js';
import { ed25519Verify } from '../../crypto/ed25519.js';
import { Tag } from '../../crypto/hash.js';
import {
  HYBRID_SIGNATURE_BYTES,
  HybridEncodingError,
  decodeHybridPublicKey,
  decodeHybridSignature,
  encodeHybridPublicKey,
  encodeHybridSignature,
  hybridKeyId,
  hybridKeyPair,
  hybridPublicKeyOf,
  hybridSign,
  hybridSignedBytes,
  hybridVerify,
  type HybridSignature,
} from '../../crypto/hybrid.js';
import { mldsaVerify } from '../../crypto/mldsa.js';

const flip = (b: Uint8Array, at = 0) => b.map((x, i) => (i === at ? x ^ 1 : x));

describe('crypto/hybrid', () => {
  // Key generation and ML-DSA signing cost milliseconds each: share one fixture across the suite.
  const alice = hybridKeyPair(new Uint8Array(32).fill(1));
  const bob = hybridKeyPair(new Uint8Array(32).fill(2));
  const msg = utf8('root of block 7');
  const sig = hybridSign(alice.secretKey, Tag.executionRoots, msg);

  it('a signature verifies under its key, tag and message', () => {
    assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, msg, sig), true);
  });

  it('key generation from a seed and signing are deterministic', () => {
    const again = hybridKeyPair(new Uint8Array(32).fill(1));
    assert.equal(hybridKeyId(again.publicKey), hybridKeyId(alice.publicKey));
    assert.equal(toHex(encodeHybridSignature(hybridSign(again.secretKey, Tag.executionRoots, msg))), toHex(encodeHybridSignature(sig)));
    assert.notEqual(hybridKeyId(hybridKeyPair().publicKey), hybridKeyId(hybridKeyPair().publicKey));
  });

  it('the public key recomputed from the secret key matches', () => {
    assert.equal(hybridKeyId(hybridPublicKeyOf(alice.secretKey)), hybridKeyId(alice.publicKey));
  });

  it('rejects a tampered message, a wrong tag and a wrong key', () => {
    assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, flip(msg), sig), false);
    assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, concatBytes(msg, new Uint8Array([0])), sig), false);
    assert.equal(hybridVerify(alice.publicKey, Tag.vote, msg, sig), false);
    assert.equal(hybridVerify(bob.publicKey, Tag.executionRoots, msg, sig), false);
  });

  it('rejects when either half is tampered, missing, or borrowed from another signature', () => {
    const other = hybridSign(alice.secretKey, Tag.executionRoots, utf8('another message'));
    const bobs = hybridSign(bob.secretKey, Tag.executionRoots, msg);
    const cases: [string, HybridSignature][] = [
      ['ed25519 R flipped', { ...sig, ed25519: flip(sig.ed25519, 0) }],
      ['ed25519 S flipped', { ...sig, ed25519: flip(sig.ed25519, 40) }],
      ['mldsa flipped', { ...sig, mldsa65: flip(sig.mldsa65, 100) }],
      ['mldsa last byte flipped', { ...sig, mldsa65: flip(sig.mldsa65, sig.mldsa65.length - 1) }],
      ['ed25519 from another message', { ...sig, ed25519: other.ed25519 }],
      ['mldsa from another message', { ...sig, mldsa65: other.mldsa65 }],
      ['ed25519 from another key', { ...sig, ed25519: bobs.ed25519 }],
      ['mldsa from another key', { ...sig, mldsa65: bobs.mldsa65 }],
      ['ed25519 zeroed', { ...sig, ed25519: new Uint8Array(64) }],
      ['mldsa zeroed', { ...sig, mldsa65: new Uint8Array(sig.mldsa65.length) }],
    ];
    for (const [name, s] of cases) assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, msg, s), false, name);
    // Each half alone is genuinely valid, so the rejections above come from the hybrid rule.
    const bytes = hybridSignedBytes(Tag.executionRoots, msg);
    assert.equal(ed25519Verify(alice.publicKey.ed25519, bytes, sig.ed25519), true);
    assert.equal(mldsaVerify(65, alice.publicKey.mldsa65, bytes, sig.mldsa65), true);
  });

  it('a half is not a plain signature of the untagged message (no stripping into another protocol)', () => {
    assert.equal(ed25519Verify(alice.publicKey.ed25519, msg, sig.ed25519), false);
    assert.equal(mldsaVerify(65, alice.publicKey.mldsa65, msg, sig.mldsa65), false);
  });

  it('never throws on malformed keys, signatures or arguments', () => {
    const junk: unknown[] = [null, undefined, {}, { ed25519: sig.ed25519 }, { ed25519: 'x', mldsa65: 'y' }, { ed25519: sig.ed25519.subarray(1), mldsa65: sig.mldsa65 }, { ed25519: sig.ed25519, mldsa65: concatBytes(sig.mldsa65, new Uint8Array(1)) }];
    for (const s of junk) assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, msg, s as HybridSignature), false);
    for (const pk of junk) assert.equal(hybridVerify(pk as never, Tag.executionRoots, msg, sig), false);
    assert.equal(hybridVerify(alice.publicKey, '', msg, sig), false);
    assert.equal(hybridVerify(alice.publicKey, 'bad\0tag', msg, sig), false);
    assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, 'text' as never, sig), false);
  });

  it('signature encoding is a fixed 3,373-byte layout; bad lengths throw HybridEncodingError', () => {
    const enc = encodeHybridSignature(sig);
    assert.equal(enc.length, HYBRID_SIGNATURE_BYTES);
    assert.equal(hybridVerify(alice.publicKey, Tag.executionRoots, msg, decodeHybridSignature(enc)), true);
    assert.throws(() => decodeHybridSignature(enc.subarray(1)), HybridEncodingError);
    assert.throws(() => decodeHybridSignature(concatBytes(enc, new Uint8Array(1))), HybridEncodingError);
    assert.throws(() => decodeHybridSignature(new Uint8Array()), /3373 bytes, got 0/);
    assert.throws(() => encodeHybridSignature({ ed25519: new Uint8Array(3), mldsa65: sig.mldsa65 }), HybridEncodingError);
  });

  it('public key encoding round-trips; key id binds both halves', () => {
    const enc = encodeHybridPublicKey(alice.publicKey);
    assert.equal(hybridKeyId(decodeHybridPublicKey(enc)), hybridKeyId(alice.publicKey));
    assert.throws(() => decodeHybridPublicKey(enc.subarray(2)), HybridEncodingError);
    const mixed = { ed25519: alice.publicKey.ed25519, mldsa65: bob.publicKey.mldsa65 };
    assert.notEqual(hybridKeyId(mixed), hybridKeyId(alice.publicKey));
    assert.notEqual(hybridKeyId(mixed), hybridKeyId(bob.publicKey));
    assert.match(hybridKeyId(alice.publicKey), /^[0-9a-f]{64}$/);
  });

  it('signing refuses malformed secret keys and tags with a clear error', () => {
    assert.throws(() => hybridSign({ ed25519: new Uint8Array(32), mldsa65: new Uint8Array(10) }, Tag.block, msg), HybridEncodingError);
    assert.throws(() => hybridSign(alice.secretKey, 'a\0b', msg), /NUL/);
    assert.throws(() => hybridKeyPair(new Uint8Array(31)), /32 bytes/);
  });
});
