// Hybrid signatures: Ed25519 + ML-DSA-65 (FIPS 204). A hybrid signature is valid only if BOTH
// halves verify over the same domain-tagged message, so it stays unforgeable as long as either
// scheme is unbroken (classical security today, post-quantum security later).
//
// Signed bytes (both halves sign exactly these):
//   utf8('knhk/v1/hybrid-signature') 0x00 utf8(tag) 0x00 message
// The fixed prefix keeps a hybrid half from ever being valid as a plain Ed25519 signature of a
// knhk object; the tag separates object types; tags never contain 0x00, so the split is unique.
// ML-DSA signs with the FIPS 204 empty context and *deterministic* signing (no fresh randomness):
// the same key and message always give the same bytes, which keeps simulator runs reproducible.
import { randomBytes } from 'node:crypto';
import { concatBytes, toHex } from './bytes.js';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SECRET_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519KeyPair, ed25519Sign, ed25519VerifyRule } from './ed25519.js';
import { Tag, hashTagged, tagPrefix } from './hash.js';
import { MLDSA_LENGTHS, mldsaKeygen, mldsaPublicKey, mldsaSign, mldsaVerify } from './mldsa.js';

export const MLDSA65_PUBLIC_KEY_BYTES = MLDSA_LENGTHS[65].publicKey;
export const MLDSA65_SECRET_KEY_BYTES = MLDSA_LENGTHS[65].secretKey;
export const MLDSA65_SIGNATURE_BYTES = MLDSA_LENGTHS[65].signature;
/** Encoded hybrid signature: Ed25519 signature (64) then ML-DSA-65 signature (3,309). */
export const HYBRID_SIGNATURE_BYTES = ED25519_SIGNATURE_BYTES + MLDSA65_SIGNATURE_BYTES;
/** Encoded hybrid public key: Ed25519 key (32) then ML-DSA-65 key (1,952). */
export const HYBRID_PUBLIC_KEY_BYTES = ED25519_PUBLIC_KEY_BYTES + MLDSA65_PUBLIC_KEY_BYTES;

export interface HybridPublicKey {
  ed25519: Uint8Array;
  mldsa65: Uint8Array;
}
export interface HybridSecretKey {
  /** 32-byte Ed25519 seed. */
  ed25519: Uint8Array;
  /** 4,032-byte expanded ML-DSA-65 secret key (kept expanded: deriving it costs ~3 ms). */
  mldsa65: Uint8Array;
}
export interface HybridKeyPair {
  publicKey: HybridPublicKey;
  secretKey: HybridSecretKey;
}
export interface HybridSignature {
  ed25519: Uint8Array;
  mldsa65: Uint8Array;
}

/** Raised when bytes are not an encoded hybrid signature or public key. */
export class HybridEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HybridEncodingError';
  }
}

const HYBRID_PREFIX = tagPrefix(Tag.hybridSignature);

/** The exact bytes both halves sign for (tag, message). Throws `TypeError` on a bad tag. */
export function hybridSignedBytes(tag: string, message: Uint8Array): Uint8Array {
  return concatBytes(HYBRID_PREFIX, tagPrefix(tag), message);
}

/**
 * A hybrid key pair. With a 32-byte `seed` it is deterministic: each half's seed is derived from
 * it under its own tag (test clusters and the simulator need reproducible keys).
 */
export function hybridKeyPair(seed?: Uint8Array): HybridKeyPair {
  const master = seed === undefined ? new Uint8Array(randomBytes(32)) : seed;
  if (!(master instanceof Uint8Array) || master.length !== 32) throw new TypeError('hybrid key seed must be 32 bytes');
  const ed = ed25519KeyPair(hashTagged(Tag.keygenEd25519, master));
  const ml = mldsaKeygen(65, hashTagged(Tag.keygenMlDsa65, master));
  return {
    publicKey: { ed25519: ed.publicKey, mldsa65: ml.publicKey },
    secretKey: { ed25519: ed.secretKey, mldsa65: ml.secretKey },
  };
}

/** The public half of a secret key (recomputes ML-DSA's public key: ~3 ms). */
export function hybridPublicKeyOf(sk: HybridSecretKey): HybridPublicKey {
  checkSecretKey(sk);
  return { ed25519: ed25519KeyPair(sk.ed25519).publicKey, mldsa65: mldsaPublicKey(65, sk.mldsa65) };
}

/** Signs `message` under domain `tag` with both halves (~10 ms, dominated by ML-DSA). */
export function hybridSign(sk: HybridSecretKey, tag: string, message: Uint8Array): HybridSignature {
  checkSecretKey(sk);
  const bytes = hybridSignedBytes(tag, message);
  return {
    ed25519: ed25519Sign(sk.ed25519, bytes),
    mldsa65: mldsaSign(65, sk.mldsa65, bytes),
  };
}

/** True iff both halves verify over (tag, message). Never throws; Ed25519 (cheap) is checked first. */
export function hybridVerify(pk: HybridPublicKey, tag: string, message: Uint8Array, sig: HybridSignature): boolean {
  try {
    if (!hybridShapesValid(pk, sig) || !(message instanceof Uint8Array)) return false;
    const bytes = hybridSignedBytes(tag, message);
    // No Ed25519 memo here: ML-DSA dominates the cost, and a memo would only blur benchmarks.
    return ed25519VerifyRule(pk.ed25519, bytes, sig.ed25519) && mldsaVerify(65, pk.mldsa65, bytes, sig.mldsa65);
  } catch {
    return false;
  }
}

/** Key id: hex of H(keyId || ed25519 public key || ML-DSA-65 public key). Binds both halves. */
export function hybridKeyId(pk: HybridPublicKey): string {
  checkPublicKey(pk);
  return toHex(hashTagged(Tag.keyId, pk.ed25519, pk.mldsa65));
}

/** Fixed layout: ed25519 (64) || mldsa65 (3,309) = 3,373 bytes. */
export function encodeHybridSignature(sig: HybridSignature): Uint8Array {
  if (sig?.ed25519?.length !== ED25519_SIGNATURE_BYTES || sig?.mldsa65?.length !== MLDSA65_SIGNATURE_BYTES) {
    throw new HybridEncodingError('hybrid signature halves have the wrong lengths');
  }
  return concatBytes(sig.ed25519, sig.mldsa65);
}

/** Inverse of `encodeHybridSignature`; throws `HybridEncodingError` unless exactly 3,373 bytes. */
export function decodeHybridSignature(bytes: Uint8Array): HybridSignature {
  if (!(bytes instanceof Uint8Array) || bytes.length !== HYBRID_SIGNATURE_BYTES) {
    throw new HybridEncodingError(`hybrid signature must be ${HYBRID_SIGNATURE_BYTES} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
  return {
    ed25519: bytes.slice(0, ED25519_SIGNATURE_BYTES),
    mldsa65: bytes.slice(ED25519_SIGNATURE_BYTES),
  };
}

/** Fixed layout: ed25519 (32) || mldsa65 (1,952) = 1,984 bytes. */
export function encodeHybridPublicKey(pk: HybridPublicKey): Uint8Array {
  checkPublicKey(pk);
  return concatBytes(pk.ed25519, pk.mldsa65);
}

/** Inverse of `encodeHybridPublicKey`; throws `HybridEncodingError` unless exactly 1,984 bytes. */
export function decodeHybridPublicKey(bytes: Uint8Array): HybridPublicKey {
  if (!(bytes instanceof Uint8Array) || bytes.length !== HYBRID_PUBLIC_KEY_BYTES) {
    throw new HybridEncodingError(`hybrid public key must be ${HYBRID_PUBLIC_KEY_BYTES} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`);
  }
  return { ed25519: bytes.slice(0, ED25519_PUBLIC_KEY_BYTES), mldsa65: bytes.slice(ED25519_PUBLIC_KEY_BYTES) };
}

/** Lengths of a public key and signature are right (cheap, done before any curve or lattice work). */
export function hybridShapesValid(pk: HybridPublicKey, sig: HybridSignature): boolean {
  return (
    pk?.ed25519 instanceof Uint8Array &&
    pk.ed25519.length === ED25519_PUBLIC_KEY_BYTES &&
    pk.mldsa65 instanceof Uint8Array &&
    pk.mldsa65.length === MLDSA65_PUBLIC_KEY_BYTES &&
    sig?.ed25519 instanceof Uint8Array &&
    sig.ed25519.length === ED25519_SIGNATURE_BYTES &&
    sig.mldsa65 instanceof Uint8Array &&
    sig.mldsa65.length === MLDSA65_SIGNATURE_BYTES
  );
}

function checkPublicKey(pk: HybridPublicKey): void {
  if (pk?.ed25519?.length !== ED25519_PUBLIC_KEY_BYTES || pk?.mldsa65?.length !== MLDSA65_PUBLIC_KEY_BYTES) {
    throw new HybridEncodingError('hybrid public key halves have the wrong lengths');
  }
}

function checkSecretKey(sk: HybridSecretKey): void {
  if (sk?.ed25519?.length !== ED25519_SECRET_KEY_BYTES || sk?.mldsa65?.length !== MLDSA65_SECRET_KEY_BYTES) {
    throw new HybridEncodingError('hybrid secret key halves have the wrong lengths');
  }
}
