// A cursor over one exactly-sized byte array, shared by the direct canonical encoders
// (receipt-encoding.ts, command-encoding.ts, effects-encoding.ts). They compute the size first,
// then write canonical items (crypto/canonical.ts layout) without intermediate arrays or closures
// (under tsx every named closure made per call also costs a __name defineProperty).
import type { CanonicalValue } from '../crypto/canonical.js';
import { utf8Length } from './utf8.js';

export const T_NULL = 0x00;
export const T_FALSE = 0x01;
export const T_TRUE = 0x02;
export const T_INT = 0x03;
export const T_STRING = 0x04;
export const T_BYTES = 0x05;
export const T_ARRAY = 0x06;
export const T_OBJECT = 0x07;
const TWO_32 = 2 ** 32;
const textEncoder = new TextEncoder();

/**
 * Encoded size of a value the writer writes directly (null, boolean, safe integer, string without
 * lone surrogates, bytes), or -1 for anything else (the caller falls back to canonicalEncode).
 */
export function scalarSize(v: CanonicalValue | undefined): number {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 9 : -1;
  if (typeof v === 'string') {
    const n = utf8Length(v);
    return n < 0 ? -1 : 5 + n;
  }
  if (v instanceof Uint8Array) return 5 + v.length;
  return -1;
}

// Above this, scratch() allocates instead of growing the shared buffer (rare: big commands).
const SCRATCH_MAX = 64 * 1024;
let shared: ByteWriter | null = null;

export class ByteWriter {
  // Big-endian integers are written byte by byte: a DataView per writer costs more than the writes.
  readonly buf: Uint8Array;
  at = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }

  /**
   * A reused writer with room for `size` bytes, at offset 0, for bytes that are hashed and
   * dropped (command digests, state leaves, effects digests): no allocation per call. Its buffer
   * is longer than `size`: read `buf.subarray(0, at)`, and only until the next scratch() call.
   */
  static scratch(size: number): ByteWriter {
    if (size > SCRATCH_MAX) return new ByteWriter(size);
    if (shared === null) shared = new ByteWriter(SCRATCH_MAX);
    shared.at = 0;
    return shared;
  }

  /** The bytes written so far (a view: see scratch()). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  type(t: number): void {
    this.buf[this.at++] = t;
  }

  u32(n: number): void {
    const buf = this.buf;
    const at = this.at;
    buf[at] = n >>> 24;
    buf[at + 1] = n >>> 16;
    buf[at + 2] = n >>> 8;
    buf[at + 3] = n;
    this.at = at + 4;
  }

  /** Length-prefixed ASCII text (an object key, or a string body after its type byte). */
  ascii(s: string): void {
    this.u32(s.length);
    const buf = this.buf;
    const at = this.at;
    for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
    this.at += s.length;
  }

  /** Length-prefixed pre-encoded key bytes. */
  key(k: Uint8Array): void {
    this.u32(k.length);
    this.raw(k);
  }

  // Short arrays (keys, 32-byte hashes) are copied by a loop: TypedArray.set costs more per call
  // than copying a few dozen bytes.
  raw(b: Uint8Array): void {
    const n = b.length;
    const buf = this.buf;
    const at = this.at;
    if (n <= 64) for (let i = 0; i < n; i++) buf[at + i] = b[i];
    else buf.set(b, at);
    this.at = at + n;
  }

  /** A safe integer: 8-byte big-endian two's complement, as two 32-bit halves (no BigInt). */
  int(n: number): void {
    this.buf[this.at++] = T_INT;
    const hi = Math.floor(n / TWO_32);
    this.u32(hi >>> 0);
    this.u32(n - hi * TWO_32);
  }

  /** A string whose UTF-8 length `n` the caller computed (utf8Length, never -1 here). */
  str(s: string, n: number): void {
    this.buf[this.at++] = T_STRING;
    this.u32(n);
    if (n === s.length) {
      const buf = this.buf;
      const at = this.at;
      for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
    } else textEncoder.encodeInto(s, this.buf.subarray(this.at, this.at + n));
    this.at += n;
  }

  bytes(b: Uint8Array): void {
    this.buf[this.at++] = T_BYTES;
    this.u32(b.length);
    this.raw(b);
  }

  /** A value scalarSize accepted (size >= 0). */
  scalar(v: CanonicalValue): void {
    if (v === null) this.buf[this.at++] = T_NULL;
    else if (v === true) this.buf[this.at++] = T_TRUE;
    else if (v === false) this.buf[this.at++] = T_FALSE;
    else if (typeof v === 'number') this.int(v);
    else if (typeof v === 'string') this.str(v, utf8Length(v));
    else this.bytes(v as Uint8Array);
  }
}
