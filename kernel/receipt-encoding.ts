// A direct encoder for the fixed receipt schema: the same bytes as canonicalEncode (one object,
// keys in UTF-8 order), written into one exactly-sized array with no intermediate objects. Receipts
// are encoded once per command, so this is on the hot path of applyBatch. test/kernel/receipts
// checks it byte for byte against canonicalEncode; anything unusual (an output that is not a
// scalar, a string with a lone surrogate, an unsafe integer) falls back to canonicalEncode itself.
import { canonicalEncode, type CanonicalValue } from '../crypto/canonical.js';
import { utf8 } from '../crypto/bytes.js';
import type { Receipt } from './types.js';
import { ByteWriter, scalarSize, T_NULL, T_OBJECT } from './byte-writer.js';
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
  const decisionLen = utf8Length(r.decision);
  const principalLen = utf8Length(r.principal);
  const resultLen = utf8Length(r.result);
  const riskLen = utf8Length(r.risk);
  const typeLen = utf8Length(r.type);
  const reasonLen = nullableLength(r.reason);
  const ruleLen = nullableLength(r.ruleId);
  if ((decisionLen | principalLen | resultLen | riskLen | typeLen | reasonLen | ruleLen) < 0) return canonicalEncode(plain(r)); // throws the canonical error
  if (!Number.isSafeInteger(r.descriptorVersion) || !Number.isSafeInteger(r.fuelUsed) || !Number.isSafeInteger(r.height) || !Number.isSafeInteger(r.index) || !Number.isSafeInteger(r.seq)) {
    return canonicalEncode(plain(r));
  }
  if (!isHash(r.commandDigest) || !isHash(r.descriptorHash) || !isHash(r.effectsDigest) || !isHash(r.prevReceiptHash)) return canonicalEncode(plain(r));
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

  const w = new ByteWriter(size);
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
  if (w.at !== size) throw new Error(`receipt encoder wrote ${w.at} of ${size} bytes`);
  return w.buf;
}
