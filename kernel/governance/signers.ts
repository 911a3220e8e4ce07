// For drivers: which admin signatures over a governance command are valid. The kernel itself never
// verifies signatures inside apply (the driver does, off the hot path, e.g. in a worker pool); this
// helper keeps the rule (payload, tag, key id) in one place so every driver checks the same bytes.
// ML-DSA-65 verification costs ~3 ms per signature: call it before ordering or from a worker.
import { hybridKeyId, hybridVerify, type HybridPublicKey, type HybridSignature } from '../../crypto/hybrid.js';
import type { KernelCommand } from '../types.js';
import { GOVERNANCE_SIGNING_TAG, governancePayload } from './payload.js';

export interface AdminSignature {
  publicKey: HybridPublicKey;
  signature: HybridSignature;
}

/** Sorted, distinct key ids of the signatures that verify over governancePayload(chainId, cmd). */
export function verifiedGovernanceSigners(chainId: string, cmd: KernelCommand, signatures: readonly AdminSignature[]): string[] {
  const payload = governancePayload(chainId, cmd);
  if (payload === null) return [];
  const ids = new Set<string>();
  for (const s of signatures) {
    if (hybridVerify(s.publicKey, GOVERNANCE_SIGNING_TAG, payload, s.signature)) ids.add(hybridKeyId(s.publicKey));
  }
  return [...ids].sort();
}
