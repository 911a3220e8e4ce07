// The command digest applyBatch puts in every receipt: hashTagged(Tag.command, canonical bytes).
//
// Frozen commands are remembered by object: a driver that hands the same frozen command object to
// several kernels (the simulator's replicas share one decoded command per envelope) pays for its
// encoding and hash once. Only commands whose encoding cannot change qualify: the command, its
// fields and signers frozen, and every field value a primitive (byte arrays cannot be frozen, nested
// objects would need a deep check). Such a command's bytes, so its digest, are fixed, and the memo
// returns exactly what recomputing would. Each caller gets its own copy of the digest.
import { Tag, hashTagged } from '../crypto/hash.js';
import { encodeCommandTransient } from './command-encoding.js';
import type { KernelCommand } from './types.js';

export interface CommandDigest {
  /** The caller's own 32 bytes. */
  digest: Uint8Array;
  /** Length of the canonical encoding (checked against KERNEL_LIMITS.commandBytesMax). */
  size: number;
}

const memo = new WeakMap<KernelCommand, CommandDigest>();

function unchangeable(cmd: KernelCommand): boolean {
  if (!Object.isFrozen(cmd)) return false;
  const f = cmd.fields as unknown;
  if (f === null || typeof f !== 'object' || !Object.isFrozen(f)) return false;
  if (cmd.signers !== undefined && !Object.isFrozen(cmd.signers)) return false;
  const values = Object.values(f as object);
  for (let i = 0; i < values.length; i++) if (values[i] !== null && typeof values[i] === 'object') return false;
  return true;
}

/** Digest and encoded size of a shape-checked command. Throws CanonicalError when it has no canonical encoding. */
export function digestCommand(cmd: KernelCommand): CommandDigest {
  const known = memo.get(cmd);
  if (known !== undefined) return { digest: known.digest.slice(), size: known.size };
  const bytes = encodeCommandTransient(cmd);
  const result: CommandDigest = { digest: hashTagged(Tag.command, bytes), size: bytes.length };
  if (unchangeable(cmd)) memo.set(cmd, { digest: result.digest.slice(), size: result.size });
  return result;
}
