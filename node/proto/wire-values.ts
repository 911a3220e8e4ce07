// Conversions between protobufjs decoded values and our plain types. protobufjs decodes uint64 to
// a `Long` (the `long` package is installed) and would silently encode a `bigint` as 0; we keep
// views/heights/seqs as safe-integer numbers and reject anything else at this boundary.

export class WireDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireDecodeError';
  }
}

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';
}

/** A decoded uint64/uint32 as a safe integer; throws WireDecodeError when it does not fit. */
export function wireNumber(v: unknown, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new WireDecodeError(`${field}: not a safe non-negative integer`);
    return v;
  }
  if (isLong(v)) {
    const high = v.high >>> 0;
    if (high >= 0x200000) throw new WireDecodeError(`${field}: exceeds 2^53`);
    return high * 0x1_0000_0000 + (v.low >>> 0);
  }
  throw new WireDecodeError(`${field}: missing or not an integer`);
}

/** A decoded bytes field, checked for length bounds. */
export function wireBytes(v: unknown, field: string, maxLength: number, exactLength?: number): Uint8Array {
  // proto3 omits empty bytes on the wire; protobufjs then reports its default (an empty array).
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) v = new Uint8Array(0);
  if (!(v instanceof Uint8Array)) throw new WireDecodeError(`${field}: not bytes`);
  if (exactLength !== undefined && v.length !== exactLength) throw new WireDecodeError(`${field}: must be ${exactLength} bytes, got ${v.length}`);
  if (v.length > maxLength) throw new WireDecodeError(`${field}: ${v.length} bytes exceeds ${maxLength}`);
  return v;
}

export function wireString(v: unknown, field: string, maxLength: number): string {
  if (typeof v !== 'string') throw new WireDecodeError(`${field}: not a string`);
  if (v.length > maxLength) throw new WireDecodeError(`${field}: longer than ${maxLength}`);
  return v;
}

export function wireArray(v: unknown, field: string, maxCount: number): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new WireDecodeError(`${field}: not a list`);
  if (v.length > maxCount) throw new WireDecodeError(`${field}: ${v.length} entries exceeds ${maxCount}`);
  return v;
}

/** A present sub-message (protobufjs gives null for an absent one). */
export function wireMessage(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null) throw new WireDecodeError(`${field}: missing`);
  return v as Record<string, unknown>;
}

export function wireOptional(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
}

/** Checks a number we are about to encode (our own values: a failure is our bug, so it throws). */
export function outNumber(v: number, field: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`encode ${field}: ${String(v)} is not a safe non-negative integer`);
  return v;
}
