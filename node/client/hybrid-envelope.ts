// Envelope version 3: a command signed with a *hybrid* client key (Ed25519 + ML-DSA-65), for
// clients whose authorisations must stay unforgeable after large quantum computers exist.
//   0x03 | hybrid public key (1,984) | hybrid signature (3,373) | body = encodeCommand(cmd)
// Signed message: hashTagged(Tag.clientCommand, 0x03 || publicKey || body), hybrid-signed under
// Tag.clientCommand. Client id = hybridKeyId(publicKey) (register it in the capability registry).
// Costs ~5.4 KB per command and an ML-DSA-65 verification (~3 ms) on every replica, so it is the
// option, not the default. Co-signatures are not combined with it (governance uses version 2).
import { concatBytes } from '../../crypto/bytes.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import {
  HYBRID_PUBLIC_KEY_BYTES,
  HYBRID_SIGNATURE_BYTES,
  decodeHybridPublicKey,
  decodeHybridSignature,
  encodeHybridPublicKey,
  encodeHybridSignature,
  hybridKeyId,
  hybridSign,
  hybridVerify,
  type HybridKeyPair,
} from '../../crypto/hybrid.js';
import { encodeCommand, type KernelCommand } from '../../kernel/api.js';

export const ENVELOPE_VERSION_HYBRID = 3;
export const HYBRID_HEADER_BYTES = 1 + HYBRID_PUBLIC_KEY_BYTES + HYBRID_SIGNATURE_BYTES;

function digest(publicKeyBytes: Uint8Array, body: Uint8Array): Uint8Array {
  return hashTagged(Tag.clientCommand, Uint8Array.of(ENVELOPE_VERSION_HYBRID), publicKeyBytes, body);
}

/** Signs `cmd` (principal = hybridKeyId of the key) into a version-3 envelope; throws above `maxBytes`. */
export function encodeHybridSignedCommand(key: HybridKeyPair, cmd: KernelCommand, maxBytes = 64 * 1024): Uint8Array {
  const id = hybridKeyId(key.publicKey);
  if (cmd.principal !== id) throw new Error(`envelope: command principal ${cmd.principal} is not the signing key's id ${id}`);
  if (cmd.signers !== undefined) throw new Error('envelope: a client command cannot carry signers');
  const pk = encodeHybridPublicKey(key.publicKey);
  const body = encodeCommand(cmd);
  if (HYBRID_HEADER_BYTES + body.length > maxBytes) throw new RangeError(`envelope: ${HYBRID_HEADER_BYTES + body.length} bytes exceeds the limit of ${maxBytes}`);
  const sig = hybridSign(key.secretKey, Tag.clientCommand, digest(pk, body));
  return concatBytes(Uint8Array.of(ENVELOPE_VERSION_HYBRID), pk, encodeHybridSignature(sig), body);
}

/**
 * Checks a version-3 envelope's signature (unless `alreadyVerified`: the caller cached an earlier
 * success for these exact bytes); returns the client id and body, or a reason. Never throws.
 */
export function openHybridEnvelope(bytes: Uint8Array, alreadyVerified = false): { client: string; body: Uint8Array } | string {
  if (bytes.length <= HYBRID_HEADER_BYTES) return `hybrid envelope too short (${bytes.length} bytes)`;
  const pkBytes = bytes.subarray(1, 1 + HYBRID_PUBLIC_KEY_BYTES);
  const body = bytes.subarray(HYBRID_HEADER_BYTES);
  const publicKey = decodeHybridPublicKey(pkBytes.slice());
  const signature = decodeHybridSignature(bytes.slice(1 + HYBRID_PUBLIC_KEY_BYTES, HYBRID_HEADER_BYTES));
  if (!alreadyVerified && !hybridVerify(publicKey, Tag.clientCommand, digest(pkBytes, body), signature)) return 'bad client signature';
  return { client: hybridKeyId(publicKey), body };
}
