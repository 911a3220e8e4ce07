// Swaps take effect at the start of the first batch whose height reaches the stated height, before
// any command of that batch: every command of a batch runs under one descriptor version.
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { CompiledDescriptor } from '../descriptor/compiled.js';
import { activeFromStore } from '../state/handle.js';
import { K } from '../state/keys.js';
import type { Store } from '../state/store.js';

export interface PendingSwap {
  version: number;
  atHeight: number;
  action: 'swap' | 'rollback';
}

export function appendHistory(get: (k: string) => CanonicalValue | undefined, event: { height: number; action: string; version: number }): CanonicalValue {
  const h = get(K.history);
  return [...(Array.isArray(h) ? h : []), event];
}

/** Activates a due swap; returns the new active descriptor, or null when none was due. */
export function activateDue(store: Store, height: number): CompiledDescriptor | null {
  const p = store.get(K.pendingSwap) as unknown as PendingSwap | null;
  if (p === null || p === undefined || p.atHeight > height) return null;
  store.set(K.activeVersion, p.version);
  store.set(K.pendingSwap, null);
  store.set(K.history, appendHistory((k) => store.get(k), { height, action: p.action === 'swap' ? 'activated' : 'rolled-back', version: p.version }));
  return activeFromStore(store);
}
