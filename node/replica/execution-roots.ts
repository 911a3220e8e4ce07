// The one fixed byte layout a replica signs over the results of executing a block, used by both
// the signer (replica driver) and every verifier (SDK, `knhk verify`): a verifier that rebuilt the
// bytes any other way could accept what no replica signed.
//
// Layout (101 bytes): version 0x01 | height u64 big-endian | blockHash 32 | receiptsRoot 32 | stateRoot 32.
// Signed with hybridSign(sk, Tag.executionRoots, bytes).
import { Tag } from '../../crypto/hash.js';
import { hybridVerify, type HybridPublicKey } from '../../crypto/hybrid.js';
import type { SignedRoots } from './services.js';

export const EXECUTION_ROOTS_VERSION = 1;
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

/** True when `signed` carries a valid hybrid signature by `publicKey` over its roots; never throws. */
export function verifySignedRoots(publicKey: HybridPublicKey, signed: SignedRoots): boolean {
  try {
    const msg = executionRootsMessage(signed.height, signed.blockHash, signed.receiptsRoot, signed.stateRoot);
    return hybridVerify(publicKey, EXECUTION_ROOTS_TAG, msg, signed.signature);
  } catch {
    return false;
  }
}
