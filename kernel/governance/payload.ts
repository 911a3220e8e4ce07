// The bytes admins sign for a governance command. They bind the chain, the submitting principal and
// its sequence number (so a set of signatures authorises exactly one command, once), the command
// type and its fields, with a descriptor replaced by its hash (admins sign the descriptor hash).
import { canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { Tag, hashTagged } from '../../crypto/hash.js';
import { descriptorHash } from '../descriptor/compile.js';
import type { KernelCommand } from '../types.js';

/** Tag to pass to hybridSign/hybridVerify for governance signatures. */
export const GOVERNANCE_SIGNING_TAG = Tag.governance;

/**
 * The 32-byte message admins hybrid-sign for `cmd` on chain `chainId`, or null when `cmd` is not a
 * governance command (type `gov.*`) or cannot be encoded (the kernel then rejects it anyway).
 */
export function governancePayload(chainId: string, cmd: KernelCommand): Uint8Array | null {
  if (typeof cmd?.type !== 'string' || !cmd.type.startsWith('gov.')) return null;
  try {
    const fields: Record<string, CanonicalValue> = { ...cmd.fields };
    if (cmd.type === 'gov.install' && Object.hasOwn(fields, 'descriptor')) {
      delete fields.descriptor;
      fields.descriptorHash = descriptorHash(cmd.fields.descriptor);
    }
    return hashTagged(Tag.governance, canonicalEncode({ chainId, principal: cmd.principal, seq: cmd.seq, type: cmd.type, fields }));
  } catch {
    return null;
  }
}
