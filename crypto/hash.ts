// Domain-separated hashing: every hash of a protocol object is H(tag || 0x00 || bytes...), with a
// distinct tag per object type, so bytes of one type can never be passed off as another's hash.
// SHA-256 comes from node:crypto (OpenSSL): ~20x faster than @noble/hashes here and byte-identical
// (test/crypto/hash.test.ts checks both). BLAKE3 has no node implementation, so it is noble's.
import { createHash, hash as oneShotHash } from 'node:crypto';
import { blake3 } from '@noble/hashes/blake3.js';
import { utf8 } from './bytes.js';

/**
 * Every domain tag of knhk, in one object so that no two object types share a tag by accident.
 * Owners of a layer add their tags here (one line each). A tag is ASCII and never contains 0x00.
 */
export const Tag = {
  // consensus
  block: 'knhk/v1/block',
  vote: 'knhk/v1/vote',
  timeout: 'knhk/v1/timeout',
  proposal: 'knhk/v1/proposal',
  quorumCert: 'knhk/v1/quorum-cert',
  timeoutCert: 'knhk/v1/timeout-cert',
  batch: 'knhk/v1/batch',
  // kernel
  command: 'knhk/v1/command',
  descriptor: 'knhk/v1/descriptor',
  receipt: 'knhk/v1/receipt',
  receiptChain: 'knhk/v1/receipt-chain',
  approval: 'knhk/v1/approval',
  stateRoot: 'knhk/v1/state-root',
  executionRoots: 'knhk/v1/execution-roots',
  snapshot: 'knhk/v1/snapshot',
  stateLeaf: 'knhk/v1/state-leaf',
  stateBucket: 'knhk/v1/state-bucket',
  stateGroup: 'knhk/v1/state-group',
  effects: 'knhk/v1/effects',
  governance: 'knhk/v1/governance',
  // crypto internals
  merkleLeaf: 'knhk/v1/merkle-leaf',
  merkleNode: 'knhk/v1/merkle-node',
  merkleEmpty: 'knhk/v1/merkle-empty',
  keyId: 'knhk/v1/key-id',
  ed25519KeyId: 'knhk/v1/ed25519-key-id',
  hybridSignature: 'knhk/v1/hybrid-signature',
  keygenEd25519: 'knhk/v1/keygen/ed25519',
  keygenMlDsa65: 'knhk/v1/keygen/ml-dsa-65',
  // client
  clientCommand: 'knhk/v1/client-command',
} as const;

export type TagName = keyof typeof Tag;
export type HashAlgorithm = 'sha256' | 'blake3' | 'shake256';

/** Digest length of every knhk hash, whatever the algorithm. */
export const HASH_BYTES = 32;

const tagBytesCache = new Map<string, Uint8Array>();

/** UTF-8 of `tag` followed by 0x00, checked once per tag. Throws on an empty tag or one holding NUL. */
export function tagPrefix(tag: string): Uint8Array {
  let prefix = tagBytesCache.get(tag);
  if (prefix === undefined) {
    if (typeof tag !== 'string' || tag.length === 0) throw new TypeError('hash tag must be a non-empty string');
    if (tag.includes('\0')) throw new TypeError('hash tag must not contain NUL');
    if (tag.length > 255) throw new TypeError('hash tag longer than 255 characters');
    const t = utf8(tag);
    prefix = new Uint8Array(t.length + 1);
    prefix.set(t);
    // A bounded cache: tags are a small fixed set, but callers may pass arbitrary strings.
    if (tagBytesCache.size < 1024) tagBytesCache.set(tag, prefix);
  }
  return prefix;
}

// Hot path (a replica hashes ~6 small inputs per command): createHash builds a Hash object and
// pays one native call per update and for digest; the one-shot crypto.hash (Node >= 20.12) is one
// call. Small inputs are laid out as tag || 0x00 || parts in a reused scratch buffer and hashed in
// one go; large ones (state roots, descriptors, snapshots) stream through createHash instead of
// being copied. Same bytes in, same SHA-256 out (test/crypto/hash.test.ts checks against noble).
const ONE_SHOT_MAX = 16 * 1024;
let scratch = new Uint8Array(1024);

// Views [0, n) of a long-lived buffer, kept by length: creating a subarray costs ~150 ns here, a
// third of a small hash, and the hot hashes (receipts, state leaves, Merkle nodes) reuse a handful
// of scratch buffers at a handful of lengths.
class PrefixViews {
  private readonly views: (Uint8Array | undefined)[] = [];
  constructor(readonly buf: Uint8Array) {}
  of(n: number): Uint8Array {
    let v = this.views[n];
    if (v === undefined) {
      v = this.buf.subarray(0, n);
      this.views[n] = v;
    }
    return v;
  }
}

let scratchViews = new PrefixViews(scratch);
// The last few callers' buffers (by identity; a bounded, most-recent-first list). Only buffers of
// scratch size are kept: holding on to a large one (a writer that grew for a big value and then
// dropped it) would pin its memory.
const callerViews: PrefixViews[] = [];
const CALLER_BUFFERS = 4;
const CALLER_BUFFER_MAX = 64 * 1024;

function prefixView(buf: Uint8Array, n: number): Uint8Array {
  if (n > ONE_SHOT_MAX || buf.length > CALLER_BUFFER_MAX) return buf.subarray(0, n);
  for (let i = 0; i < callerViews.length; i++) if (callerViews[i].buf === buf) return callerViews[i].of(n);
  const p = new PrefixViews(buf);
  if (callerViews.length >= CALLER_BUFFERS) callerViews.pop();
  callerViews.unshift(p);
  return p.of(n);
}

function sha256Tagged(prefix: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  let size = prefix.length;
  for (let i = 0; i < parts.length; i++) size += parts[i].length;
  if (size > ONE_SHOT_MAX) {
    const h = createHash('sha256').update(prefix);
    for (let i = 0; i < parts.length; i++) h.update(parts[i]);
    return asPlainBytes(h.digest());
  }
  const buf = fitScratch(size);
  let at = copyInto(buf, prefix, 0);
  for (let i = 0; i < parts.length; i++) at = copyInto(buf, parts[i], at);
  return latin1Digest(oneShotHash('sha256', scratchViews.of(size), 'binary'));
}

function fitScratch(size: number): Uint8Array {
  if (size > scratch.length) {
    scratch = new Uint8Array(ONE_SHOT_MAX);
    scratchViews = new PrefixViews(scratch);
  }
  return scratch;
}

// Short inputs (tags, 32-byte hashes) are copied by a loop: TypedArray.set costs more per call.
function copyInto(buf: Uint8Array, b: Uint8Array, at: number): number {
  const n = b.length;
  if (n <= 64) for (let i = 0; i < n; i++) buf[at + i] = b[i];
  else buf.set(b, at);
  return at + n;
}

// The digest as a 'binary' (latin1) string (one char per byte, exact for 0..255) copied into a new 32-byte
// Uint8Array: half the cost of a 'buffer' digest, whose off-heap ArrayBuffer is dear to allocate
// and to collect; a 32-byte Uint8Array lives on the V8 heap.
function latin1Digest(s: string): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = s.charCodeAt(i);
  return out;
}

// The same digest written straight into a caller's array (state tree slots): no 32-byte array to
// allocate, fill and copy again.
function latin1DigestInto(s: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < HASH_BYTES; i++) out[at + i] = s.charCodeAt(i);
}

function copyDigest(d: Uint8Array, out: Uint8Array, at: number): void {
  for (let i = 0; i < HASH_BYTES; i++) out[at + i] = d[i];
}

/** SHA-256(tag || 0x00 || parts...), 32 bytes. */
export function hashTagged(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256Tagged(tagPrefix(tag), parts);
}

/**
 * hashTagged(tag, buf.subarray(0, n)) without the subarray: for callers that encode into a
 * long-lived scratch buffer and hash its first n bytes (canonical hashes, state leaves).
 */
export function hashTaggedPrefix(tag: string, buf: Uint8Array, n: number): Uint8Array {
  const prefix = tagPrefix(tag);
  const size = prefix.length + n;
  if (size > ONE_SHOT_MAX) return sha256Tagged(prefix, [buf.subarray(0, n)]);
  return latin1Digest(oneShotHash('sha256', layOut(prefix, buf, n, size), 'binary'));
}

/** hashTaggedPrefix(tag, buf, n) written into out[at, at + 32). */
export function hashTaggedPrefixInto(tag: string, buf: Uint8Array, n: number, out: Uint8Array, at: number): void {
  const prefix = tagPrefix(tag);
  const size = prefix.length + n;
  if (size > ONE_SHOT_MAX) copyDigest(sha256Tagged(prefix, [buf.subarray(0, n)]), out, at);
  else latin1DigestInto(oneShotHash('sha256', layOut(prefix, buf, n, size), 'binary'), out, at);
}

/** hashTagged(tag, ...parts) written into out[at, at + 32) (no digest array: state tree slots take the bytes directly). */
export function hashTaggedInto(out: Uint8Array, at: number, tag: string, ...parts: Uint8Array[]): void {
  const prefix = tagPrefix(tag);
  let size = prefix.length;
  for (let i = 0; i < parts.length; i++) size += parts[i].length;
  if (size > ONE_SHOT_MAX) {
    copyDigest(sha256Tagged(prefix, parts), out, at);
    return;
  }
  const buf = fitScratch(size);
  let p = copyInto(buf, prefix, 0);
  for (let i = 0; i < parts.length; i++) p = copyInto(buf, parts[i], p);
  latin1DigestInto(oneShotHash('sha256', scratchViews.of(size), 'binary'), out, at);
}

/**
 * H(tag || 0x00 || a[aAt, aAt + 32) || b[bAt, bAt + 32)) written into out[outAt, outAt + 32): an
 * inner node of a binary tree whose hashes sit back to back in flat arrays (Merkle folds in place:
 * out may be a or b, the inputs are copied before the digest is written).
 */
export function hashTaggedPairInto(tag: string, a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, out: Uint8Array, outAt: number): void {
  const prefix = tagPrefix(tag);
  const size = prefix.length + 2 * HASH_BYTES;
  const buf = fitScratch(size);
  const at = copyInto(buf, prefix, 0);
  for (let i = 0; i < HASH_BYTES; i++) buf[at + i] = a[aAt + i];
  for (let i = 0; i < HASH_BYTES; i++) buf[at + HASH_BYTES + i] = b[bAt + i];
  latin1DigestInto(oneShotHash('sha256', scratchViews.of(size), 'binary'), out, outAt);
}

// prefix || buf[0, n) in the scratch buffer; the view of its first `size` bytes.
function layOut(prefix: Uint8Array, buf: Uint8Array, n: number, size: number): Uint8Array {
  const out = fitScratch(size);
  const at = copyInto(out, prefix, 0);
  if (n <= 64) for (let i = 0; i < n; i++) out[at + i] = buf[i];
  else out.set(prefixView(buf, n), at);
  return scratchViews.of(size);
}

/** H(tag || 0x00 || parts...) with the named algorithm; 32 bytes for each (SHAKE-256 output 256 bits). */
export function hashTaggedWith(alg: HashAlgorithm, tag: string, ...parts: Uint8Array[]): Uint8Array {
  switch (alg) {
    case 'sha256':
      return hashTagged(tag, ...parts);
    case 'shake256': {
      const h = createHash('shake256', { outputLength: HASH_BYTES }).update(tagPrefix(tag));
      for (const p of parts) h.update(p);
      return asPlainBytes(h.digest());
    }
    case 'blake3': {
      const h = blake3.create().update(tagPrefix(tag));
      for (const p of parts) h.update(p);
      return h.digest();
    }
    default:
      throw new TypeError(`unknown hash algorithm ${String(alg)}`);
  }
}

/**
 * Plain SHA-256 of `data` with no tag: for interop with external formats, and for callers that laid
 * out tag || 0x00 || bytes themselves (kernel/receipt-encoding hashes receipts in place).
 */
export function sha256(data: Uint8Array): Uint8Array {
  if (data.length > ONE_SHOT_MAX) return asPlainBytes(createHash('sha256').update(data).digest());
  return latin1Digest(oneShotHash('sha256', data, 'binary'));
}

/** sha256(buf.subarray(0, n)) without the subarray, for a long-lived buffer (receipts are hashed in their writer's scratch). */
export function sha256Prefix(buf: Uint8Array, n: number): Uint8Array {
  if (n > ONE_SHOT_MAX) return asPlainBytes(createHash('sha256').update(buf.subarray(0, n)).digest());
  return latin1Digest(oneShotHash('sha256', prefixView(buf, n), 'binary'));
}

// A copy into a plain Uint8Array: a Buffer may be a view of a shared pool (structured clone would
// copy the whole pool) and deepStrictEqual tells Buffer and Uint8Array apart.
function asPlainBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}

