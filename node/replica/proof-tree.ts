// Inclusion proofs for every receipt of a block without rehashing the tree per proof:
// crypto/merkle's `merkleProof(leaves, i)` hashes the whole tree on every call, which is O(n^2)
// for a block of n receipts whose clients all wait. This builds the same RFC 6962 tree once
// (same split rule, same domain-tagged hashes) and memoises subtree roots; each proof is then
// O(log n) lookups. Tests check it against crypto/merkle's proofs and root.
import { merkleLeafHash, merkleNodeHash, merkleRoot, type MerkleProof } from '../../crypto/merkle.js';

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class ProofTree {
  private readonly leafHashes: Uint8Array[];
  private readonly memo = new Map<number, Uint8Array>();
  readonly root: Uint8Array;

  constructor(leaves: Uint8Array[]) {
    this.leafHashes = leaves.map(merkleLeafHash);
    this.root = leaves.length === 0 ? merkleRoot([]) : this.subtree(0, leaves.length);
  }

  get size(): number {
    return this.leafHashes.length;
  }

  proof(index: number): MerkleProof {
    const size = this.leafHashes.length;
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`proof: index ${index} out of range for ${size} leaves`);
    const path: Uint8Array[] = [];
    this.collect(index, 0, size, path);
    return { index, size, path };
  }

  private subtree(from: number, to: number): Uint8Array {
    const n = to - from;
    if (n === 1) return this.leafHashes[from];
    // from < 2^26 and to < 2^26 for any block we accept, so this key is unique.
    const key = from * 0x4000000 + to;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const k = splitPoint(n);
    const h = merkleNodeHash(this.subtree(from, from + k), this.subtree(from + k, to));
    this.memo.set(key, h);
    return h;
  }

  private collect(index: number, from: number, to: number, path: Uint8Array[]): void {
    const n = to - from;
    if (n === 1) return;
    const k = splitPoint(n);
    if (index - from < k) {
      this.collect(index, from, from + k, path);
      path.push(this.subtree(from + k, to));
    } else {
      this.collect(index, from + k, to, path);
      path.push(this.subtree(from, from + k));
    }
  }
}
