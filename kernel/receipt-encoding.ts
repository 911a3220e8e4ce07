// A direct encoder for the fixed receipt schema: the same bytes as canonicalEncode (one object,
// keys in UTF-8 order), written into one exactly-sized array with no intermediate objects. Receipts
// are encoded once per command, so this is on the hot path of applyBatch. test/kernel/receipts
// checks it byte for byte against canonicalEncode; anything unusual (an output that is not a
// scalar, a string with a lone surrogate, an unsafe integer) falls back to canonicalEncode itself.
import { canonicalEncode, type CanonicalValue } from '../crypto/canonical.js';
import { utf8 } from '../crypto/bytes.js';
import { Tag, hashTagged, sha256Prefix, tagPrefix } from '../crypto/hash.js';
import type { Receipt } from './types.js';
import { ByteWriter, scalarSize, T_NULL, T_OBJECT } from './byte-writer.js';
import type { ByteSlab } from './byte-slab.js';
import { utf8Length } from './utf8.js';

/** The receipt's keys in canonical (UTF-8 byte) order. */
export const RECEIPT_KEYS = [
  'commandDigest', 'decision', 'descriptorHash', 'descriptorVersion', 'effectsDigest', 'fuelUsed', 'height',
  'index', 'output', 'prevReceiptHash', 'principal', 'reason', 'result', 'risk', 'ruleId', 'seq', 'type',
] as const;

const KEY_BYTES = RECEIPT_KEYS.map((k) => utf8(k));
const KEYS_SIZE = KEY_BYTES.reduce((n, k) => n + 4 + k.length, 0);

function plain(r: Receipt): Record<string, CanonicalValue> {
  const o: Record<string, CanonicalValue> = {};
  for (const k of RECEIPT_KEYS) o[k] = r[k] as CanonicalValue;
  return o;
}

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array;
const nullableLength = (s: string | null): number => (s === null ? 0 : utf8Length(s));

export function encodeReceiptBytes(r: Receipt): Uint8Array {
  const w = writeReceipt(r, 0);
  return w === null ? canonicalEncode(plain(r)) : w.buf;
}

/**
 * A receipt's bytes and its hash. One hash serves both uses: it is the receipt's leaf in the
 * block's receipts Merkle tree (merkleLeafHash) and the chain link the next receipt carries
 * (receiptHash), so each receipt is hashed once, not twice.
 */
export interface HashedReceipt {
  bytes: Uint8Array;
  /** receiptHash(bytes) = merkleLeafHash(bytes). */
  hash: Uint8Array;
}

const LEAF_PREFIX = tagPrefix(Tag.merkleLeaf);
const ROOM = LEAF_PREFIX.length;

/**
 * applyBatch's path: the receipt is written once into a scratch buffer after the tag prefix and
 * hashed in place (no copy of the receipt into a hash input); then the bytes are copied out once,
 * into `slab` when given (a view into a buffer shared by the batch's receipts), else into their
 * own array. Same bytes and hash as encodeReceiptBytes + receiptHash (test/kernel/receipts checks).
 */
export function encodeReceiptHashed(r: Receipt, slab?: ByteSlab): HashedReceipt {
  const w = writeReceipt(r, ROOM);
  if (w === null) {
    const bytes = canonicalEncode(plain(r));
    return { bytes, hash: hashTagged(Tag.merkleLeaf, bytes) };
  }
  const buf = w.buf;
  buf.set(LEAF_PREFIX, 0);
  const hash = sha256Prefix(buf, w.at);
  return { bytes: slab === undefined ? buf.slice(ROOM, w.at) : slab.copy(buf, ROOM, w.at), hash };
}

/**
 * Writes the receipt at offset `room` of a writer: a fresh exact one for room 0, else the shared
 * scratch writer. Null when the receipt needs the general encoder (which then throws if the
 * receipt has no canonical encoding).
 */
function writeReceipt(r: Receipt, room: number): ByteWriter | null {
  const decisionLen = utf8Length(r.decision);
  const principalLen = utf8Length(r.principal);
  const resultLen = utf8Length(r.result);
  const riskLen = utf8Length(r.risk);
  const typeLen = utf8Length(r.type);
  const reasonLen = nullableLength(r.reason);
  const ruleLen = nullableLength(r.ruleId);
  if ((decisionLen | principalLen | resultLen | riskLen | typeLen | reasonLen | ruleLen) < 0) return null;
  if (!Number.isSafeInteger(r.descriptorVersion) || !Number.isSafeInteger(r.fuelUsed) || !Number.isSafeInteger(r.height) || !Number.isSafeInteger(r.index) || !Number.isSafeInteger(r.seq)) return null;
  if (!isHash(r.commandDigest) || !isHash(r.descriptorHash) || !isHash(r.effectsDigest) || !isHash(r.prevReceiptHash)) return null;
  const out = r.output;
  let outBytes: Uint8Array | null = null;
  let outLen = scalarSize(out);
  if (outLen < 0) {
    outBytes = canonicalEncode(out); // throws the canonical error for a bad output
    outLen = outBytes.length;
  }
  const size = 5 + KEYS_SIZE + outLen + 5 * 9 +
    25 + decisionLen + principalLen + resultLen + riskLen + typeLen +
    20 + r.commandDigest.length + r.descriptorHash.length + r.effectsDigest.length + r.prevReceiptHash.length +
    (r.reason === null ? 1 : 5 + reasonLen) + (r.ruleId === null ? 1 : 5 + ruleLen);

  const w = room === 0 ? new ByteWriter(size) : ByteWriter.scratch(room + size);
  w.at = room;
  const k = KEY_BYTES;
  w.type(T_OBJECT);
  w.u32(RECEIPT_KEYS.length);
  w.key(k[0]), w.bytes(r.commandDigest);
  w.key(k[1]), w.str(r.decision, decisionLen);
  w.key(k[2]), w.bytes(r.descriptorHash);
  w.key(k[3]), w.int(r.descriptorVersion);
  w.key(k[4]), w.bytes(r.effectsDigest);
  w.key(k[5]), w.int(r.fuelUsed);
  w.key(k[6]), w.int(r.height);
  w.key(k[7]), w.int(r.index);
  w.key(k[8]);
  if (outBytes !== null) w.raw(outBytes);
  else w.scalar(out);
  w.key(k[9]), w.bytes(r.prevReceiptHash);
  w.key(k[10]), w.str(r.principal, principalLen);
  w.key(k[11]);
  if (r.reason === null) w.type(T_NULL);
  else w.str(r.reason, reasonLen);
  w.key(k[12]), w.str(r.result, resultLen);
  w.key(k[13]), w.str(r.risk, riskLen);
  w.key(k[14]);
  if (r.ruleId === null) w.type(T_NULL);
  else w.str(r.ruleId, ruleLen);
  w.key(k[15]), w.int(r.seq);
  w.key(k[16]), w.str(r.type, typeLen);
  if (w.at !== room + size) throw new Error(`receipt encoder wrote ${w.at - room} of ${size} bytes`);
  return w;
}
