// The kernel's whole state: one flat map of string keys to canonical values, with an incremental
// state root. Keys are namespaced by a short prefix (see keys.ts). Values are never mutated in
// place: a write replaces the value, so a value may be shared by several forks of the store.
//
// State root (why this shape): hashing the whole state per block is O(state); a binary Merkle tree
// costs log(n) hashes per write. Instead every key falls into one of BUCKETS buckets (FNV-1a of the
// key): leaf = H(stateLeaf, len(key), key, canonical(value)); bucket = H(stateBucket, leaves of its
// keys in sorted key order); root = H(stateRoot, u32 BUCKETS, bucket hashes). A block recomputes the
// leaves of the keys it wrote and the buckets they fall in, then one hash over 128 KiB.
import { canonicalHashLabelled, type CanonicalValue } from '../../crypto/canonical.js';
import { Tag, hashTagged } from '../../crypto/hash.js';

export const BUCKETS = 4096;
const HASH_BYTES = 32;

/** FNV-1a over UTF-16 code units: cheap, identical on every JS engine; only spreads keys, proves nothing. */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (BUCKETS - 1);
}

const EMPTY_BUCKET = hashTagged(Tag.stateBucket);

/** H(stateLeaf, u32 len, key, canonical(value)). */
function leafHash(key: string, value: CanonicalValue): Uint8Array {
  return canonicalHashLabelled(Tag.stateLeaf, key, value);
}

const NO_LEAVES = new Uint8Array(0);

/** Binary search for `key` in a sorted array: index if found, else -(insertion point) - 1. */
function search(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = sorted[mid];
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

export class Store {
  private readonly data: Map<string, CanonicalValue>;
  /** Per bucket, its keys sorted by JS string order (UTF-16 code units). */
  private readonly bucketKeys: string[][];
  /**
   * Per bucket, its keys' leaf hashes in the same order, back to back: exactly the bucket hash's
   * input, so a dirty bucket is hashed in place (no gathering of leaves from a map). A new key's
   * slot holds zeros until root() computes it (it is dirty until then).
   */
  private readonly bucketLeaves: Uint8Array[];
  /** BUCKETS * 32 bytes: bucket i's hash at offset 32 i. */
  private readonly bucketHashes: Uint8Array;
  /** Keys written or deleted since the last root(); their buckets are found then. */
  private readonly dirtyKeys: Set<string>;
  private cachedRoot: Uint8Array | null;

  private constructor(from?: Store) {
    if (from === undefined) {
      this.data = new Map();
      this.bucketKeys = Array.from({ length: BUCKETS }, () => []);
      this.bucketLeaves = new Array<Uint8Array>(BUCKETS).fill(NO_LEAVES);
      this.bucketHashes = new Uint8Array(BUCKETS * HASH_BYTES);
      for (let i = 0; i < BUCKETS; i++) this.bucketHashes.set(EMPTY_BUCKET, i * HASH_BYTES);
      this.dirtyKeys = new Set();
      this.cachedRoot = null;
    } else {
      this.data = new Map(from.data);
      this.bucketKeys = from.bucketKeys.map((b) => b.slice());
      // Leaf arrays are written in place by root(): each fork needs its own (the empty one is never written).
      this.bucketLeaves = from.bucketLeaves.map((b) => (b.length === 0 ? NO_LEAVES : b.slice()));
      this.bucketHashes = from.bucketHashes.slice();
      this.dirtyKeys = new Set(from.dirtyKeys);
      this.cachedRoot = from.cachedRoot;
    }
  }

  static empty(): Store {
    return new Store();
  }

  /** An independent copy (values are shared; they are immutable by convention). */
  fork(): Store {
    return new Store(this);
  }

  get(key: string): CanonicalValue | undefined {
    return this.data.get(key);
  }

  get size(): number {
    return this.data.size;
  }

  set(key: string, value: CanonicalValue): void {
    if (!this.data.has(key)) {
      const b = bucketOf(key);
      const keys = this.bucketKeys[b];
      const at = -search(keys, key) - 1;
      keys.splice(at, 0, key);
      const old = this.bucketLeaves[b];
      const grown = new Uint8Array(old.length + HASH_BYTES);
      grown.set(old.subarray(0, at * HASH_BYTES), 0);
      grown.set(old.subarray(at * HASH_BYTES), (at + 1) * HASH_BYTES);
      this.bucketLeaves[b] = grown;
    }
    this.data.set(key, value);
    this.touch(key);
  }

  delete(key: string): void {
    if (!this.data.has(key)) return;
    this.data.delete(key);
    const b = bucketOf(key);
    const keys = this.bucketKeys[b];
    const at = search(keys, key);
    keys.splice(at, 1);
    const old = this.bucketLeaves[b];
    if (keys.length === 0) this.bucketLeaves[b] = NO_LEAVES;
    else {
      const shrunk = new Uint8Array(old.length - HASH_BYTES);
      shrunk.set(old.subarray(0, at * HASH_BYTES), 0);
      shrunk.set(old.subarray((at + 1) * HASH_BYTES), at * HASH_BYTES);
      this.bucketLeaves[b] = shrunk;
    }
    this.touch(key);
  }

  private touch(key: string): void {
    this.dirtyKeys.add(key);
    this.cachedRoot = null;
  }

  /** Every key in sorted order (snapshots; O(n log n)). */
  sortedKeys(): string[] {
    return [...this.data.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The state root; recomputes only what changed since the last call. */
  root(): Uint8Array {
    if (this.cachedRoot !== null) return this.cachedRoot;
    // Dirty buckets in ascending order is not needed for the result (each bucket's hash has its
    // own slot); a Set just de-duplicates.
    const dirtyBuckets = new Set<number>();
    for (const key of this.dirtyKeys) {
      const b = bucketOf(key);
      dirtyBuckets.add(b);
      const v = this.data.get(key);
      if (v === undefined) continue; // deleted: its slot went with it
      const leaf = leafHash(key, v);
      const leaves = this.bucketLeaves[b];
      const at = search(this.bucketKeys[b], key) * HASH_BYTES;
      for (let j = 0; j < HASH_BYTES; j++) leaves[at + j] = leaf[j];
    }
    this.dirtyKeys.clear();
    for (const b of dirtyBuckets) {
      const leaves = this.bucketLeaves[b];
      const h = leaves.length === 0 ? EMPTY_BUCKET : hashTagged(Tag.stateBucket, leaves);
      const at = b * HASH_BYTES;
      for (let j = 0; j < HASH_BYTES; j++) this.bucketHashes[at + j] = h[j];
    }
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, BUCKETS);
    this.cachedRoot = hashTagged(Tag.stateRoot, count, this.bucketHashes);
    return this.cachedRoot;
  }
}
