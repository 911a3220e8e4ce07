// Read-only view of descriptor governance for status displays.
import { toHex } from '../../crypto/bytes.js';
import { canonicalDecode, canonicalEncode, type CanonicalValue } from '../../crypto/canonical.js';
import { storeOf } from '../state/handle.js';
import { K } from '../state/keys.js';
import { readTip } from '../state/tip.js';
import type { KernelState } from '../types.js';
import type { PendingSwap } from './activate.js';

export interface DescriptorInfo {
  name: string;
  version: number;
  hash: string;
  latestVersion: number;
  pendingSwap: PendingSwap | null;
  history: { height: number; action: string; version: number }[];
  height: number;
  receipts: number;
}

function copy(v: CanonicalValue): CanonicalValue {
  return canonicalDecode(canonicalEncode(v));
}

export function activeDescriptorInfo(state: KernelState): DescriptorInfo {
  const { store, active } = storeOf(state);
  return {
    name: active.name,
    version: active.version,
    hash: toHex(active.hash),
    latestVersion: store.get(K.latestVersion) as number,
    // Copies: the caller may keep and change what it gets; state values must stay as they are.
    pendingSwap: copy(store.get(K.pendingSwap) ?? null) as unknown as PendingSwap | null,
    history: copy(store.get(K.history) ?? []) as unknown as DescriptorInfo['history'],
    height: readTip(store).height,
    receipts: readTip(store).count,
  };
}
