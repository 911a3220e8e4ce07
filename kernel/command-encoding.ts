// A direct encoder for the common command shape (fields that are scalars under ASCII names): the
// same bytes as canonicalEncode({ principal, seq, type, fields, signers? }), written into one
// exactly-sized array. Every command is encoded once in applyBatch for its digest. Anything else
// (nested field values, non-ASCII field names, unusual values) goes through canonicalEncode itself;
// test/kernel/command.test.ts compares both byte for byte.
import { canonicalEncode, type CanonicalValue } from '../crypto/canonical.js';
import type { KernelCommand } from './types.js';
import { isAscii, utf8Length } from './utf8.js';

const T_NULL = 0x00;
const T_FALSE = 0x01;
const T_TRUE = 0x02;
const T_INT = 0x03;
const T_STRING = 0x04;
const T_BYTES = 0x05;
const T_ARRAY = 0x06;
const T_OBJECT = 0x07;
const TWO_32 = 2 ** 32;
const textEncoder = new TextEncoder();

/** Encoded size of a scalar value, or -1 if it is not one this encoder writes. */
function scalarSize(v: CanonicalValue): number {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 9 : -1;
  if (typeof v === 'string') {
    const n = utf8Length(v);
    return n < 0 ? -1 : 5 + n;
  }
  if (v instanceof Uint8Array) return 5 + v.length;
  return -1;
}

class Out {
  readonly buf: Uint8Array;
  private readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  u32(n: number): void {
    this.view.setUint32(this.at, n);
    this.at += 4;
  }
  /** A length-prefixed ASCII key or string body. */
  ascii(s: string): void {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at + i] = s.charCodeAt(i);
    this.at += s.length;
  }
  scalar(v: CanonicalValue): void {
    if (v === null) this.buf[this.at++] = T_NULL;
    else if (v === true) this.buf[this.at++] = T_TRUE;
    else if (v === false) this.buf[this.at++] = T_FALSE;
    else if (typeof v === 'number') {
      this.buf[this.at++] = T_INT;
      const hi = Math.floor(v / TWO_32);
      this.view.setInt32(this.at, hi);
      this.view.setUint32(this.at + 4, v - hi * TWO_32);
      this.at += 8;
    } else if (typeof v === 'string') {
      this.buf[this.at++] = T_STRING;
      if (isAscii(v)) this.ascii(v);
      else {
        const n = utf8Length(v);
        this.u32(n);
        textEncoder.encodeInto(v, this.buf.subarray(this.at, this.at + n));
        this.at += n;
      }
    } else {
      const b = v as Uint8Array;
      this.buf[this.at++] = T_BYTES;
      this.u32(b.length);
      this.buf.set(b, this.at);
      this.at += b.length;
    }
  }
}

function general(cmd: KernelCommand): Uint8Array {
  const obj: Record<string, CanonicalValue> = { principal: cmd.principal, seq: cmd.seq, type: cmd.type, fields: cmd.fields };
  if (cmd.signers !== undefined) obj.signers = cmd.signers;
  return canonicalEncode(obj);
}

/** Canonical bytes of a (shape-checked) command. */
export function encodeCommandBytes(cmd: KernelCommand): Uint8Array {
  const f = cmd.fields as unknown;
  if (f === null || typeof f !== 'object' || Object.getPrototypeOf(f) !== Object.prototype) return general(cmd);
  const names = Object.keys(cmd.fields);
  // For ASCII strings, JS string order is UTF-8 byte order, which canonical objects use.
  names.sort();
  let size = 1 + 4 + (4 + 6) + 1 + 4; // object header, "fields" key, fields object header
  for (const name of names) {
    const s = isAscii(name) ? scalarSize(cmd.fields[name]) : -1;
    if (s < 0) return general(cmd);
    size += 4 + name.length + s;
  }
  const principal = scalarSize(cmd.principal);
  const type = scalarSize(cmd.type);
  if (principal < 0 || type < 0 || !Number.isSafeInteger(cmd.seq)) return general(cmd);
  size += 4 + 9 + principal + 4 + 3 + 9 + 4 + 4 + type;
  const signers = cmd.signers;
  if (signers !== undefined) {
    size += 4 + 7 + 1 + 4;
    for (const s of signers) {
      const n = scalarSize(s);
      if (typeof s !== 'string' || n < 0) return general(cmd);
      size += n;
    }
  }
  const out = new Out(size);
  out.buf[out.at++] = T_OBJECT;
  out.u32(signers === undefined ? 4 : 5);
  out.ascii('fields');
  out.buf[out.at++] = T_OBJECT;
  out.u32(names.length);
  for (const name of names) {
    out.ascii(name);
    out.scalar(cmd.fields[name]);
  }
  out.ascii('principal');
  out.scalar(cmd.principal);
  out.ascii('seq');
  out.scalar(cmd.seq);
  if (signers !== undefined) {
    out.ascii('signers');
    out.buf[out.at++] = T_ARRAY;
    out.u32(signers.length);
    for (const s of signers) out.scalar(s);
  }
  out.ascii('type');
  out.scalar(cmd.type);
  if (out.at !== size) throw new Error(`command encoder wrote ${out.at} of ${size} bytes`);
  return out.buf;
}
