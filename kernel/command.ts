// Kernel commands as bytes: the canonical encoding of `{ principal, seq, type, fields, signers? }`.
// decodeCommand is strict (exact key set, types, sizes) because its input comes from the network.
import { canonicalDecode, type CanonicalValue } from '../crypto/canonical.js';
import { encodeCommandBytes } from './command-encoding.js';
import { Tag, hashTagged } from '../crypto/hash.js';
import { KERNEL_LIMITS } from './limits.js';
import type { KernelCommand } from './types.js';

export class CommandDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandDecodeError';
  }
}

/** Canonical bytes of a command. Throws CanonicalError on values with no canonical form. */
export function encodeCommand(cmd: KernelCommand): Uint8Array {
  return encodeCommandBytes(cmd);
}

/** hashTagged(Tag.command, encodeCommand(cmd)): what receipts and approval requests name a command by. */
export function commandDigest(cmd: KernelCommand): Uint8Array {
  return hashTagged(Tag.command, encodeCommand(cmd));
}

/** Decodes and validates command bytes; throws CommandDecodeError with one clear reason. */
export function decodeCommand(bytes: Uint8Array): KernelCommand {
  if (!(bytes instanceof Uint8Array)) throw new CommandDecodeError('command must be bytes');
  if (bytes.length > KERNEL_LIMITS.commandBytesMax) {
    throw new CommandDecodeError(`command of ${bytes.length} bytes exceeds ${KERNEL_LIMITS.commandBytesMax}`);
  }
  let v: CanonicalValue;
  try {
    v = canonicalDecode(bytes);
  } catch (e) {
    throw new CommandDecodeError(`command is not canonical: ${(e as Error).message}`);
  }
  const problem = commandShapeProblem(v);
  if (problem !== null) throw new CommandDecodeError(problem);
  const cmd = deepFreeze(v) as unknown as KernelCommand;
  wellFormed.add(cmd);
  return cmd;
}

/**
 * Commands decodeCommand returned: shape-checked, then deep-frozen, so the check's answer can never
 * change. applyBatch asks shapeProblem() for every command on every replica; for these it is a
 * set lookup instead of listing the command's and its fields' keys again.
 */
const wellFormed = new WeakSet<object>();

/** commandShapeProblem(v), answered at once for a command decodeCommand produced. */
export function shapeProblem(v: unknown): string | null {
  if (v !== null && typeof v === 'object' && wellFormed.has(v)) return null;
  return commandShapeProblem(v);
}

/**
 * Decoded commands are immutable values (byte arrays excepted: they cannot be frozen). Why: a
 * driver that hands one decoded command to several kernels (the simulator's replicas) then gets
 * its digest computed once (kernel/command-digest.ts remembers frozen commands), and no holder can
 * change what another holder sees.
 */
function deepFreeze(v: CanonicalValue): CanonicalValue {
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
    else for (const k in v) deepFreeze((v as Record<string, CanonicalValue>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** Why `v` is not a well-formed KernelCommand, or null. Shared by decodeCommand and applyBatch. */
export function commandShapeProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return 'command must be an object';
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'principal' && k !== 'seq' && k !== 'type' && k !== 'fields' && k !== 'signers') return `command has unknown key '${k}'`;
  }
  if (typeof o.principal !== 'string' || o.principal.length === 0 || o.principal.length > KERNEL_LIMITS.principalLengthMax) {
    return `command.principal must be a string of 1..${KERNEL_LIMITS.principalLengthMax} characters`;
  }
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0) return 'command.seq must be a non-negative safe integer';
  if (typeof o.type !== 'string' || o.type.length === 0 || o.type.length > KERNEL_LIMITS.typeLengthMax) {
    return `command.type must be a string of 1..${KERNEL_LIMITS.typeLengthMax} characters`;
  }
  const f = o.fields;
  if (f === null || typeof f !== 'object' || Array.isArray(f) || f instanceof Uint8Array) return 'command.fields must be an object';
  if (Object.keys(f).length > KERNEL_LIMITS.fieldsMax) return `command has more than ${KERNEL_LIMITS.fieldsMax} fields`;
  if (o.signers !== undefined) {
    if (!Array.isArray(o.signers) || o.signers.length > KERNEL_LIMITS.signersMax) {
      return `command.signers must be a list of at most ${KERNEL_LIMITS.signersMax} key ids`;
    }
    for (const s of o.signers) {
      if (typeof s !== 'string' || s.length === 0 || s.length > KERNEL_LIMITS.principalLengthMax) return 'command.signers must hold key id strings';
    }
  }
  return null;
}
