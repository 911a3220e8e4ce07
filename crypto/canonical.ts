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
import { hashTagged, hashTaggedInto, hashTaggedPrefix, hashTaggedPrefixInto } from './hash.js';
import { sortStringsInPlace } from './small-sort.js';

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

const TWO_32 = 0x100000000;
const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
const T_INT = 0x03;
const T_STRING = 0x04;
const T_BYTES = 0x05;
const T_ARRAY = 0x06;
const T_OBJECT = 0x07;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const textEncoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The canonical bytes of `v`. Throws `CanonicalError` on floats, unsafe integers, undefined, non-plain objects, lone surrogates, or limits. */
export function canonicalEncode(v: CanonicalValue, limits: CanonicalLimits = DEFAULT_CANONICAL_LIMITS): Uint8Array {
  // Most encodings are small and made several times per command: reuse one writer's buffer and
  // return an exact copy. A nested call (a getter on a "plain" object that encodes) gets its own.
  if (sharedBusy) {
    const w = new Writer(limits.bytesMax);
    encodeValue(w, v, 1, limits.depthMax);
    return w.finish();
  }
  sharedBusy = true;
  try {
    sharedWriter.reset(limits.bytesMax);
    encodeValue(sharedWriter, v, 1, limits.depthMax);
    return sharedWriter.finish();
  } finally {
    sharedWriter.release();
    sharedBusy = false;
  }
}

/** Hash of a value's canonical bytes under a domain tag: hashTagged(tag, canonicalEncode(v)), without allocating the encoding. */
export function canonicalHash(tag: string, v: CanonicalValue): Uint8Array {
  if (sharedBusy) return hashTagged(tag, canonicalEncode(v));
  sharedBusy = true;
  try {
    sharedWriter.reset(DEFAULT_CANONICAL_LIMITS.bytesMax);
    encodeValue(sharedWriter, v, 1, DEFAULT_CANONICAL_LIMITS.depthMax);
    return sharedWriter.hashWritten(tag);
  } finally {
    sharedWriter.release();
    sharedBusy = false;
  }
}

/**
 * hashTagged(tag, u32 len, utf8(label), canonicalEncode(v)): a labelled value (the kernel's state
 * leaves: label = the key), without allocating the label's or the value's bytes. The label is
 * TextEncoder UTF-8 (a lone surrogate becomes U+FFFD, as it always has for state keys): it never throws for the label.
 */
export function canonicalHashLabelled(tag: string, label: string, v: CanonicalValue): Uint8Array {
  const out = new Uint8Array(32);
  canonicalHashLabelledInto(tag, label, v, out, 0);
  return out;
}

/** canonicalHashLabelled(tag, label, v) written into out[at, at + 32) (the state tree's leaf slots). */
export function canonicalHashLabelledInto(tag: string, label: string, v: CanonicalValue, out: Uint8Array, at: number): void {
  if (sharedBusy) return hashTaggedInto(out, at, tag, labelBytes(label), canonicalEncode(v));
  sharedBusy = true;
  try {
    sharedWriter.reset(DEFAULT_CANONICAL_LIMITS.bytesMax);
    if (!sharedWriter.asciiText(label)) sharedWriter.lengthPrefixed(utf8(label));
    encodeValue(sharedWriter, v, 1, DEFAULT_CANONICAL_LIMITS.depthMax);
    sharedWriter.hashWrittenInto(tag, out, at);
  } finally {
    sharedWriter.release();
    sharedBusy = false;
  }
}

function labelBytes(label: string): Uint8Array {
  const k = utf8(label);
  const out = new Uint8Array(4 + k.length);
  new DataView(out.buffer).setUint32(0, k.length);
  out.set(k, 4);
  return out;
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
      w.byte(T_STRING);
      if (w.asciiText(v)) return;
      if (!isWellFormed(v)) throw new CanonicalError('string holds a lone surrogate (not valid UTF-8)');
      return w.utf8String(v);
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
  const keys = Object.keys(v);
  if (keys.length <= 16 && asciiStrings(keys)) {
    // The common case (a few ASCII keys): JS string order is UTF-8 byte order for ASCII, so the
    // keys sort as strings, in place, with no entry object per key (same bytes as below).
    sortStringsInPlace(keys);
    w.byte(T_OBJECT);
    w.u32(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const value = (v as Record<string, CanonicalValue>)[keys[i]];
      if (value === undefined) throw new CanonicalError('undefined has no canonical encoding (omit the key or use null)');
      w.lengthPrefixed(keyBytes(keys[i]));
      encodeValue(w, value, depth + 1, depthMax);
    }
    return;
  }
  const entries = keys.map((k) => ({ key: keyBytes(k), value: (v as Record<string, CanonicalValue>)[k] }));
  sortEntries(entries);
  w.byte(T_OBJECT);
  w.u32(entries.length);
  for (const e of entries) {
    if (e.value === undefined) throw new CanonicalError('undefined has no canonical encoding (omit the key or use null)');
    w.lengthPrefixed(e.key);
    encodeValue(w, e.value, depth + 1, depthMax);
  }
}

// Objects here have a handful of keys: insertion sort needs no work array (Array.prototype.sort
// allocates one per call); bigger objects use sort(). Keys are distinct, so stability is moot.
function asciiStrings(keys: string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    for (let j = 0; j < k.length; j++) if (k.charCodeAt(j) >= 0x80) return false;
  }
  return true;
}


function sortEntries(entries: { key: Uint8Array; value: CanonicalValue }[]): void {
  if (entries.length > 16) {
    entries.sort((a, b) => compareBytes(a.key, b.key));
    return;
  }
  for (let i = 1; i < entries.length; i++) {
    const x = entries[i];
    let j = i - 1;
    while (j >= 0 && compareBytes(entries[j].key, x.key) > 0) {
      entries[j + 1] = entries[j];
      j--;
    }
    entries[j + 1] = x;
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
        const value = decodeValue(r, depth + 1, depthMax);
        // defineProperty for "__proto__": plain assignment would set the prototype instead of a key.
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
      return out;
    }
    default:
      throw new CanonicalError(`unknown type byte 0x${t.toString(16).padStart(2, '0')} at offset ${r.at - 1}`);
  }
}

// Object keys come from a small vocabulary: cache their UTF-8 bytes (bounded; a cache miss only costs time).
const keyCache = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 4096;

function keyBytes(k: string): Uint8Array {
  let b = keyCache.get(k);
  if (b === undefined) {
    if (!isWellFormed(k)) throw new CanonicalError('object key holds a lone surrogate');
    b = utf8(k);
    if (keyCache.size < KEY_CACHE_MAX) keyCache.set(k, b);
  }
  return b;
}

type WellFormedString = string & { isWellFormed?: () => boolean };
function isWellFormed(s: string): boolean {
  const f = (s as WellFormedString).isWellFormed;
  return f !== undefined ? f.call(s) : !LONE_SURROGATE.test(s);
}

function decodeUtf8(b: Uint8Array): string {
  // Short ASCII strings (most keys and values) skip TextDecoder, whose per-call cost dominates.
  if (b.length <= 64) {
    let ascii = true;
    for (let i = 0; i < b.length; i++) {
      if (b[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    // apply() takes the typed array as an argument list directly (spread would go through an iterator).
    if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
  }
  try {
    return strictUtf8.decode(b);
  } catch {
    throw new CanonicalError('string is not well-formed UTF-8');
  }
}

const SHARED_KEEP_MAX = 64 * 1024;
let sharedBusy = false;

class Writer {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  constructor(private bytesMax: number) {}

  /** Starts a new encoding in the same buffer (the shared writer). */
  reset(bytesMax: number): void {
    this.bytesMax = bytesMax;
    this.at = 0;
  }
  /** After a shared encoding: drop a buffer that grew large, so one big value does not pin memory. */
  release(): void {
    if (this.buf.length > SHARED_KEEP_MAX) {
      this.buf = new Uint8Array(256);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private reserve(n: number): void {
    if (this.at + n > this.bytesMax) throw new CanonicalError(`encoding exceeds the limit of ${this.bytesMax} bytes`);
    this.capacity(n);
  }
  /** Room for n more bytes, without the limit check (for worst-case estimates). */
  private capacity(n: number): void {
    const need = this.at + n;
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
    // Two 32-bit halves without BigInt (measurably faster); exact for every safe integer.
    this.reserve(8);
    const hi = Math.floor(n / TWO_32);
    this.view.setInt32(this.at, hi);
    this.view.setUint32(this.at + 4, n - hi * TWO_32);
    this.at += 8;
  }
  /**
   * Length-prefixed ASCII string written in place (most strings here are short ASCII: skipping
   * TextEncoder and the well-formedness check saves most of their cost). False, with nothing
   * written, when `s` holds a non-ASCII unit: the caller takes the UTF-8 path.
   */
  asciiText(s: string): boolean {
    const n = s.length;
    if (n > 256) return false;
    this.reserve(4 + n);
    const buf = this.buf;
    const start = this.at + 4;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[start + i] = c;
    }
    this.view.setUint32(this.at, n);
    this.at = start + n;
    return true;
  }
  /** Length-prefixed UTF-8 of a well-formed string, encoded in place (no temporary array). */
  utf8String(s: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; reserve that, then write the real length.
    this.capacity(4 + s.length * 3);
    const { written } = textEncoder.encodeInto(s, this.buf.subarray(this.at + 4));
    if (this.at + 4 + written > this.bytesMax) throw new CanonicalError(`encoding exceeds the limit of ${this.bytesMax} bytes`);
    this.u32(written);
    this.at += written;
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
  /** hashTagged(tag, written()) without making the view (see hashTaggedPrefix). */
  hashWritten(tag: string): Uint8Array {
    return hashTaggedPrefix(tag, this.buf, this.at);
  }
  hashWrittenInto(tag: string, out: Uint8Array, at: number): void {
    hashTaggedPrefixInto(tag, this.buf, this.at, out, at);
  }
  /** The bytes written, as a view (valid until the next reset). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

const sharedWriter = new Writer(DEFAULT_CANONICAL_LIMITS.bytesMax);

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
    const hi = this.view.getInt32(this.at);
    const lo = this.view.getUint32(this.at + 4);
    this.at += 8;
    // |hi| < 2^21 keeps hi * 2^32 + lo exact; isSafeInteger then excludes -2^53 itself.
    const n = hi * TWO_32 + lo;
    if (hi < -0x200000 || hi > 0x1fffff || !Number.isSafeInteger(n)) throw new CanonicalError('integer outside the safe range');
    return n;
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
