// A Merkle tree in the style of RFC 6962 / RFC 9162 (Certificate Transparency): leaves and inner
// nodes are hashed under different domain tags, so a leaf can never be mistaken for a node
// (second-preimage attack); an odd count is handled by splitting at the largest power of two below
// n (no duplicated last leaf, unlike Bitcoin's tree, whose duplication lets two lists share a root).
// A proof verifies with the root, the leaf bytes and the proof alone.
import { bytesEqual } from './bytes.js';
import { HASH_BYTES, Tag, hashTagged, hashTaggedPairInto } from './hash.js';

/** An inclusion proof: the leaf's position, the tree size, and sibling hashes from the leaf up. */
export interface MerkleProof {
  index: number;
  size: number;
  path: Uint8Array[];
}

/** Hash of one leaf's bytes: H(merkleLeaf || leaf). */
export function merkleLeafHash(leaf: Uint8Array): Uint8Array {
  return hashTagged(Tag.merkleLeaf, leaf);
}

/** Hash of an inner node: H(merkleNode || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return hashTagged(Tag.merkleNode, left, right);
}

/** Root of the tree over `leaves` (raw bytes, hashed here). The empty tree's root is H(merkleEmpty). */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hashTagged(Tag.merkleEmpty);
  const hashes = new Array<Uint8Array>(leaves.length);
  for (let i = 0; i < leaves.length; i++) hashes[i] = merkleLeafHash(leaves[i]);
  return merkleRootOfLeafHashes(hashes);
}

/**
 * The same root from leaf hashes already computed (merkleLeafHash of each leaf), for callers that
 * hash leaves as they produce them. Folds level by level: at each level an odd last node is
 * carried up unchanged, which gives exactly RFC 6962's split at the largest power of two below n.
 * The inner nodes are written back to back into one array, folded in place (a 32-byte array per
 * node was most of what a block's receipts root allocated). Returns a new array.
 */
export function merkleRootOfLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return hashTagged(Tag.merkleEmpty);
  if (n === 1) return leafHashes[0].slice();
  const level = new Uint8Array(((n + 1) >>> 1) * HASH_BYTES);
  let size = 0;
  for (let i = 0; i + 1 < n; i += 2) hashTaggedPairInto(Tag.merkleNode, leafHashes[i], 0, leafHashes[i + 1], 0, level, HASH_BYTES * size++);
  if (n % 2 === 1) level.set(leafHashes[n - 1], HASH_BYTES * size++);
  while (size > 1) {
    let w = 0;
    for (let i = 0; i + 1 < size; i += 2) hashTaggedPairInto(Tag.merkleNode, level, HASH_BYTES * i, level, HASH_BYTES * (i + 1), level, HASH_BYTES * w++);
    if (size % 2 === 1) level.copyWithin(HASH_BYTES * w++, HASH_BYTES * (size - 1), HASH_BYTES * size);
    size = w;
  }
  return level.slice(0, HASH_BYTES);
}

/** The inclusion proof of `leaves[index]`. Throws `RangeError` when index is out of range. */
export function merkleProof(leaves: Uint8Array[], index: number): MerkleProof {
  const size = leaves.length;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`merkleProof: index ${index} out of range for ${size} leaves`);
  }
  const hashes = leaves.map(merkleLeafHash);
  const path: Uint8Array[] = [];
  collectPath(hashes, index, 0, size, path);
  return { index, size, path };
}

/**
 * True iff `leaf` is at `proof.index` of a tree of `proof.size` leaves whose root is `root`
 * (RFC 9162 §2.1.3.2). Never throws: any malformed proof is simply `false`.
 */
export function verifyMerkleProof(root: Uint8Array, leaf: Uint8Array, proof: MerkleProof): boolean {
  if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES) return false;
  const r = merkleRootFromProof(leaf, proof);
  return r !== null && bytesEqual(r, root);
}

/**
 * The root of the tree of `proof.size` leaves that has `leaf` at `proof.index` with these sibling
 * hashes, or null for a malformed proof. For a signature over a root the verifier does not hold
 * yet: it recomputes the root from the proof, then checks the signature over that root.
 */
export function merkleRootFromProof(leaf: Uint8Array, proof: MerkleProof): Uint8Array | null {
  try {
    if (!(leaf instanceof Uint8Array)) return null;
    if (proof === null || typeof proof !== 'object' || !Array.isArray(proof.path)) return null;
    const { index, size, path } = proof;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
    if (path.length > 64) return null;
    let fn = index;
    let sn = size - 1;
    let r = merkleLeafHash(leaf);
    for (const p of path) {
      if (!(p instanceof Uint8Array) || p.length !== HASH_BYTES || sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = merkleNodeHash(p, r);
        // Climb past the levels where this node is a left child with no right sibling.
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      } else {
        r = merkleNodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  } catch {
    return null;
  }
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(hashes: Uint8Array[], from: number, to: number): Uint8Array {
  const n = to - from;
  if (n === 1) return hashes[from];
  const k = splitPoint(n);
  return merkleNodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

// RFC 6962 §2.1.1 PATH(m, D[from:to]), appending siblings from the leaf upwards.
function collectPath(hashes: Uint8Array[], index: number, from: number, to: number, path: Uint8Array[]): void {
  const n = to - from;
  if (n === 1) return;
  const k = splitPoint(n);
  if (index - from < k) {
    collectPath(hashes, index, from, from + k, path);
    path.push(subtreeRoot(hashes, from + k, to));
  } else {
    collectPath(hashes, index, from + k, to, path);
    path.push(subtreeRoot(hashes, from, from + k));
  }
}
