// Quorum certificates and timeout certificates: checking them (2f+1 distinct voters, every
// signature over the right fixed-layout bytes) and forming them from individually verified votes
// and timeouts. Collectors are bounded: one entry per (view, voter), old views pruned.
import { bytesEqual } from '../crypto/bytes.js';
import { GENESIS_HASH, hashKey } from './block.js';
import { timeoutBytes, voteBytes } from './signing.js';
import type { ConsensusCrypto, QuorumCert, ReplicaId, TimeoutCert, TimeoutMsg, TimeoutSignature, View, Vote, VoteSignature } from './types.js';

export function quorumSize(f: number): number {
  return 2 * f + 1;
}

export function isGenesisQc(qc: QuorumCert): boolean {
  return qc.view === 0 && qc.height === 0 && qc.votes.length === 0 && bytesEqual(qc.blockHash, GENESIS_HASH);
}

function distinctVoters(voters: ReplicaId[], n: number): boolean {
  const seen = new Set<ReplicaId>();
  for (const v of voters) {
    if (v < 0 || v >= n || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/** True iff `qc` is the genesis QC or carries >= 2f+1 distinct voters, all with valid signatures. */
export function verifyQc(qc: QuorumCert, n: number, f: number, crypto: ConsensusCrypto): boolean {
  if (qc.view === 0) return isGenesisQc(qc);
  if (qc.votes.length < quorumSize(f) || !distinctVoters(qc.votes.map((v) => v.voter), n)) return false;
  const bytes = voteBytes(qc.view, qc.height, qc.blockHash);
  return qc.votes.every((v) => crypto.verify(v.voter, bytes, v.signature));
}

/** True iff `tc` carries >= 2f+1 distinct voters, each signing (tc.view, its highQcView). */
export function verifyTc(tc: TimeoutCert, n: number, f: number, crypto: ConsensusCrypto): boolean {
  if (tc.view < 1 || tc.timeouts.length < quorumSize(f) || !distinctVoters(tc.timeouts.map((t) => t.voter), n)) return false;
  return tc.timeouts.every((t) => t.highQcView < tc.view && crypto.verify(t.voter, timeoutBytes(tc.view, t.highQcView), t.signature));
}

/** The highest QC view any signer of the TC reported: a block justified by this TC must extend at least that. */
export function maxHighQcView(tc: TimeoutCert): View {
  let m = 0;
  for (const t of tc.timeouts) if (t.highQcView > m) m = t.highQcView;
  return m;
}

export type VoteOutcome =
  | { kind: 'added' }
  | { kind: 'duplicate' }
  | { kind: 'equivocation'; first: Uint8Array }
  | { kind: 'quorum'; qc: QuorumCert };

interface ViewVotes {
  byVoter: Map<ReplicaId, Uint8Array>;
  byBlock: Map<string, VoteSignature[]>;
  formed: boolean;
}

/** Collects verified votes per view; yields a QC exactly once per view, at the 2f+1-th vote for one block. */
export class VoteCollector {
  private readonly views = new Map<View, ViewVotes>();
  constructor(private readonly f: number) {}

  /** `vote` must already be signature-checked. */
  add(vote: Vote): VoteOutcome {
    let vv = this.views.get(vote.view);
    if (vv === undefined) {
      vv = { byVoter: new Map(), byBlock: new Map(), formed: false };
      this.views.set(vote.view, vv);
    }
    const prior = vv.byVoter.get(vote.voter);
    if (prior !== undefined) return bytesEqual(prior, vote.blockHash) ? { kind: 'duplicate' } : { kind: 'equivocation', first: prior };
    vv.byVoter.set(vote.voter, vote.blockHash);
    const key = hashKey(vote.blockHash);
    const list = vv.byBlock.get(key) ?? [];
    list.push({ voter: vote.voter, signature: vote.signature });
    vv.byBlock.set(key, list);
    if (!vv.formed && list.length >= quorumSize(this.f)) {
      vv.formed = true;
      return { kind: 'quorum', qc: { view: vote.view, height: vote.height, blockHash: vote.blockHash, votes: [...list] } };
    }
    return { kind: 'added' };
  }

  /** Forget views below `view` (bounds memory). */
  pruneBelow(view: View): void {
    for (const v of this.views.keys()) if (v < view) this.views.delete(v);
  }
}

export type TimeoutOutcome =
  | { kind: 'added'; count: number }
  | { kind: 'duplicate' }
  | { kind: 'certificate'; tc: TimeoutCert; highQc: QuorumCert };

interface ViewTimeouts {
  entries: Map<ReplicaId, TimeoutSignature>;
  highQc: QuorumCert | null;
  formed: boolean;
}

/** Collects verified timeouts per view; yields a TC (and the highest QC seen) once per view. */
export class TimeoutCollector {
  private readonly views = new Map<View, ViewTimeouts>();
  constructor(private readonly f: number) {}

  /** `t` and its `highQc` must already be verified. */
  add(t: TimeoutMsg): TimeoutOutcome {
    let vt = this.views.get(t.view);
    if (vt === undefined) {
      vt = { entries: new Map(), highQc: null, formed: false };
      this.views.set(t.view, vt);
    }
    if (vt.entries.has(t.voter)) return { kind: 'duplicate' };
    vt.entries.set(t.voter, { voter: t.voter, highQcView: t.highQc.view, signature: t.signature });
    if (vt.highQc === null || t.highQc.view > vt.highQc.view) vt.highQc = t.highQc;
    if (!vt.formed && vt.entries.size >= quorumSize(this.f)) {
      vt.formed = true;
      // Sorted by voter so every replica that forms this TC from the same timeouts builds the same bytes.
      const timeouts = [...vt.entries.values()].sort((a, b) => a.voter - b.voter);
      return { kind: 'certificate', tc: { view: t.view, timeouts }, highQc: vt.highQc };
    }
    return { kind: 'added', count: vt.entries.size };
  }

  pruneBelow(view: View): void {
    for (const v of this.views.keys()) if (v < view) this.views.delete(v);
  }
}
