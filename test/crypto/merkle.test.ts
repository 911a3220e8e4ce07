import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from '../../crypto/bytes.js';
import { Tag } from '../../crypto/hash.js';
import { merkleLeafHash, merkleProof, merkleRoot, merkleRootOfLeafHashes, verifyMerkleProof, type MerkleProof } from '../../crypto/merkle.js';

// An independent reference, written from RFC 6962 §2.1 with noble's SHA-256, to check the structure.
const prefix = (tag: string) => utf8(`${tag}\0`);
const leafHash = (d: Uint8Array) => sha256(concatBytes(prefix(Tag.merkleLeaf), d));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(concatBytes(prefix(Tag.merkleNode), l, r));
function referenceRoot(d: Uint8Array[]): Uint8Array {
  if (d.length === 1) return leafHash(d[0]);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return nodeHash(referenceRoot(d.slice(0, k)), referenceRoot(d.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => utf8(`leaf-${i}`));

describe('crypto/merkle', () => {
  it('root matches the RFC 6962 reference for sizes 1..33', () => {
    for (let n = 1; n <= 33; n++) assert.equal(toHex(merkleRoot(leavesOf(n))), toHex(referenceRoot(leavesOf(n))), `n=${n}`);
  });

  it('the level-by-level fold over leaf hashes equals the RFC 6962 reference (sizes 0..70, 1000, 1025)', () => {
    for (const n of [...Array.from({ length: 71 }, (_, i) => i), 1000, 1025]) {
      const leaves = leavesOf(n);
      const hashes = leaves.map(merkleLeafHash);
      const expected = n === 0 ? merkleRoot([]) : referenceRoot(leaves);
      assert.equal(toHex(merkleRootOfLeafHashes(hashes)), toHex(expected), `n=${n}`);
      assert.equal(hashes.length, n); // the input array is not consumed
      if (n > 0) assert.equal(toHex(hashes[0]), toHex(leafHash(leaves[0])));
    }
  });

  it('empty tree root is H(merkleEmpty); one leaf is its leaf hash', () => {
    assert.equal(toHex(merkleRoot([])), toHex(sha256(prefix(Tag.merkleEmpty))));
    assert.equal(toHex(merkleRoot([utf8('x')])), toHex(leafHash(utf8('x'))));
  });

  it('every proof of every leaf verifies (sizes 1..33), and fails for any other leaf', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = leavesOf(n);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i++) {
        const proof = merkleProof(leaves, i);
        assert.equal(verifyMerkleProof(root, leaves[i], proof), true, `n=${n} i=${i}`);
        assert.equal(verifyMerkleProof(root, leaves[(i + 1) % n], proof), n === 1, `wrong leaf n=${n} i=${i}`);
      }
    }
  });

  it('rejects a proof with a wrong index, size, path element, or root', () => {
    const leaves = leavesOf(11);
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 9);
    const variants: [string, MerkleProof][] = [
      ['index+1', { ...proof, index: 10 }],
      ['index-1', { ...proof, index: 8 }],
      ['size-1 (different shape)', { ...proof, size: 10 }],
      ['size 16 (different shape)', { ...proof, size: 16 }],
      ['size = index', { ...proof, size: 9 }],
      ['path shortened', { ...proof, path: proof.path.slice(1) }],
      ['path extended', { ...proof, path: [...proof.path, proof.path[0]] }],
      ['path element flipped', { ...proof, path: proof.path.map((p, j) => (j === 1 ? p.map((b, k) => (k === 0 ? b ^ 1 : b)) : p)) }],
    ];
    for (const [name, p] of variants) assert.equal(verifyMerkleProof(root, leaves[9], p), false, name);
    assert.equal(verifyMerkleProof(merkleRoot(leavesOf(12)), leaves[9], proof), false, 'other root');
  });

  it('documents that the root does not commit to the tree size (sign the size with the root)', () => {
    // As in RFC 9162, a proof for a leaf in a complete left subtree also verifies for other sizes
    // with the same path shape; Certificate Transparency signs (size, root) together for this reason.
    const leaves = leavesOf(11);
    const proof = merkleProof(leaves, 6);
    assert.equal(verifyMerkleProof(merkleRoot(leaves), leaves[6], { ...proof, size: 12 }), true);
  });

  it('a leaf cannot pass for an inner node (domain separation)', () => {
    const leaves = leavesOf(4);
    const root = merkleRoot(leaves);
    // Present the concatenation of two leaf hashes as a "leaf" of a 2-leaf tree: must fail.
    const left = nodeHash(leafHash(leaves[0]), leafHash(leaves[1]));
    const right = nodeHash(leafHash(leaves[2]), leafHash(leaves[3]));
    assert.equal(verifyMerkleProof(root, concatBytes(leafHash(leaves[0]), leafHash(leaves[1])), { index: 0, size: 2, path: [right] }), false);
    assert.equal(toHex(nodeHash(left, right)), toHex(root));
  });

  it('never throws on malformed proofs', () => {
    const leaves = leavesOf(5);
    const root = merkleRoot(leaves);
    const junk: unknown[] = [
      null,
      undefined,
      {},
      { index: 0, size: 5 },
      { index: -1, size: 5, path: [] },
      { index: 5, size: 5, path: [] },
      { index: 0.5, size: 5, path: [] },
      { index: 0, size: Number.MAX_SAFE_INTEGER + 2, path: [] },
      { index: 0, size: 5, path: [new Uint8Array(31), new Uint8Array(32), new Uint8Array(32)] },
      { index: 0, size: 5, path: ['00'.repeat(32)] },
      { index: 0, size: 5, path: new Array(100).fill(new Uint8Array(32)) },
    ];
    for (const p of junk) assert.equal(verifyMerkleProof(root, leaves[0], p as MerkleProof), false, JSON.stringify(p));
    assert.equal(verifyMerkleProof(new Uint8Array(31), leaves[0], merkleProof(leaves, 0)), false);
    assert.equal(verifyMerkleProof(root, 'leaf' as never, merkleProof(leaves, 0)), false);
  });

  it('merkleProof throws RangeError for an index out of range', () => {
    assert.throws(() => merkleProof(leavesOf(3), 3), RangeError);
    assert.throws(() => merkleProof([], 0), RangeError);
    assert.throws(() => merkleProof(leavesOf(3), 1.5), RangeError);
  });
});
