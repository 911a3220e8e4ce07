// The signed client command envelope: what a client sends, what consensus orders (as opaque
// bytes) and what every replica re-checks before executing a committed block. Decoding is the
// same pure function everywhere, so honest replicas skip exactly the same invalid envelopes (only
// a Byzantine leader could propose one).
//
// Layout (version 1):
//   0x01 | publicKey (32) | signature (64) | body = encodeCommand(KernelCommand)
// The signature is Ed25519 (ZIP-215 rule of crypto/ed25519.ts) over
//   hashTagged(Tag.clientCommand, 0x01 || publicKey || body)
// i.e. over everything in the envelope except the signature itself. We use the dedicated client
// tag rather than Tag.command because Tag.command is the kernel's digest of the body alone
// (receipt.commandDigest); the signature also binds the version and the public key.
//
// The client id is ed25519KeyId(publicKey); the body's `principal` must equal it, and a client may
// not assert `signers` (those are key ids whose extra signatures the driver verified itself).
import { concatBytes } from '../../crypto/bytes.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  ed25519KeyId,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
} from '../../crypto/ed25519.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import { decodeCommand, encodeCommand, type KernelCommand } from '../../kernel/api.js';
import type { ClientCommand } from '../replica/services.js';

export const ENVELOPE_VERSION = 1;
/** Largest envelope accepted anywhere (admission, block execution): bounds what one command costs. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;
const HEADER_BYTES = 1 + ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES;

export type DecodedEnvelope =
  | { ok: true; command: ClientCommand; kernelCommand: KernelCommand }
  | { ok: false; reason: string };

/** What a client signs: everything but the signature, under the client-command tag. */
function signedDigest(publicKey: Uint8Array, body: Uint8Array): Uint8Array {
  return hashTagged(Tag.clientCommand, Uint8Array.of(ENVELOPE_VERSION), publicKey, body);
}

/** The client id (key id) of an Ed25519 public key; the same id the capability registry lists. */
export function clientIdOf(publicKey: Uint8Array): string {
  return ed25519KeyId(publicKey);
}

/**
 * Signs `cmd` (whose `principal` must be the key id of `secretKey`'s public key) into envelope
 * bytes. Throws on a principal/key mismatch, asserted signers, or an envelope over the size limit:
 * those are the caller's bugs, and the replicas would reject the result anyway.
 */
export function encodeSignedCommand(secretKey: Uint8Array, cmd: KernelCommand, publicKey = ed25519PublicKey(secretKey)): Uint8Array {
  const id = clientIdOf(publicKey);
  if (cmd.principal !== id) throw new Error(`envelope: command principal ${cmd.principal} is not the signing key's id ${id}`);
  if (cmd.signers !== undefined) throw new Error('envelope: a client command cannot carry signers');
  const body = encodeCommand(cmd);
  if (HEADER_BYTES + body.length > MAX_ENVELOPE_BYTES) {
    throw new RangeError(`envelope: ${HEADER_BYTES + body.length} bytes exceeds the limit of ${MAX_ENVELOPE_BYTES}`);
  }
  const signature = ed25519Sign(secretKey, signedDigest(publicKey, body));
  return concatBytes(Uint8Array.of(ENVELOPE_VERSION), publicKey, signature, body);
}

/**
 * Checks and decodes envelope bytes. Never throws: any defect is `{ ok: false, reason }` with a
 * reason a human can act on. Deterministic (the same bytes give the same verdict on every replica).
 */
export function decodeSignedCommand(bytes: Uint8Array): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'envelope is not bytes' };
  if (bytes.length > MAX_ENVELOPE_BYTES) return { ok: false, reason: `envelope of ${bytes.length} bytes exceeds the limit of ${MAX_ENVELOPE_BYTES}` };
  if (bytes.length <= HEADER_BYTES) return { ok: false, reason: `envelope too short (${bytes.length} bytes)` };
  if (bytes[0] !== ENVELOPE_VERSION) return { ok: false, reason: `unknown envelope version ${bytes[0]}` };
  const publicKey = bytes.subarray(1, 1 + ED25519_PUBLIC_KEY_BYTES);
  const signature = bytes.subarray(1 + ED25519_PUBLIC_KEY_BYTES, HEADER_BYTES);
  const body = bytes.subarray(HEADER_BYTES);
  if (!ed25519Verify(publicKey, signedDigest(publicKey, body), signature)) return { ok: false, reason: 'bad client signature' };
  let kernelCommand: KernelCommand;
  try {
    kernelCommand = decodeCommand(body);
  } catch (e) {
    return { ok: false, reason: `malformed command body: ${e instanceof Error ? e.message : String(e)}` };
  }
  const client = clientIdOf(publicKey);
  if (kernelCommand.principal !== client) return { ok: false, reason: `command principal ${kernelCommand.principal} does not match the signing key ${client}` };
  if (kernelCommand.signers !== undefined) return { ok: false, reason: 'a client command cannot carry signers' };
  if (!Number.isSafeInteger(kernelCommand.seq) || kernelCommand.seq < 0) return { ok: false, reason: `bad sequence number ${kernelCommand.seq}` };
  return { ok: true, command: { client, seq: kernelCommand.seq, bytes }, kernelCommand };
}
