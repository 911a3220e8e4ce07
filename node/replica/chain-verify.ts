// Verifies committed blocks fetched from ONE peer during catch-up, trusting nothing it says:
// every block hash is recomputed, each block must extend the previous one and carry a justify QC
// for it with 2f+1 valid vote signatures, and a block counts as committed only under HotStuff's
// 2-chain rule inside the fetched data (a certified child in the next view), which at most f
// Byzantine replicas cannot forge. The verified committed prefix is returned; the rest is refetched.
import { blockHash, GENESIS_HASH } from '../../consensus/block.js';
import { voteBytes } from '../../consensus/signing.js';
import type { ConsensusCrypto, QuorumCert } from '../../consensus/types.js';
import { bytesEqual } from '../../crypto/bytes.js';
import type { CommittedBlock } from '../proto/sync-codec.js';

export type ChainVerdict = { ok: true; committed: CommittedBlock[] } | { ok: false; reason: string };

/** True when `qc` carries votes of 2f+1 distinct validators over exactly its (view, height, hash). */
export function qcValid(qc: QuorumCert, crypto: ConsensusCrypto, n: number, f: number): boolean {
  if (qc.view === 0) return qc.height === 0 && qc.votes.length === 0 && bytesEqual(qc.blockHash, GENESIS_HASH);
  const bytes = voteBytes(qc.view, qc.height, qc.blockHash);
  const seen = new Set<number>();
  for (const v of qc.votes) {
    if (v.voter < 0 || v.voter >= n || seen.has(v.voter)) return false;
    if (!crypto.verify(v.voter, bytes, v.signature)) return false;
    seen.add(v.voter);
  }
  return seen.size >= 2 * f + 1;
}

/**
 * `blocks` must start right after (`tipHeight`, `tipHash`). Returns the prefix proven committed.
 */
export function verifyFetchedChain(tipHeight: number, tipHash: Uint8Array, blocks: CommittedBlock[], crypto: ConsensusCrypto, n: number, f: number): ChainVerdict {
  let prevHash = tipHash;
  const certified: boolean[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const { block: b, qc } = blocks[i];
    if (b.height !== tipHeight + 1 + i) return { ok: false, reason: `block ${i} has height ${b.height}, expected ${tipHeight + 1 + i}` };
    if (!bytesEqual(b.parent, prevHash)) return { ok: false, reason: `block at height ${b.height} does not extend the previous block` };
    if (!bytesEqual(blockHash(b), b.hash)) return { ok: false, reason: `block at height ${b.height} has a wrong hash` };
    if (!bytesEqual(b.justify.blockHash, b.parent) || b.justify.height !== b.height - 1 || b.view <= b.justify.view) {
      return { ok: false, reason: `block at height ${b.height} does not justify its parent` };
    }
    if (!qcValid(b.justify, crypto, n, f)) return { ok: false, reason: `block at height ${b.height} carries an invalid QC` };
    if (i > 0) certified[i - 1] = true; // its justify, just verified, certifies the previous block
    certified[i] = bytesEqual(qc.blockHash, b.hash) && qc.height === b.height && qcValid(qc, crypto, n, f);
    prevHash = b.hash;
  }
  // 2-chain commit rule: block j is committed when block j+1 is its child in the next view and certified.
  let committedUpTo = -1;
  for (let j = 0; j + 1 < blocks.length; j++) {
    if (blocks[j + 1].block.view === blocks[j].block.view + 1 && certified[j + 1]) committedUpTo = j;
  }
  return { ok: true, committed: blocks.slice(0, committedUpTo + 1) };
}
