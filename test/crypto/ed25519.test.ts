import assert from 'node:assert/strict';
import { concatBytes, toHex, utf8 } from '../../crypto/bytes.js';
import { ed25519KeyId, ed25519KeyPair, ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../crypto/ed25519.js';

const flip = (b: Uint8Array, at: number) => b.map((x, i) => (i === at ? x ^ 1 : x));

describe('crypto/ed25519', () => {
  const kp = ed25519KeyPair(new Uint8Array(32).fill(5));
  const msg = utf8('command bytes');
  const sig = ed25519Sign(kp.secretKey, msg);

  it('signs and verifies; keys from a seed are reproducible', () => {
    assert.equal(ed25519Verify(kp.publicKey, msg, sig), true);
    assert.equal(toHex(ed25519PublicKey(new Uint8Array(32).fill(5))), toHex(kp.publicKey));
    assert.notEqual(toHex(ed25519KeyPair().publicKey), toHex(ed25519KeyPair().publicKey));
  });

  it('rejects a tampered message, signature or key', () => {
    assert.equal(ed25519Verify(kp.publicKey, flip(msg, 0), sig), false);
    assert.equal(ed25519Verify(kp.publicKey, concatBytes(msg, new Uint8Array(1)), sig), false);
    for (const at of [0, 31, 32, 63]) assert.equal(ed25519Verify(kp.publicKey, msg, flip(sig, at)), false, `sig byte ${at}`);
    assert.equal(ed25519Verify(flip(kp.publicKey, 3), msg, sig), false);
    assert.equal(ed25519Verify(ed25519KeyPair().publicKey, msg, sig), false);
  });

  it('truncated, oversized and non-byte inputs are false, never an exception', () => {
    assert.equal(ed25519Verify(kp.publicKey, msg, sig.subarray(0, 63)), false);
    assert.equal(ed25519Verify(kp.publicKey, msg, concatBytes(sig, new Uint8Array(1))), false);
    assert.equal(ed25519Verify(kp.publicKey.subarray(1), msg, sig), false);
    assert.equal(ed25519Verify(concatBytes(kp.publicKey, new Uint8Array(1)), msg, sig), false);
    assert.equal(ed25519Verify(new Uint8Array(32).fill(0xff), msg, sig), false, 'not a curve point');
    for (const junk of [null, undefined, 'text', 42, {}, [1, 2]]) {
      assert.equal(ed25519Verify(junk as never, msg, sig), false);
      assert.equal(ed25519Verify(kp.publicKey, junk as never, sig), false);
      assert.equal(ed25519Verify(kp.publicKey, msg, junk as never), false);
    }
  });

  it('signing refuses a secret key of the wrong length', () => {
    assert.throws(() => ed25519Sign(new Uint8Array(31), msg), /32 bytes/);
    assert.throws(() => ed25519KeyPair(new Uint8Array(64)), /32 bytes/);
  });

  it('the key cache never signs with a stale key after the array is changed', () => {
    const sk = new Uint8Array(32).fill(6);
    const first = ed25519Sign(sk, msg);
    sk.fill(7);
    const second = ed25519Sign(sk, msg);
    assert.notEqual(toHex(first), toHex(second));
    assert.equal(ed25519Verify(ed25519PublicKey(new Uint8Array(32).fill(7)), msg, second), true);
  });

  it('a repeated verification gives the same verdict, and the memo is keyed by key, message and signature', () => {
    const m = utf8('verified twice');
    const s = ed25519Sign(kp.secretKey, m);
    assert.equal(ed25519Verify(kp.publicKey, m, s), true);
    assert.equal(ed25519Verify(kp.publicKey, m, s), true);
    assert.equal(ed25519Verify(kp.publicKey, utf8('verified twicE'), s), false);
    assert.equal(ed25519Verify(ed25519KeyPair().publicKey, m, s), false);
    assert.equal(ed25519Verify(kp.publicKey, m, flip(s, 10)), false);
    assert.equal(ed25519Verify(kp.publicKey, m, s), true);
  });

  it('key ids are 32-byte hex, distinct per key, and refuse malformed keys', () => {
    assert.match(ed25519KeyId(kp.publicKey), /^[0-9a-f]{64}$/);
    assert.notEqual(ed25519KeyId(kp.publicKey), ed25519KeyId(ed25519KeyPair().publicKey));
    assert.throws(() => ed25519KeyId(new Uint8Array(31)), TypeError);
  });
});
