// The kernel's whole state: one flat map of string keys to canonical values, with an incremental
// state root. Keys are namespaced by a short prefix (see keys.ts). Values are never mutated in
// place: a write replaces the value, so a value may be shared by several forks of the store.
//
// State root (why this shape): hashing the whole state per block is O(state); a binary Merkle tree
// costs log(n) hashes per write. Instead every key falls into one of BUCKETS buckets (FNV-1a of the
// key): leaf = H(stateLeaf, len(key), key, canonical(value)); a bucket's hash is H(stateBucket) when
// empty, its single leaf when it holds one key, else H(stateBucket, leaves of its keys in sorted key
// order); the buckets form GROUPS groups of GROUP_SIZE consecutive buckets, group = H(stateGroup,
// its bucket hashes); root = H(stateRoot, u32 BUCKETS, u32 GROUP_SIZE, group hashes).
//
// A block recomputes the leaves of the keys it wrote, the buckets and groups they fall in, and the
// root: a 1 KiB hash per dirty group and 4 KiB for the root, where a single level hashed 128 KiB per
// block (~85 µs here, the largest fixed cost of a small block). A SHA-256 call costs ~0.5 µs plus
// ~0.65 µs/KiB (more when its input is cold): 64 or 16 buckets per group, or a third level, measured
// slower for small blocks and no faster for large ones. A one-key bucket (most of them at this
// bucket count) is its leaf: no bucket hash. The tags keep leaves, buckets and groups apart, so
// the commitment stays unambiguous. test/kernel/state.test.ts checks it against a from-scratch
// reference of this construction.
import { canonicalHashLabelledInto, type CanonicalValue } from '../../crypto/canonical.js';
import { Tag, hashTagged, hashTaggedInto } from '../../crypto/hash.js';

export const BUCKETS = 4096;
/** Buckets per group: 128 groups of 32, so a group hashes 1 KiB and the root 4 KiB. */
export const GROUP_SIZE = 32;
const GROUPS = BUCKETS / GROUP_SIZE;
const HASH_BYTES = 32;
const GROUP_BYTES = GROUP_SIZE * HASH_BYTES;

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
const ROOT_PARAMS = new Uint8Array([(BUCKETS >>> 24) & 255, (BUCKETS >>> 16) & 255, (BUCKETS >>> 8) & 255, BUCKETS & 255, 0, 0, 0, GROUP_SIZE]);

/** H(stateLeaf, u32 len, key, canonical(value)), written into out[at, at + 32). */
function leafHashInto(key: string, value: CanonicalValue, out: Uint8Array, at: number): void {
  canonicalHashLabelledInto(Tag.stateLeaf, key, value, out, at);
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

function copyHash(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number): void {
  for (let j = 0; j < HASH_BYTES; j++) to[toAt + j] = from[fromAt + j];
}

function groupViews(bucketHashes: Uint8Array): Uint8Array[] {
  return Array.from({ length: GROUPS }, (_, g) => bucketHashes.subarray(g * GROUP_BYTES, (g + 1) * GROUP_BYTES));
}

/** The hashes of an empty store's buckets and groups, computed once and copied by Store.empty(). */
let emptyLevels: { buckets: Uint8Array; groups: Uint8Array } | null = null;
function emptyTree(): { buckets: Uint8Array; groups: Uint8Array } {
  if (emptyLevels === null) {
    const buckets = new Uint8Array(BUCKETS * HASH_BYTES);
    for (let i = 0; i < BUCKETS; i++) buckets.set(EMPTY_BUCKET, i * HASH_BYTES);
    const groups = new Uint8Array(GROUPS * HASH_BYTES);
    const g0 = hashTagged(Tag.stateGroup, buckets.subarray(0, GROUP_BYTES));
    for (let i = 0; i < GROUPS; i++) groups.set(g0, i * HASH_BYTES);
    emptyLevels = { buckets, groups };
  }
  return emptyLevels;
}

export class Store {
  private readonly data: Map<string, CanonicalValue>;
  /** Per bucket, its keys sorted by JS string order (UTF-16 code units). */
  private readonly bucketKeys: string[][];
  /**
   * Per bucket, how many keys it holds (= bucketKeys[b].length), in one small typed array that
   * stays in cache: root() tells empty, one-key and larger buckets apart without touching the
   * bucket's own (cold) arrays.
   */
  private readonly bucketCount: Uint16Array;
  /**
   * Per bucket of two or more keys, their leaf hashes in key order, back to back: exactly the
   * bucket hash's input, so a dirty bucket is hashed in place (no gathering of leaves from a map).
   * A new key's slot holds zeros until root() computes it (it is dirty until then). A bucket of
   * one key has none (NO_LEAVES): its leaf lives in its bucketHashes slot, since a one-key bucket's
   * hash is its leaf (one array and one copy less for most buckets).
   */
  private readonly bucketLeaves: Uint8Array[];
  /** BUCKETS * 32 bytes: bucket i's hash at offset 32 i; group g's input is the GROUP_BYTES at GROUP_BYTES g. */
  private readonly bucketHashes: Uint8Array;
  /** GROUPS * 32 bytes: group g's hash at offset 32 g (the root's input). */
  private readonly groupHashes: Uint8Array;
  /** Group g's input as a view of bucketHashes, made once (a subarray per hash costs ~150 ns). */
  private readonly groupInputs: Uint8Array[];
  /**
   * Keys written or deleted since the last root(), with their value then (undefined: deleted),
   * so root() needs no second lookup in `data`; their buckets are found then.
   */
  private readonly dirty: Map<string, CanonicalValue | undefined>;
  /** root()'s scratch marks (all zero between calls): which buckets and groups it already listed. */
  private readonly bucketSeen = new Uint8Array(BUCKETS);
  private readonly groupSeen = new Uint8Array(GROUPS);
  private cachedRoot: Uint8Array | null;

  private constructor(from?: Store) {
    if (from === undefined) {
      const empty = emptyTree();
      this.data = new Map();
      this.bucketKeys = Array.from({ length: BUCKETS }, () => []);
      this.bucketCount = new Uint16Array(BUCKETS);
      this.bucketLeaves = new Array<Uint8Array>(BUCKETS).fill(NO_LEAVES);
      this.bucketHashes = empty.buckets.slice();
      this.groupHashes = empty.groups.slice();
      this.dirty = new Map();
      this.cachedRoot = null;
      this.groupInputs = groupViews(this.bucketHashes);
    } else {
      this.data = new Map(from.data);
      this.bucketKeys = from.bucketKeys.map((b) => b.slice());
      this.bucketCount = from.bucketCount.slice();
      // Leaf arrays are written in place by root(): each fork needs its own (the empty one is never written).
      this.bucketLeaves = from.bucketLeaves.map((b) => (b.length === 0 ? NO_LEAVES : b.slice()));
      this.bucketHashes = from.bucketHashes.slice();
      this.groupHashes = from.groupHashes.slice();
      this.dirty = new Map(from.dirty);
      this.cachedRoot = from.cachedRoot;
      this.groupInputs = groupViews(this.bucketHashes);
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
    const before = this.data.size;
    this.data.set(key, value);
    // A new key grew the map: one hash-table lookup instead of has() then set().
    if (this.data.size !== before) {
      const b = bucketOf(key);
      const keys = this.bucketKeys[b];
      const at = -search(keys, key) - 1;
      keys.splice(at, 0, key);
      this.bucketCount[b] = Math.min(keys.length, 0xffff); // 0xffff: "many" (only 0, 1, >1 matter)
      if (keys.length === 2) {
        // One key became two: the other key's leaf moves from the bucket slot into a leaf array.
        // (Stale if that key is dirty too; root() then rewrites it.)
        const grown = new Uint8Array(2 * HASH_BYTES);
        copyHash(this.bucketHashes, b * HASH_BYTES, grown, at === 0 ? HASH_BYTES : 0);
        this.bucketLeaves[b] = grown;
      } else if (keys.length > 2) {
        const old = this.bucketLeaves[b];
        const grown = new Uint8Array(old.length + HASH_BYTES);
        grown.set(old.subarray(0, at * HASH_BYTES), 0);
        grown.set(old.subarray(at * HASH_BYTES), (at + 1) * HASH_BYTES);
        this.bucketLeaves[b] = grown;
      }
    }
    this.touch(key, value);
  }

  delete(key: string): void {
    if (!this.data.delete(key)) return;
    const b = bucketOf(key);
    const keys = this.bucketKeys[b];
    const at = search(keys, key);
    keys.splice(at, 1);
    this.bucketCount[b] = Math.min(keys.length, 0xffff);
    const old = this.bucketLeaves[b];
    if (keys.length === 0) this.bucketLeaves[b] = NO_LEAVES;
    else if (keys.length === 1) {
      // Two keys became one: the remaining leaf moves into the bucket slot, which is the bucket's
      // hash now (the bucket is dirty: its group is rehashed by root()).
      copyHash(old, at === 0 ? HASH_BYTES : 0, this.bucketHashes, b * HASH_BYTES);
      this.bucketLeaves[b] = NO_LEAVES;
    } else {
      const shrunk = new Uint8Array(old.length - HASH_BYTES);
      shrunk.set(old.subarray(0, at * HASH_BYTES), 0);
      shrunk.set(old.subarray((at + 1) * HASH_BYTES), at * HASH_BYTES);
      this.bucketLeaves[b] = shrunk;
    }
    this.touch(key, undefined);
  }

  private touch(key: string, value: CanonicalValue | undefined): void {
    this.dirty.set(key, value);
    this.cachedRoot = null;
  }

  /** Every key in sorted order (snapshots; O(n log n)). */
  sortedKeys(): string[] {
    return [...this.data.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The state root; recomputes only what changed since the last call. */
  root(): Uint8Array {
    if (this.cachedRoot !== null) return this.cachedRoot;
    // Dirty buckets and groups as small lists (each listed once); the order of recomputation does
    // not matter for the result: every bucket and group hash has its own slot.
    const dirtyBuckets: number[] = [];
    const bucketSeen = this.bucketSeen;
    try {
      for (const [key, v] of this.dirty) {
        const b = bucketOf(key);
        if (bucketSeen[b] === 0) {
          bucketSeen[b] = 1;
          dirtyBuckets.push(b);
        }
        if (v === undefined) continue; // deleted: its slot went with it
        // A one-key bucket's leaf is the bucket's hash (no key search, no leaf array).
        if (this.bucketCount[b] === 1) leafHashInto(key, v, this.bucketHashes, b * HASH_BYTES);
        else leafHashInto(key, v, this.bucketLeaves[b], search(this.bucketKeys[b], key) * HASH_BYTES);
      }
    } catch (e) {
      // A value without a canonical encoding (a caller's bug): leave the marks clean, keys dirty.
      for (let i = 0; i < dirtyBuckets.length; i++) bucketSeen[dirtyBuckets[i]] = 0;
      throw e;
    }
    this.dirty.clear();
    const dirtyGroups: number[] = [];
    const groupSeen = this.groupSeen;
    for (let i = 0; i < dirtyBuckets.length; i++) {
      const b = dirtyBuckets[i];
      const count = this.bucketCount[b];
      const at = b * HASH_BYTES;
      if (count > 1) hashTaggedInto(this.bucketHashes, at, Tag.stateBucket, this.bucketLeaves[b]);
      else if (count === 0) copyHash(EMPTY_BUCKET, 0, this.bucketHashes, at);
      // else one key: its leaf is already in the slot (written above, or when the bucket shrank).
      bucketSeen[b] = 0;
      const g = (b / GROUP_SIZE) | 0;
      if (groupSeen[g] === 0) {
        groupSeen[g] = 1;
        dirtyGroups.push(g);
      }
    }
    for (let i = 0; i < dirtyGroups.length; i++) {
      const g = dirtyGroups[i];
      groupSeen[g] = 0;
      hashTaggedInto(this.groupHashes, g * HASH_BYTES, Tag.stateGroup, this.groupInputs[g]);
    }
    this.cachedRoot = hashTagged(Tag.stateRoot, ROOT_PARAMS, this.groupHashes);
    return this.cachedRoot;
  }
}
