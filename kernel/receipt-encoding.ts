// A direct encoder for the fixed receipt schema: the same bytes as canonicalEncode (one object,
// keys in UTF-8 order), written into one exactly-sized array with no intermediate objects. Receipts
// are encoded once per command, so this is on the hot path of applyBatch. test/kernel/receipts
// checks it byte for byte against canonicalEncode; anything unusual (an output that is not a
// scalar, a string with a lone surrogate, an unsafe integer) falls back to canonicalEncode itself.
import { canonicalEncode, type CanonicalValue } from '../crypto/canonical.js';
import { utf8 } from '../crypto/bytes.js';
import type { Receipt } from './types.js';
import { utf8Length } from './utf8.js';

/** The receipt's keys in canonical (UTF-8 byte) order. */
export const RECEIPT_KEYS = [
  'commandDigest', 'decision', 'descriptorHash', 'descriptorVersion', 'effectsDigest', 'fuelUsed', 'height',
  'index', 'output', 'prevReceiptHash', 'principal', 'reason', 'result', 'risk', 'ruleId', 'seq', 'type',
] as const;

const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
const T_INT = 0x03;
const T_STRING = 0x04;
const T_BYTES = 0x05;
const T_OBJECT = 0x07;
const TWO_32 = 2 ** 32;

const KEY_BYTES = RECEIPT_KEYS.map((k) => utf8(k));
const KEYS_SIZE = KEY_BYTES.reduce((n, k) => n + 4 + k.length, 0);
const textEncoder = new TextEncoder();

function plain(r: Receipt): Record<string, CanonicalValue> {
  const o: Record<string, CanonicalValue> = {};
  for (const k of RECEIPT_KEYS) o[k] = r[k] as CanonicalValue;
  return o;
}

export function encodeReceiptBytes(r: Receipt): Uint8Array {
  const strings = [r.decision, r.principal, r.result, r.risk, r.type];
  const lengths = strings.map(utf8Length);
  const reasonLen = r.reason === null ? 0 : utf8Length(r.reason);
  const ruleLen = r.ruleId === null ? 0 : utf8Length(r.ruleId);
  const out = r.output;
  let outBytes: Uint8Array | null = null;
  let outLen = 0;
  if (out === null || typeof out === 'boolean') outLen = 1;
  else if (typeof out === 'number' && Number.isSafeInteger(out)) outLen = 9;
  else if (typeof out === 'string') {
    const n = utf8Length(out);
    if (n < 0) return canonicalEncode(plain(r)); // throws the canonical error
    outLen = 5 + n;
  } else {
    outBytes = canonicalEncode(out);
    outLen = outBytes.length;
  }
  const ints = [r.descriptorVersion, r.fuelUsed, r.height, r.index, r.seq];
  const hashes = [r.commandDigest, r.descriptorHash, r.effectsDigest, r.prevReceiptHash];
  if (lengths.some((n) => n < 0) || reasonLen < 0 || ruleLen < 0 || ints.some((n) => !Number.isSafeInteger(n)) || hashes.some((h) => !(h instanceof Uint8Array))) {
    return canonicalEncode(plain(r));
  }
  let size = 5 + KEYS_SIZE + outLen + 5 * 9;
  for (const n of lengths) size += 5 + n;
  for (const h of hashes) size += 5 + h.length;
  size += r.reason === null ? 1 : 5 + reasonLen;
  size += r.ruleId === null ? 1 : 5 + ruleLen;

  const buf = new Uint8Array(size);
  const view = new DataView(buf.buffer);
  let at = 0;
  const u32 = (n: number) => {
    view.setUint32(at, n);
    at += 4;
  };
  const key = (i: number) => {
    u32(KEY_BYTES[i].length);
    buf.set(KEY_BYTES[i], at);
    at += KEY_BYTES[i].length;
  };
  const bytes = (b: Uint8Array) => {
    buf[at++] = T_BYTES;
    u32(b.length);
    buf.set(b, at);
    at += b.length;
  };
  const int = (n: number) => {
    buf[at++] = T_INT;
    const hi = Math.floor(n / TWO_32);
    view.setInt32(at, hi);
    view.setUint32(at + 4, n - hi * TWO_32);
    at += 8;
  };
  const str = (s: string, n: number) => {
    buf[at++] = T_STRING;
    u32(n);
    if (n === s.length) for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
    else textEncoder.encodeInto(s, buf.subarray(at, at + n));
    at += n;
  };
  const nullableStr = (s: string | null, n: number) => (s === null ? (buf[at++] = T_NULL) : str(s, n));

  buf[at++] = T_OBJECT;
  u32(RECEIPT_KEYS.length);
  key(0), bytes(r.commandDigest);
  key(1), str(r.decision, lengths[0]);
  key(2), bytes(r.descriptorHash);
  key(3), int(r.descriptorVersion);
  key(4), bytes(r.effectsDigest);
  key(5), int(r.fuelUsed);
  key(6), int(r.height);
  key(7), int(r.index);
  key(8);
  if (outBytes !== null) {
    buf.set(outBytes, at);
    at += outBytes.length;
  } else if (out === null) buf[at++] = T_NULL;
  else if (typeof out === 'boolean') buf[at++] = out ? T_TRUE : T_FALSE;
  else if (typeof out === 'number') int(out);
  else str(out as string, outLen - 5);
  key(9), bytes(r.prevReceiptHash);
  key(10), str(r.principal, lengths[1]);
  key(11), nullableStr(r.reason, reasonLen);
  key(12), str(r.result, lengths[2]);
  key(13), str(r.risk, lengths[3]);
  key(14), nullableStr(r.ruleId, ruleLen);
  key(15), int(r.seq);
  key(16), str(r.type, lengths[4]);
  if (at !== size) throw new Error(`receipt encoder wrote ${at} of ${size} bytes`);
  return buf;
}
