// Canonical binary encoding for everything knhk hashes or signs (commands, receipts, descriptors,
// kernel state). One value has exactly one encoding, and the decoder accepts only that encoding,
// so `canonicalEncode(canonicalDecode(b))` equals `b` for every `b` the decoder accepts.
//
// Layout (all lengths and counts are u32 big-endian):
//   0x00 null | 0x01 false | 0x02 true
//   0x03 integer: 8 bytes, big-endian two's complement; must be a safe integer (|n| <= 2^53-1)
//   0x04 string:  length, UTF-8 bytes (well-formed; lone surrogates are rejected, not replaced)
//   0x05 bytes:   length, raw bytes
//   0x06 array:   count, items
//   0x07 object:  count, then per entry: key length, key UTF-8, value;
//                 keys strictly increasing by UTF-8 bytes (sorted, no duplicates)
// No floats: state must be identical on every machine, and float formatting is not.
import { compareBytes, utf8 } from './bytes.js';
import { hashTagged } from './hash.js';

export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | CanonicalValue[]
  | { [k: string]: CanonicalValue };

/** Raised for a value that has no canonical encoding, or bytes that are not a canonical encoding. */
export class CanonicalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalError';
  }
}

export interface CanonicalLimits {
  /** Deepest nesting of arrays/objects (the top level is depth 1). */
  depthMax: number;
  /** Largest encoding accepted or produced, in bytes. */
  bytesMax: number;
}

export const DEFAULT_CANONICAL_LIMITS: CanonicalLimits = Object.freeze({ depthMax: 64, bytesMax: 16 * 1024 * 1024 });

const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
const T_INT = 0x03;
const T_STRING = 0x04;
const T_BYTES = 0x05;
const T_ARRAY = 0x06;
const T_OBJECT = 0x07;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The canonical bytes of `v`. Throws `CanonicalError` on floats, unsafe integers, undefined, non-plain objects, lone surrogates, or limits. */
export function canonicalEncode(v: CanonicalValue, limits: CanonicalLimits = DEFAULT_CANONICAL_LIMITS): Uint8Array {
  const w = new Writer(limits.bytesMax);
  encodeValue(w, v, 1, limits.depthMax);
  return w.finish();
}

/** Hash of a value's canonical bytes under a domain tag. */
export function canonicalHash(tag: string, v: CanonicalValue): Uint8Array {
  return hashTagged(tag, canonicalEncode(v));
}

/** Decodes canonical bytes. Throws `CanonicalError` on anything non-canonical, truncated, trailing, or over limits. */
export function canonicalDecode(bytes: Uint8Array, limits: CanonicalLimits = DEFAULT_CANONICAL_LIMITS): CanonicalValue {
  if (!(bytes instanceof Uint8Array)) throw new CanonicalError('canonicalDecode: expected a Uint8Array');
  if (bytes.length > limits.bytesMax) throw new CanonicalError(`input of ${bytes.length} bytes exceeds the limit of ${limits.bytesMax}`);
  const r = new Reader(bytes);
  const v = decodeValue(r, 1, limits.depthMax);
  if (r.at !== bytes.length) throw new CanonicalError(`${bytes.length - r.at} trailing bytes after the value`);
  return v;
}

function encodeValue(w: Writer, v: CanonicalValue, depth: number, depthMax: number): void {
  if (v === null) return w.byte(T_NULL);
  switch (typeof v) {
    case 'boolean':
      return w.byte(v ? T_TRUE : T_FALSE);
    case 'number':
      if (!Number.isSafeInteger(v)) throw new CanonicalError(`number ${v} is not a safe integer`);
      w.byte(T_INT);
      return w.int64(v);
    case 'string':
      if (LONE_SURROGATE.test(v)) throw new CanonicalError('string holds a lone surrogate (not valid UTF-8)');
      w.byte(T_STRING);
      return w.lengthPrefixed(utf8(v));
    case 'object':
      break;
    default:
      throw new CanonicalError(`a ${typeof v} has no canonical encoding`);
  }
  if (v instanceof Uint8Array) {
    w.byte(T_BYTES);
    return w.lengthPrefixed(v);
  }
  if (depth > depthMax) throw new CanonicalError(`nesting deeper than ${depthMax}`);
  if (Array.isArray(v)) {
    w.byte(T_ARRAY);
    w.u32(v.length);
    for (let i = 0; i < v.length; i++) {
      // Holes in sparse arrays read as undefined, which is rejected below.
      encodeValue(w, v[i], depth + 1, depthMax);
    }
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalError(`a ${proto?.constructor?.name ?? 'non-plain'} object has no canonical encoding`);
  }
  const entries = Object.keys(v).map((k) => {
    if (LONE_SURROGATE.test(k)) throw new CanonicalError('object key holds a lone surrogate');
    return { key: utf8(k), value: (v as Record<string, CanonicalValue>)[k] };
  });
  entries.sort((a, b) => compareBytes(a.key, b.key));
  w.byte(T_OBJECT);
  w.u32(entries.length);
  for (const e of entries) {
    if (e.value === undefined) throw new CanonicalError('undefined has no canonical encoding (omit the key or use null)');
    w.lengthPrefixed(e.key);
    encodeValue(w, e.value, depth + 1, depthMax);
  }
}

function decodeValue(r: Reader, depth: number, depthMax: number): CanonicalValue {
  const t = r.byte();
  switch (t) {
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT:
      return r.int64();
    case T_STRING:
      return r.utf8String();
    case T_BYTES:
      return r.bytes(r.u32()).slice();
    case T_ARRAY: {
      if (depth > depthMax) throw new CanonicalError(`nesting deeper than ${depthMax}`);
      const count = r.u32();
      // Each item takes at least one byte: a count beyond the remaining input is a lie, reject it
      // before allocating anything for it.
      r.need(count);
      const out: CanonicalValue[] = [];
      for (let i = 0; i < count; i++) out.push(decodeValue(r, depth + 1, depthMax));
      return out;
    }
    case T_OBJECT: {
      if (depth > depthMax) throw new CanonicalError(`nesting deeper than ${depthMax}`);
      const count = r.u32();
      r.need(count * 5); // each entry: a 4-byte key length and at least one value byte
      const out: { [k: string]: CanonicalValue } = {};
      let previous: Uint8Array | null = null;
      for (let i = 0; i < count; i++) {
        const keyBytes = r.bytes(r.u32());
        if (previous !== null && compareBytes(previous, keyBytes) >= 0) {
          throw new CanonicalError('object keys not in strictly increasing byte order');
        }
        previous = keyBytes;
        const key = decodeUtf8(keyBytes);
        // defineProperty, not assignment: a key "__proto__" must become data, not a prototype.
        Object.defineProperty(out, key, { value: decodeValue(r, depth + 1, depthMax), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      throw new CanonicalError(`unknown type byte 0x${t.toString(16).padStart(2, '0')} at offset ${r.at - 1}`);
  }
}

function decodeUtf8(b: Uint8Array): string {
  try {
    return strictUtf8.decode(b);
  } catch {
    throw new CanonicalError('string is not well-formed UTF-8');
  }
}

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  constructor(private readonly bytesMax: number) {}

  private reserve(n: number): void {
    const need = this.at + n;
    if (need > this.bytesMax) throw new CanonicalError(`encoding exceeds the limit of ${this.bytesMax} bytes`);
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.at++] = b;
  }
  u32(n: number): void {
    if (n > 0xffffffff) throw new CanonicalError(`length ${n} does not fit in 32 bits`);
    this.reserve(4);
    this.view.setUint32(this.at, n);
    this.at += 4;
  }
  int64(n: number): void {
    this.reserve(8);
    this.view.setBigInt64(this.at, BigInt(n));
    this.at += 8;
  }
  lengthPrefixed(b: Uint8Array): void {
    this.u32(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

class Reader {
  at = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number): void {
    if (n > this.buf.length - this.at) throw new CanonicalError(`truncated input: need ${n} bytes at offset ${this.at}, have ${this.buf.length - this.at}`);
  }
  byte(): number {
    this.need(1);
    return this.buf[this.at++];
  }
  u32(): number {
    this.need(4);
    const n = this.view.getUint32(this.at);
    this.at += 4;
    return n;
  }
  int64(): number {
    this.need(8);
    const n = this.view.getBigInt64(this.at);
    this.at += 8;
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new CanonicalError('integer outside the safe range');
    }
    return Number(n);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  utf8String(): string {
    return decodeUtf8(this.bytes(this.u32()));
  }
}
