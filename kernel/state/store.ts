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

// Bucket hashing input, reused across buckets and stores (grown for a crowded bucket).
let bucketScratch = new Uint8Array(64 * HASH_BYTES);

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
  private readonly leaves: Map<string, Uint8Array>;
  /** Per bucket, its keys sorted by JS string order (UTF-16 code units). */
  private readonly bucketKeys: string[][];
  /** BUCKETS * 32 bytes: bucket i's hash at offset 32 i. */
  private readonly bucketHashes: Uint8Array;
  private readonly dirtyKeys: Set<string>;
  private readonly dirtyBuckets: Set<number>;
  private cachedRoot: Uint8Array | null;

  private constructor(from?: Store) {
    if (from === undefined) {
      this.data = new Map();
      this.leaves = new Map();
      this.bucketKeys = Array.from({ length: BUCKETS }, () => []);
      this.bucketHashes = new Uint8Array(BUCKETS * HASH_BYTES);
      for (let i = 0; i < BUCKETS; i++) this.bucketHashes.set(EMPTY_BUCKET, i * HASH_BYTES);
      this.dirtyKeys = new Set();
      this.dirtyBuckets = new Set();
      this.cachedRoot = null;
    } else {
      this.data = new Map(from.data);
      this.leaves = new Map(from.leaves);
      this.bucketKeys = from.bucketKeys.map((b) => b.slice());
      this.bucketHashes = from.bucketHashes.slice();
      this.dirtyKeys = new Set(from.dirtyKeys);
      this.dirtyBuckets = new Set(from.dirtyBuckets);
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
      const keys = this.bucketKeys[bucketOf(key)];
      keys.splice(-search(keys, key) - 1, 0, key);
    }
    this.data.set(key, value);
    this.touch(key);
  }

  delete(key: string): void {
    if (!this.data.has(key)) return;
    this.data.delete(key);
    this.leaves.delete(key);
    const keys = this.bucketKeys[bucketOf(key)];
    keys.splice(search(keys, key), 1);
    this.touch(key);
  }

  private touch(key: string): void {
    this.dirtyKeys.add(key);
    this.dirtyBuckets.add(bucketOf(key));
    this.cachedRoot = null;
  }

  /** Every key in sorted order (snapshots; O(n log n)). */
  sortedKeys(): string[] {
    return [...this.data.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The state root; recomputes only what changed since the last call. */
  root(): Uint8Array {
    if (this.cachedRoot !== null) return this.cachedRoot;
    for (const key of this.dirtyKeys) {
      const v = this.data.get(key);
      if (v !== undefined) this.leaves.set(key, leafHash(key, v));
    }
    this.dirtyKeys.clear();
    for (const b of this.dirtyBuckets) {
      const keys = this.bucketKeys[b];
      let h = EMPTY_BUCKET;
      if (keys.length > 0) {
        // One contiguous buffer, not a spread: a bucket may hold more keys than a call has arguments.
        const size = keys.length * HASH_BYTES;
        if (bucketScratch.length < size) bucketScratch = new Uint8Array(size);
        const buf = bucketScratch;
        for (let i = 0; i < keys.length; i++) {
          // A 32-byte loop copy: cheaper than TypedArray.set per leaf.
          const leaf = this.leaves.get(keys[i]) as Uint8Array;
          const at = i * HASH_BYTES;
          for (let j = 0; j < HASH_BYTES; j++) buf[at + j] = leaf[j];
        }
        h = hashTagged(Tag.stateBucket, buf.subarray(0, size));
      }
      const at = b * HASH_BYTES;
      for (let j = 0; j < HASH_BYTES; j++) this.bucketHashes[at + j] = h[j];
    }
    this.dirtyBuckets.clear();
    const count = new Uint8Array(4);
    new DataView(count.buffer).setUint32(0, BUCKETS);
    this.cachedRoot = hashTagged(Tag.stateRoot, count, this.bucketHashes);
    return this.cachedRoot;
  }
}
