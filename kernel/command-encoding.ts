// A direct encoder for the common command shape (fields that are scalars under ASCII names): the
// same bytes as canonicalEncode({ principal, seq, type, fields, signers? }), written into one
// exactly-sized array. Every command is encoded once in applyBatch for its digest. Anything else
// (nested field values, non-ASCII field names, unusual values) goes through canonicalEncode itself;
// test/kernel/command.test.ts compares both byte for byte.
import { canonicalEncode, type CanonicalValue } from '../crypto/canonical.js';
import type { KernelCommand } from './types.js';
import { ByteWriter, scalarSize, T_ARRAY, T_OBJECT } from './byte-writer.js';
import { sortStringsInPlace } from '../crypto/small-sort.js';
import { isAscii } from './utf8.js';

function general(cmd: KernelCommand): Uint8Array {
  const obj: Record<string, CanonicalValue> = { principal: cmd.principal, seq: cmd.seq, type: cmd.type, fields: cmd.fields };
  if (cmd.signers !== undefined) obj.signers = cmd.signers;
  return canonicalEncode(obj);
}

/** Canonical bytes of a (shape-checked) command. */
export function encodeCommandBytes(cmd: KernelCommand): Uint8Array {
  return writeCommand(cmd, false);
}

/**
 * The same bytes, for hashing only: usually a view of a shared scratch buffer, valid until the
 * next encoder call (applyBatch hashes it at once; no allocation per command).
 */
export function encodeCommandTransient(cmd: KernelCommand): Uint8Array {
  return writeCommand(cmd, true);
}

function writeCommand(cmd: KernelCommand, transient: boolean): Uint8Array {
  const f = cmd.fields as unknown;
  if (f === null || typeof f !== 'object' || Object.getPrototypeOf(f) !== Object.prototype) return general(cmd);
  const names = Object.keys(cmd.fields);
  // For ASCII strings, JS string order is UTF-8 byte order, which canonical objects use.
  sortStringsInPlace(names);
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
  const out = transient ? ByteWriter.scratch(size) : new ByteWriter(size);
  out.type(T_OBJECT);
  out.u32(signers === undefined ? 4 : 5);
  out.ascii('fields');
  out.type(T_OBJECT);
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
    out.type(T_ARRAY);
    out.u32(signers.length);
    for (const s of signers) out.scalar(s);
  }
  out.ascii('type');
  out.scalar(cmd.type);
  if (out.at !== size) throw new Error(`command encoder wrote ${out.at} of ${size} bytes`);
  return transient ? out.written() : out.buf;
}
