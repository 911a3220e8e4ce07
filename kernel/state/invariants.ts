// What a kernel state must hold for apply to run: checked when a state comes from outside
// (restoreState, e.g. a snapshot sent by another replica during catch-up), so that malformed or
// hostile snapshots are refused up front instead of failing halfway through a later batch.
import type { CanonicalValue } from '../../crypto/canonical.js';
import { K } from './keys.js';
import type { Store } from './store.js';
import { tipProblem } from './tip.js';

const isInt = (v: CanonicalValue | undefined) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStrings = (v: CanonicalValue | undefined) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Why `store` is not a usable kernel state, or null. */
export function stateProblem(store: Store): string | null {
  const tip = tipProblem(store.get(K.tip));
  if (tip !== null) return tip;
  for (const k of [K.adminThreshold, K.activeVersion, K.latestVersion, K.approvalsOpen]) {
    if (!isInt(store.get(k))) return `${k} must be a non-negative integer`;
  }
  if (typeof store.get(K.chainId) !== 'string') return `${K.chainId} must be a string`;
  const admins = store.get(K.admins);
  if (!isStrings(admins) || (admins as string[]).length === 0) return `${K.admins} must be a non-empty list of key ids`;
  if ((store.get(K.adminThreshold) as number) > (admins as string[]).length) return `${K.adminThreshold} exceeds the number of admins`;
  const heights = store.get(K.approvalHeights);
  if (!Array.isArray(heights) || !heights.every((h) => isInt(h))) return `${K.approvalHeights} must be a list of heights`;
  for (const h of heights as number[]) if (!isStrings(store.get(K.approvalBucket(h)))) return `${K.approvalBucket(h)} must be a list of request ids`;
  const pending = store.get(K.pendingSwap);
  if (pending !== null) {
    const p = pending as Record<string, CanonicalValue> | undefined;
    if (p === undefined || typeof p !== 'object' || !isInt(p.version) || !isInt(p.atHeight) || (p.action !== 'swap' && p.action !== 'rollback')) {
      return `${K.pendingSwap} must be null or { version, atHeight, action }`;
    }
    if (store.get(K.descriptor(p.version as number)) === undefined) return `${K.pendingSwap} names a version that is not installed`;
  }
  if (!Array.isArray(store.get(K.history))) return `${K.history} must be a list`;
  return null;
}
