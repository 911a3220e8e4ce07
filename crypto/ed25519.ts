// Ed25519 for client keys and the classical half of hybrid signatures.
//
// THE VERIFICATION RULE (every replica must reach the same verdict on the same bytes, or consensus
// splits): ZIP-215 (https://zips.z.cash/zip-0215) — S must be canonical (S < L); A and R may be any
// 32-byte encodings that decode to curve points (non-canonical y and small-order points allowed);
// the cofactored equation [8][S]B = [8]R + [8][k]A must hold, k = SHA-512(R || A || M) mod L.
// Reference implementation: @noble/curves `ed25519.verify(sig, msg, pk, { zip215: true })`.
//
// Fast path: node:crypto (OpenSSL) is ~16x faster but stricter (cofactorless equation, canonical
// encodings). Every signature OpenSSL accepts satisfies ZIP-215 (a cofactorless solution is a
// cofactored one; canonical encodings are a subset of accepted encodings), so: if OpenSSL accepts,
// the answer is "valid"; if it rejects, the ZIP-215 reference decides. The verdict is therefore
// exactly ZIP-215's by construction; test/crypto/ed25519.test.ts checks it on every vector.
// Cost: a valid signature ~0.15 ms; an invalid one also pays the reference check (~2.3 ms).
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesEqual, concatBytes, toHex } from './bytes.js';
import { Tag, hashTagged } from './hash.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  publicKey: Uint8Array;
  /** The 32-byte RFC 8032 seed. */
  secretKey: Uint8Array;
}

// DER prefixes that wrap a raw 32-byte key for node:crypto (SPKI and PKCS#8, OID 1.3.101.112).
const SPKI_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** A key pair from a 32-byte seed, or from fresh randomness. */
export function ed25519KeyPair(seed?: Uint8Array): Ed25519KeyPair {
  const secretKey = seed === undefined ? new Uint8Array(randomBytes(ED25519_SECRET_KEY_BYTES)) : seed.slice();
  if (secretKey.length !== ED25519_SECRET_KEY_BYTES) throw new TypeError(`ed25519 seed must be 32 bytes, got ${secretKey.length}`);
  const der = secretKeyObject(secretKey);
  const spki = createPublicKey(der).export({ format: 'der', type: 'spki' });
  return { publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)), secretKey };
}

/** The public key of a 32-byte seed. */
export function ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
  return ed25519KeyPair(secretKey).publicKey;
}

/** Deterministic RFC 8032 signature (64 bytes). Throws `TypeError` on a secret key of the wrong length. */
export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== ED25519_SECRET_KEY_BYTES) {
    throw new TypeError('ed25519 secret key must be 32 bytes');
  }
  return new Uint8Array(nodeSign(null, message, secretKeyObject(secretKey)));
}

/** The ZIP-215 verdict (see the header). Never throws: wrong types or lengths are `false`. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!wellFormed(publicKey, message, signature)) return false;
  const key = verifiedKey(publicKey, message, signature);
  if (verified.has(key)) return true;
  const valid = ed25519VerifyRule(publicKey, message, signature);
  if (valid) remember(key);
  return valid;
}

/** The same verdict as `ed25519Verify` without the memo (benchmarks; callers that never repeat). */
export function ed25519VerifyRule(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!wellFormed(publicKey, message, signature)) return false;
  return ed25519VerifyNative(publicKey, message, signature) || ed25519VerifyZip215(publicKey, message, signature);
}

// Replicas check the same signature more than once (a client command at admission and again when
// its block executes; a vote when collected and again inside every QC that carries it). A pure
// function may be memoised: a bounded set of SHA-256(publicKey || signature || message) of
// signatures already found valid turns a repeat into one hash (~2 µs instead of ~150 µs or more).
// Only valid results are kept, so junk cannot fill the set faster than real signatures could.
const verified = new Set<string>();
const VERIFIED_CACHE_MAX = 16_384;

function verifiedKey(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): string {
  return createHash('sha256').update(publicKey).update(signature).update(message).digest('base64');
}

function remember(key: string): void {
  // Evict the oldest entry (a Set keeps insertion order).
  if (verified.size >= VERIFIED_CACHE_MAX) verified.delete(verified.values().next().value as string);
  verified.add(key);
}

/** OpenSSL's (strict) verdict only. Exported for tests and benchmarks; consensus uses `ed25519Verify`. */
export function ed25519VerifyNative(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!wellFormed(publicKey, message, signature)) return false;
  try {
    return nodeVerify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    // OpenSSL refuses some encodings at key import; ZIP-215 may still accept them.
    return false;
  }
}

/** The ZIP-215 reference verdict (noble). Exported for tests and the worker pool's fallback. */
export function ed25519VerifyZip215(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!wellFormed(publicKey, message, signature)) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: true });
  } catch {
    return false;
  }
}

/** Key id of a client's Ed25519 public key: hex of H(ed25519KeyId || publicKey). */
export function ed25519KeyId(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== ED25519_PUBLIC_KEY_BYTES) {
    throw new TypeError('ed25519 public key must be 32 bytes');
  }
  return toHex(hashTagged(Tag.ed25519KeyId, publicKey));
}

function wellFormed(publicKey: unknown, message: unknown, signature: unknown): boolean {
  return (
    publicKey instanceof Uint8Array &&
    publicKey.length === ED25519_PUBLIC_KEY_BYTES &&
    message instanceof Uint8Array &&
    signature instanceof Uint8Array &&
    signature.length === ED25519_SIGNATURE_BYTES
  );
}

// KeyObject caches: importing a DER key costs about as much as a verification. Secret keys are
// cached by array identity (a replica signs with one key object) and re-checked against a copy so
// a mutated array never signs with a stale key; public keys by hex in a bounded map.
const secretKeys = new WeakMap<Uint8Array, { copy: Uint8Array; key: KeyObject }>();
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_MAX = 4096;

function secretKeyObject(secretKey: Uint8Array): KeyObject {
  const hit = secretKeys.get(secretKey);
  if (hit !== undefined && bytesEqual(hit.copy, secretKey)) return hit.key;
  const key = createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, secretKey)), format: 'der', type: 'pkcs8' });
  secretKeys.set(secretKey, { copy: secretKey.slice(), key });
  return key;
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = toHex(publicKey);
  let key = publicKeys.get(id);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
    // Evict the oldest entry (Map keeps insertion order); the cache only saves time, never decides.
    if (publicKeys.size >= PUBLIC_KEY_CACHE_MAX) publicKeys.delete(publicKeys.keys().next().value as string);
    publicKeys.set(id, key);
  }
  return key;
}
