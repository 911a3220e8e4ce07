// A per-command write journal over the store: reads see the command's own writes; nothing reaches
// the store unless the command succeeds (commit), so a failed command changes no state.
import type { CanonicalValue } from '../../crypto/canonical.js';
import type { Store } from './store.js';

const DELETED: unique symbol = Symbol('deleted');
type Slot = CanonicalValue | typeof DELETED;

export class Tx {
  private readonly writes = new Map<string, Slot>();
  /** Write order, for the effects digest: [key, value or null for a delete]. */
  readonly log: [string, CanonicalValue][] = [];

  constructor(private readonly store: Store) {}

  get(key: string): CanonicalValue | undefined {
    const w = this.writes.get(key);
    if (w === undefined) return this.store.get(key);
    return w === DELETED ? undefined : w;
  }

  set(key: string, value: CanonicalValue): void {
    this.writes.set(key, value);
    this.log.push([key, value]);
  }

  delete(key: string): void {
    this.writes.set(key, DELETED);
    this.log.push([key, null]);
  }

  /** Applies the writes to the store. Writes in the order made; the last write of a key wins. */
  commit(): void {
    for (const [k, v] of this.writes) {
      if (v === DELETED) this.store.delete(k);
      else this.store.set(k, v);
    }
  }
}
