// A Merkle tree in the style of RFC 6962 / RFC 9162 (Certificate Transparency): leaves and inner
// nodes are hashed under different domain tags, so a leaf can never be mistaken for a node
// (second-preimage attack); an odd count is handled by splitting at the largest power of two below
// n (no duplicated last leaf, unlike Bitcoin's tree, whose duplication lets two lists share a root).
// A proof verifies with the root, the leaf bytes and the proof alone.
import { bytesEqual } from './bytes.js';
import { HASH_BYTES, Tag, hashTagged } from './hash.js';

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
 */
export function merkleRootOfLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const n = leafHashes.length;
  if (n === 0) return hashTagged(Tag.merkleEmpty);
  let level = leafHashes.slice();
  let size = n;
  while (size > 1) {
    let w = 0;
    for (let i = 0; i + 1 < size; i += 2) level[w++] = merkleNodeHash(level[i], level[i + 1]);
    if (size % 2 === 1) level[w++] = level[size - 1];
    size = w;
  }
  return level[0];
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
  try {
    if (!(root instanceof Uint8Array) || root.length !== HASH_BYTES || !(leaf instanceof Uint8Array)) return false;
    if (proof === null || typeof proof !== 'object' || !Array.isArray(proof.path)) return false;
    const { index, size, path } = proof;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
    if (path.length > 64) return false;
    let fn = index;
    let sn = size - 1;
    let r = merkleLeafHash(leaf);
    for (const p of path) {
      if (!(p instanceof Uint8Array) || p.length !== HASH_BYTES || sn === 0) return false;
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
    return sn === 0 && bytesEqual(r, root);
  } catch {
    return false;
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
