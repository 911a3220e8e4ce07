// The signed client command envelope: what a client sends, what consensus orders (as opaque
// bytes) and what every replica re-checks before executing a committed block. Decoding is the
// same pure function everywhere, so honest replicas skip exactly the same invalid envelopes (only
// a Byzantine leader could propose one).
//
// Version 1 (every ordinary command):
//   0x01 | publicKey (32) | signature (64) | body = encodeCommand(KernelCommand)
// Version 2 (governance commands, co-signed by descriptor admins):
//   0x02 | publicKey (32) | signature (64) | bodyLength u32 BE | body | count u8 |
//   count × ( hybrid public key (1,984) | hybrid signature (3,373) )
// Version 3 (a hybrid, post-quantum client key): see hybrid-envelope.ts.
// Each co-signature is a hybrid signature over kernel `governancePayload(chainId, cmd)` with tag
// GOVERNANCE_SIGNING_TAG; the verified admins' key ids become the command's `signers`.
//
// The client signature is Ed25519 (ZIP-215 rule of crypto/ed25519.ts) over
//   hashTagged(Tag.clientCommand, everything in the envelope except the signature itself)
// so a relay can neither swap the key nor strip co-signatures. We use the dedicated client tag,
// not Tag.command: that one is the kernel's digest of the body alone (receipt.commandDigest).
//
// The client id is ed25519KeyId(publicKey); the body's `principal` must equal it, and the body may
// not assert `signers` (only verified co-signatures produce them).
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
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
  type HybridPublicKey,
  type HybridSignature,
} from '../../crypto/hybrid.js';
import { GOVERNANCE_SIGNING_TAG, decodeCommand, encodeCommand, governancePayload, type KernelCommand } from '../../kernel/api.js';
import type { ClientCommand } from '../replica/services.js';
import { ENVELOPE_VERSION_HYBRID, openHybridEnvelope } from './hybrid-envelope.js';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_VERSION_COSIGNED = 2;
/** Largest envelope accepted anywhere (admission, block execution): bounds what one command costs. */
export const MAX_ENVELOPE_BYTES = 64 * 1024;
/** Most co-signatures per envelope (each costs an ML-DSA-65 verification, ~3 ms, on every replica). */
export const MAX_COSIGNATURES = 4;
const HEADER_BYTES = 1 + ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES;
const COSIGNATURE_BYTES = HYBRID_PUBLIC_KEY_BYTES + HYBRID_SIGNATURE_BYTES;

export interface Cosignature {
  publicKey: HybridPublicKey;
  signature: HybridSignature;
}

/** What decoding needs to know about the chain: governance payloads are bound to its id. */
export interface EnvelopeContext {
  chainId: string;
}

export type DecodedEnvelope =
  | { ok: true; command: ClientCommand; kernelCommand: KernelCommand }
  | { ok: false; reason: string };

/**
 * Envelopes whose client signature already verified here, by SHA-256 of the whole envelope. A
 * replica checks each envelope at admission and again when it executes the block (Ed25519
 * verification is the largest CPU cost per command, ~0.15 ms); the second check is a hash lookup.
 * Caching a pure function's positive results cannot change any verdict, so determinism holds.
 * Bounded (oldest evicted first).
 */
const verifiedEnvelopes = new Set<string>();
const VERIFIED_CACHE_MAX = 32_768;

function clientSignatureValid(bytes: Uint8Array, version: number, publicKey: Uint8Array, signature: Uint8Array, rest: Uint8Array): boolean {
  const key = envelopeKey(bytes);
  if (verifiedEnvelopes.has(key)) return true;
  if (!ed25519Verify(publicKey, signedDigest(version, publicKey, rest), signature)) return false;
  remember(key);
  return true;
}

// DER prefix that wraps a raw Ed25519 public key for node:crypto (SPKI, OID 1.3.101.112).
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const keyObjects = new Map<string, KeyObject>();
const KEY_OBJECTS_MAX = 4096;

function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(publicKey).toString('hex');
  let k = keyObjects.get(id);
  if (k === undefined) {
    try {
      k = createPublicKey({ key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
    } catch {
      return null; // OpenSSL refuses some encodings; the synchronous ZIP-215 check decides those
    }
    if (keyObjects.size >= KEY_OBJECTS_MAX) keyObjects.delete(keyObjects.keys().next().value as string);
    keyObjects.set(id, k);
  }
  return k;
}

/**
 * Checks an envelope's client signature on libuv's thread pool (node:crypto's asynchronous
 * Ed25519 verification) instead of the event loop, and remembers a success, so the following
 * `decodeSignedCommand` of the same bytes is a hash lookup. Never rejects and decides nothing:
 * a failure here (or any odd input) only means the synchronous check, with the full ZIP-215 rule,
 * runs later as usual. The client service calls it on admission; a replica may call it when
 * commands arrive from peers, before it executes them.
 */
export function prevalidateEnvelope(bytes: Uint8Array): Promise<void> {
  if (!(bytes instanceof Uint8Array) || bytes.length <= HEADER_BYTES || bytes.length > MAX_ENVELOPE_BYTES) return Promise.resolve();
  const version = bytes[0];
  if (version !== ENVELOPE_VERSION && version !== ENVELOPE_VERSION_COSIGNED) return Promise.resolve();
  const key = envelopeKey(bytes);
  if (verifiedEnvelopes.has(key)) return Promise.resolve();
  const publicKey = bytes.subarray(1, 1 + ED25519_PUBLIC_KEY_BYTES);
  const k = publicKeyObject(publicKey);
  if (k === null) return Promise.resolve();
  const digest = signedDigest(version, publicKey, bytes.subarray(HEADER_BYTES));
  const signature = bytes.subarray(1 + ED25519_PUBLIC_KEY_BYTES, HEADER_BYTES);
  return new Promise((resolve) => {
    try {
      cryptoVerify(null, digest, k, signature, (err, ok) => {
        if (err === null && ok) remember(key);
        resolve();
      });
    } catch {
      resolve();
    }
  });
}

function envelopeKey(bytes: Uint8Array): string {
  // A process-local cache key (never on the wire), so plain SHA-256 rather than a domain tag.
  return createHash('sha256').update(bytes).digest('hex');
}

function remember(key: string): void {
  if (verifiedEnvelopes.size >= VERIFIED_CACHE_MAX) verifiedEnvelopes.delete(verifiedEnvelopes.values().next().value as string);
  verifiedEnvelopes.add(key);
}

/** What a client signs: everything but the signature, under the client-command tag. */
function signedDigest(version: number, publicKey: Uint8Array, rest: Uint8Array): Uint8Array {
  return hashTagged(Tag.clientCommand, Uint8Array.of(version), publicKey, rest);
}

/** The client id (key id) of an Ed25519 public key; the same id the capability registry lists. */
export function clientIdOf(publicKey: Uint8Array): string {
  return ed25519KeyId(publicKey);
}

/** An admin's co-signature of governance command `cmd` on chain `chainId`. Throws if `cmd` is not `gov.*`. */
export function governanceCosignature(admin: HybridKeyPair, chainId: string, cmd: KernelCommand): Cosignature {
  const payload = governancePayload(chainId, cmd);
  if (payload === null) throw new Error(`envelope: ${cmd.type} is not a governance command`);
  return { publicKey: admin.publicKey, signature: hybridSign(admin.secretKey, GOVERNANCE_SIGNING_TAG, payload) };
}

/**
 * Signs `cmd` (whose `principal` must be the key id of `secretKey`'s public key) into envelope
 * bytes, version 2 when co-signatures are given. Throws on a principal/key mismatch, asserted
 * signers, too many co-signatures, or an envelope over the size limit: those are the caller's
 * bugs, and the replicas would reject the result anyway.
 */
export function encodeSignedCommand(secretKey: Uint8Array, cmd: KernelCommand, publicKey = ed25519PublicKey(secretKey), cosignatures: Cosignature[] = []): Uint8Array {
  const id = clientIdOf(publicKey);
  if (cmd.principal !== id) throw new Error(`envelope: command principal ${cmd.principal} is not the signing key's id ${id}`);
  if (cmd.signers !== undefined) throw new Error('envelope: a client command cannot carry signers (attach co-signatures instead)');
  if (cosignatures.length > MAX_COSIGNATURES) throw new RangeError(`envelope: at most ${MAX_COSIGNATURES} co-signatures`);
  const body = encodeCommand(cmd);
  const version = cosignatures.length === 0 ? ENVELOPE_VERSION : ENVELOPE_VERSION_COSIGNED;
  let rest = body;
  if (version === ENVELOPE_VERSION_COSIGNED) {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, body.length, false);
    const parts = cosignatures.flatMap((c) => [encodeHybridPublicKey(c.publicKey), encodeHybridSignature(c.signature)]);
    rest = concatBytes(len, body, Uint8Array.of(cosignatures.length), ...parts);
  }
  if (HEADER_BYTES + rest.length > MAX_ENVELOPE_BYTES) {
    throw new RangeError(`envelope: ${HEADER_BYTES + rest.length} bytes exceeds the limit of ${MAX_ENVELOPE_BYTES}`);
  }
  const signature = ed25519Sign(secretKey, signedDigest(version, publicKey, rest));
  return concatBytes(Uint8Array.of(version), publicKey, signature, rest);
}

/**
 * Checks and decodes envelope bytes. Never throws: any defect is `{ ok: false, reason }` with a
 * reason a human can act on. Deterministic (the same bytes and chain id give the same verdict on
 * every replica). Co-signed (version 2) envelopes need `ctx` (the chain id their payload binds).
 */
export function decodeSignedCommand(bytes: Uint8Array, ctx?: EnvelopeContext): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'envelope is not bytes' };
  if (bytes.length > MAX_ENVELOPE_BYTES) return { ok: false, reason: `envelope of ${bytes.length} bytes exceeds the limit of ${MAX_ENVELOPE_BYTES}` };
  if (bytes.length <= HEADER_BYTES) return { ok: false, reason: `envelope too short (${bytes.length} bytes)` };
  const version = bytes[0];
  if (version === ENVELOPE_VERSION_HYBRID) return decodeHybrid(bytes);
  if (version !== ENVELOPE_VERSION && version !== ENVELOPE_VERSION_COSIGNED) return { ok: false, reason: `unknown envelope version ${version}` };
  const publicKey = bytes.subarray(1, 1 + ED25519_PUBLIC_KEY_BYTES);
  const signature = bytes.subarray(1 + ED25519_PUBLIC_KEY_BYTES, HEADER_BYTES);
  const rest = bytes.subarray(HEADER_BYTES);
  if (!clientSignatureValid(bytes, version, publicKey, signature, rest)) return { ok: false, reason: 'bad client signature' };

  let body = rest;
  let cosigned: { publicKey: HybridPublicKey; signature: HybridSignature }[] = [];
  if (version === ENVELOPE_VERSION_COSIGNED) {
    const split = splitCosigned(rest);
    if (typeof split === 'string') return { ok: false, reason: split };
    ({ body, cosigned } = split);
  }
  const client = clientIdOf(publicKey);
  const decoded = decodeBody(body, client);
  if (typeof decoded === 'string') return { ok: false, reason: decoded };
  let kernelCommand = decoded;

  if (version === ENVELOPE_VERSION_COSIGNED) {
    if (ctx === undefined) return { ok: false, reason: 'a co-signed envelope cannot be checked without the chain id' };
    const payload = governancePayload(ctx.chainId, kernelCommand);
    if (payload === null) return { ok: false, reason: `co-signatures on ${kernelCommand.type}, which is not a governance command` };
    const signers: string[] = [];
    for (const [i, c] of cosigned.entries()) {
      if (!hybridVerify(c.publicKey, GOVERNANCE_SIGNING_TAG, payload, c.signature)) return { ok: false, reason: `co-signature ${i} does not verify` };
      const id = hybridKeyId(c.publicKey);
      if (signers.includes(id)) return { ok: false, reason: `co-signature ${i} repeats signer ${id}` };
      signers.push(id);
    }
    kernelCommand = { ...kernelCommand, signers: signers.sort() };
  }
  return { ok: true, command: { client, seq: kernelCommand.seq, bytes }, kernelCommand };
}

/** The body as a kernel command whose principal is `client`, or what is wrong with it. */
function decodeBody(body: Uint8Array, client: string): KernelCommand | string {
  let cmd: KernelCommand;
  try {
    cmd = decodeCommand(body);
  } catch (e) {
    return `malformed command body: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (cmd.principal !== client) return `command principal ${cmd.principal} does not match the signing key ${client}`;
  if (cmd.signers !== undefined) return 'a client command cannot carry signers';
  if (!Number.isSafeInteger(cmd.seq) || cmd.seq < 0) return `bad sequence number ${cmd.seq}`;
  return cmd;
}

function decodeHybrid(bytes: Uint8Array): DecodedEnvelope {
  const key = envelopeKey(bytes);
  const opened = openHybridEnvelope(bytes, verifiedEnvelopes.has(key));
  if (typeof opened === 'string') return { ok: false, reason: opened };
  remember(key); // the ML-DSA check (~3 ms) runs once per replica, not again at execution
  const cmd = decodeBody(opened.body, opened.client);
  if (typeof cmd === 'string') return { ok: false, reason: cmd };
  return { ok: true, command: { client: opened.client, seq: cmd.seq, bytes }, kernelCommand: cmd };
}

/** Splits a version-2 tail into body and co-signatures, or says what is wrong with it. */
function splitCosigned(rest: Uint8Array): { body: Uint8Array; cosigned: Cosignature[] } | string {
  if (rest.length < 5) return 'co-signed envelope truncated';
  const bodyLength = new DataView(rest.buffer, rest.byteOffset, rest.byteLength).getUint32(0, false);
  if (4 + bodyLength + 1 > rest.length) return 'co-signed envelope: body length beyond the end';
  const body = rest.subarray(4, 4 + bodyLength);
  const count = rest[4 + bodyLength];
  if (count === 0 || count > MAX_COSIGNATURES) return `co-signed envelope must carry 1..${MAX_COSIGNATURES} co-signatures, has ${count}`;
  const at = 5 + bodyLength;
  if (rest.length !== at + count * COSIGNATURE_BYTES) return 'co-signed envelope: co-signatures do not fill the envelope exactly';
  const cosigned: Cosignature[] = [];
  for (let i = 0; i < count; i++) {
    const o = at + i * COSIGNATURE_BYTES;
    cosigned.push({
      publicKey: decodeHybridPublicKey(rest.slice(o, o + HYBRID_PUBLIC_KEY_BYTES)),
      signature: decodeHybridSignature(rest.slice(o + HYBRID_PUBLIC_KEY_BYTES, o + COSIGNATURE_BYTES)),
    });
  }
  return { body, cosigned };
}
