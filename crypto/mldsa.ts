// ML-DSA (FIPS 204) through one door: @noble/post-quantum, keys used as given (no combineSigners,
// which re-derives keys on every call). knhk itself signs with ML-DSA-65 (hybrid.ts); 44 and 87 are
// here so the Wycheproof and ACVP vectors of all three parameter sets run through this module.
// Signing is deterministic (FIPS 204 §3.4 "deterministic variant", rnd = 0^32) unless randomness
// is passed: the same key and message give the same signature, which keeps simulations replayable.
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

export type MlDsaLevel = 44 | 65 | 87;

const SCHEMES = { 44: ml_dsa44, 65: ml_dsa65, 87: ml_dsa87 } as const;

/** Lengths in bytes per parameter set (FIPS 204 Table 2). */
export const MLDSA_LENGTHS: Record<MlDsaLevel, { publicKey: number; secretKey: number; signature: number }> = {
  44: { publicKey: 1312, secretKey: 2560, signature: 2420 },
  65: { publicKey: 1952, secretKey: 4032, signature: 3309 },
  87: { publicKey: 2592, secretKey: 4896, signature: 4627 },
};

/** FIPS 204 limits the context string to 255 bytes. */
export const MLDSA_CONTEXT_BYTES_MAX = 255;

export interface MlDsaSignOptions {
  /** FIPS 204 context string (default empty). */
  context?: Uint8Array;
  /** 32 bytes of signing randomness (hedged variant); default 32 zero bytes (deterministic). */
  randomness?: Uint8Array;
}

function scheme(level: MlDsaLevel) {
  const s = SCHEMES[level];
  if (s === undefined) throw new TypeError(`unknown ML-DSA level ${String(level)}`);
  return s;
}

/** ML-DSA.KeyGen from a 32-byte seed ξ (FIPS 204 Algorithm 6). */
export function mldsaKeygen(level: MlDsaLevel, seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array } {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) throw new TypeError('ML-DSA seed must be 32 bytes');
  return scheme(level).keygen(seed);
}

/** The public key of an expanded secret key. Throws on a malformed key. */
export function mldsaPublicKey(level: MlDsaLevel, secretKey: Uint8Array): Uint8Array {
  return scheme(level).getPublicKey(secretKey);
}

/** ML-DSA.Sign (pure, FIPS 204 Algorithm 2). Throws on a malformed key or context. */
export function mldsaSign(level: MlDsaLevel, secretKey: Uint8Array, message: Uint8Array, options: MlDsaSignOptions = {}): Uint8Array {
  checkSecretKey(level, secretKey);
  return scheme(level).sign(message, secretKey, {
    context: options.context,
    extraEntropy: options.randomness ?? false,
  });
}

/** ML-DSA.Verify (pure, FIPS 204 Algorithm 3). Never throws: any malformed input is `false`. */
export function mldsaVerify(level: MlDsaLevel, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, context?: Uint8Array): boolean {
  try {
    if (!lengthsOk(level, publicKey, signature) || !(message instanceof Uint8Array)) return false;
    if (context !== undefined && (!(context instanceof Uint8Array) || context.length > MLDSA_CONTEXT_BYTES_MAX)) return false;
    return scheme(level).verify(signature, message, publicKey, { context });
  } catch {
    return false;
  }
}

/** Sign_internal over a caller-computed 64-byte µ (FIPS 204 "external µ"). */
export function mldsaSignMu(level: MlDsaLevel, secretKey: Uint8Array, mu: Uint8Array, randomness?: Uint8Array): Uint8Array {
  checkSecretKey(level, secretKey);
  return scheme(level).internal.sign(mu, secretKey, { externalMu: true, extraEntropy: randomness ?? false });
}

/** Verify_internal over a 64-byte µ. Never throws. */
export function mldsaVerifyMu(level: MlDsaLevel, publicKey: Uint8Array, mu: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (!lengthsOk(level, publicKey, signature) || !(mu instanceof Uint8Array) || mu.length !== 64) return false;
    return scheme(level).internal.verify(signature, mu, publicKey, { externalMu: true });
  } catch {
    return false;
  }
}

/** Verify_internal over an already-formatted message M' (FIPS 204 Algorithm 8; ACVP "internal"). Never throws. */
export function mldsaVerifyInternal(level: MlDsaLevel, publicKey: Uint8Array, formattedMessage: Uint8Array, signature: Uint8Array): boolean {
  try {
    if (!lengthsOk(level, publicKey, signature) || !(formattedMessage instanceof Uint8Array)) return false;
    return scheme(level).internal.verify(signature, formattedMessage, publicKey, { externalMu: false });
  } catch {
    return false;
  }
}

function lengthsOk(level: MlDsaLevel, publicKey: unknown, signature: unknown): boolean {
  const l = MLDSA_LENGTHS[level];
  return (
    l !== undefined &&
    publicKey instanceof Uint8Array &&
    publicKey.length === l.publicKey &&
    signature instanceof Uint8Array &&
    signature.length === l.signature
  );
}

function checkSecretKey(level: MlDsaLevel, secretKey: Uint8Array): void {
  const l = MLDSA_LENGTHS[level];
  if (l === undefined) throw new TypeError(`unknown ML-DSA level ${String(level)}`);
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== l.secretKey) {
    throw new TypeError(`ML-DSA-${level} secret key must be ${l.secretKey} bytes`);
  }
}
