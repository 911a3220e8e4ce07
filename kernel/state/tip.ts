// The chain tip in state (key K.tip): what every batch reads first and writes last.
import type { CanonicalValue } from '../../crypto/canonical.js';
import { K } from './keys.js';
import type { Store } from './store.js';

export interface Tip {
  /** Height of the last applied batch. */
  height: number;
  /** Receipts issued so far = the next receipt's index. */
  count: number;
  /** Hash of the last receipt (32 zero bytes before the first). */
  head: Uint8Array;
}

export function readTip(store: Store): Tip {
  return store.get(K.tip) as unknown as Tip;
}

export function writeTip(store: Store, tip: Tip): void {
  store.set(K.tip, { height: tip.height, count: tip.count, head: tip.head } as unknown as CanonicalValue);
}

/** Why a stored tip is malformed (restored snapshots), or null. */
export function tipProblem(v: CanonicalValue | undefined): string | null {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return `${K.tip} must be { height, count, head }`;
  const t = v as Record<string, CanonicalValue>;
  if (Object.keys(t).length !== 3) return `${K.tip} must hold exactly height, count and head`;
  const isInt = (x: CanonicalValue | undefined) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!isInt(t.height) || !isInt(t.count)) return `${K.tip} height and count must be non-negative integers`;
  if (!(t.head instanceof Uint8Array) || t.head.length !== 32) return `${K.tip} head must be 32 bytes`;
  return null;
}
