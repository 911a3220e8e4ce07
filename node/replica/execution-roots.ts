// The one fixed byte layout a replica signs over the results of executing a block, used by both
// the signer (replica driver) and every verifier (SDK, `knhk verify`): a verifier that rebuilt the
// bytes any other way could accept what no replica signed.
//
// Layout (101 bytes): version 0x01 | height u64 big-endian | blockHash 32 | receiptsRoot 32 | stateRoot 32.
//
// A replica signs many heights at once (ML-DSA-65 costs ~10 ms per signature): the leaves of an
// RFC 6962 Merkle tree are the 101-byte messages of the heights in the batch, and it hybrid-signs
// (same tag) the batch message, 37 bytes: version 0x02 | leaf count u32 big-endian | Merkle root 32.
// Each height's SignedRoots carries its inclusion proof; a verifier rebuilds the leaf from the
// roots it holds, recomputes the tree root from the proof, and checks the signature over that.
// A leaf names its own height, and the two layouts differ in their first byte, so neither form
// can be passed off as the other or as another height.
import { concatBytes, toHex } from '../../crypto/bytes.js';
import { Tag, sha256 } from '../../crypto/hash.js';
import { hybridVerify, type HybridPublicKey } from '../../crypto/hybrid.js';
import { merkleRootFromProof } from '../../crypto/merkle.js';
import type { SignedRoots } from './services.js';

export const EXECUTION_ROOTS_VERSION = 1;
export const EXECUTION_ROOTS_BATCH_VERSION = 2;
const HASH_BYTES = 32;

export function executionRootsMessage(height: number, blockHash: Uint8Array, receiptsRoot: Uint8Array, stateRoot: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(height) || height < 0) throw new RangeError(`execution roots: bad height ${height}`);
  for (const [name, h] of [['blockHash', blockHash], ['receiptsRoot', receiptsRoot], ['stateRoot', stateRoot]] as const) {
    if (h.length !== HASH_BYTES) throw new RangeError(`execution roots: ${name} must be ${HASH_BYTES} bytes, got ${h.length}`);
  }
  const out = new Uint8Array(1 + 8 + 3 * HASH_BYTES);
  out[0] = EXECUTION_ROOTS_VERSION;
  new DataView(out.buffer).setBigUint64(1, BigInt(height), false);
  out.set(blockHash, 9);
  out.set(receiptsRoot, 9 + HASH_BYTES);
  out.set(stateRoot, 9 + 2 * HASH_BYTES);
  return out;
}

/** The domain tag of execution-roots signatures. */
export const EXECUTION_ROOTS_TAG: string = Tag.executionRoots;

/** The 37-byte message a replica signs over a batch: version 0x02 | leaf count u32 BE | Merkle root. */
export function executionRootsBatchMessage(size: number, root: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(size) || size < 1 || size > 0xffffffff) throw new RangeError(`execution roots batch: bad size ${size}`);
  if (root.length !== HASH_BYTES) throw new RangeError(`execution roots batch: root must be ${HASH_BYTES} bytes`);
  const out = new Uint8Array(1 + 4 + HASH_BYTES);
  out[0] = EXECUTION_ROOTS_BATCH_VERSION;
  new DataView(out.buffer).setUint32(1, size, false);
  out.set(root, 5);
  return out;
}

/**
 * The bytes `signed.signature` must be a signature over: the batch message its proof leads to, or
 * (no batch: a single-height signature, as replicas made before batching) the height's own
 * message. Null when the proof is malformed. Never throws.
 */
export function signedRootsMessage(signed: SignedRoots): Uint8Array | null {
  try {
    const msg = executionRootsMessage(signed.height, signed.blockHash, signed.receiptsRoot, signed.stateRoot);
    if (signed.batch === undefined) return msg;
    const root = merkleRootFromProof(msg, signed.batch);
    return root === null ? null : executionRootsBatchMessage(signed.batch.size, root);
  } catch {
    return null;
  }
}

/** Remembers valid signatures (bounded by its owner, e.g. node/client/verify.ts SignatureCache). */
export interface VerifiedSignatures {
  has(key: string): boolean;
  add(key: string): void;
}

/**
 * True when `signed` carries a valid hybrid signature by `publicKey` over its roots; never throws.
 * `verified` remembers signatures already found valid, keyed by the public key, the signed message
 * and the whole signature (a cached Ed25519 half must not vouch for a new ML-DSA half): the receipts
 * of every height of a batch share one signature, and one ML-DSA-65 check costs ~3 ms.
 */
export function verifySignedRoots(publicKey: HybridPublicKey, signed: SignedRoots, verified?: VerifiedSignatures): boolean {
  try {
    const msg = signedRootsMessage(signed);
    if (msg === null) return false;
    const key = verified === undefined ? '' : toHex(sha256(concatBytes(publicKey.ed25519, publicKey.mldsa65, msg, signed.signature.ed25519, signed.signature.mldsa65)));
    if (verified !== undefined && verified.has(key)) return true;
    const ok = hybridVerify(publicKey, EXECUTION_ROOTS_TAG, msg, signed.signature);
    if (ok) verified?.add(key);
    return ok;
  } catch {
    return false;
  }
}
