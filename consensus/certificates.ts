// What a replica does with a verified certificate: a QC may raise its highest QC, commit blocks
// (commit rule) and move it to the next view; a TC moves it to the next view. Certificates from
// peers are verified here once and cached, so a QC that arrives again (in a proposal, a timeout,
// a sync response) costs a map lookup.
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { commitRule } from './safety-rules.js';
import { verifyQc, verifyTc } from './quorum.js';
import { cachePut, certKey, VERIFIED_CACHE } from './state.js';
import { requestSync } from './sync.js';
import { tryPropose } from './proposer.js';
import { retryAwaiting } from './voter.js';
import type { Out, ReplicaState } from './state.js';
import type { Block, QuorumCert, ReplicaId, TimeoutCert } from './types.js';

/** The cached, verified copy of `qc`, or null if its signatures do not form a quorum. */
export function verifiedQc(s: ReplicaState, qc: QuorumCert): QuorumCert | null {
  const key = certKey(qc);
  const known = s.verifiedQcs.get(key);
  if (known !== undefined) return known;
  if (!verifyQc(qc, s.cfg.n, s.cfg.f, s.crypto)) return null;
  cachePut(s.verifiedQcs, key, qc, VERIFIED_CACHE);
  return qc;
}

export function tcValid(s: ReplicaState, tc: TimeoutCert): boolean {
  // Hex, not hashKey: signatures vary in length, and raw chars could contain the separators.
  const key = `${tc.view}:${tc.timeouts.map((t) => `${t.voter}/${t.highQcView}/${toHex(t.signature)}`).join(',')}`;
  if (s.verifiedTcs.has(key)) return true;
  if (!verifyTc(tc, s.cfg.n, s.cfg.f, s.crypto)) return false;
  if (s.verifiedTcs.size >= VERIFIED_CACHE) s.verifiedTcs.clear();
  s.verifiedTcs.add(key);
  return true;
}

/** A verified QC: raise highQc, apply the commit rule, advance the view. `from` is asked for missing blocks. */
export function processQc(s: ReplicaState, qc: QuorumCert, from: ReplicaId, out: Out): void {
  if (qc.view > s.safety.highQc.view) s.safety = { ...s.safety, highQc: qc };
  tryCommit(s, qc, from, out);
  if (s.pm.advance(qc.view + 1, 'qc', null)) enterView(s, out);
}

export function processTc(s: ReplicaState, tc: TimeoutCert, out: Out): void {
  if (s.pm.advance(tc.view + 1, 'tc', tc)) enterView(s, out);
}

/** Apply the commit rule to the block `qc` certifies; commit its chain, or fetch what is missing. */
export function tryCommit(s: ReplicaState, qc: QuorumCert, from: ReplicaId, out: Out): void {
  if (qc.height <= s.tree.committedTip.height) return;
  const certified = s.tree.get(qc.blockHash);
  if (certified === undefined) {
    s.pendingCommit = qc;
    requestSync(s, qc.blockHash, from, out);
    return;
  }
  const parent = s.tree.get(certified.parent);
  const target = commitRule(certified, parent, s.cfg.unsafe);
  if (target === null || target.height <= s.tree.committedTip.height) return;
  const path = s.tree.pathFromTip(certified);
  if (path.kind === 'missing') {
    s.pendingCommit = qc;
    requestSync(s, path.hash, from, out);
    return;
  }
  if (path.kind === 'conflict') {
    out.push({ type: 'report', kind: 'conflictingCommit', detail: `QC view ${qc.view} height ${qc.height} conflicts with committed height ${s.tree.committedTip.height}` });
    return;
  }
  if (s.pendingCommit !== null && s.pendingCommit.view <= qc.view) s.pendingCommit = null;
  commitPath(s, path.blocks, target, qc, out);
}

/** Commit `blocks` (oldest first) up to and including `target`; each block's certificate is its child's justify. */
function commitPath(s: ReplicaState, blocks: Block[], target: Block, qc: QuorumCert, out: Out): void {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const certifying = i + 1 < blocks.length ? blocks[i + 1].justify : qc;
    const abandoned = s.tree.commitChild(b);
    s.mempool.markCommitted(b.commands);
    // Commands of forks that can no longer commit go back to the pool, so any later leader (not only
    // the replica a client happened to submit to) proposes them again.
    for (const fork of abandoned) for (const c of fork.commands) s.mempool.add(c);
    if (b.commands.length > 0 && qc.view > s.lastCommittingQcView) s.lastCommittingQcView = qc.view;
    out.push({ type: 'commit', block: b, qc: certifying });
    if (bytesEqual(b.hash, target.hash)) return;
  }
}

/** Entered a new view: arm its timer, forget old collector state, propose if leader, retry a waiting vote. */
export function enterView(s: ReplicaState, out: Out): void {
  const view = s.pm.view;
  s.ownTimeout = null;
  out.push({ type: 'setTimer', view, durationMs: s.pm.timeoutMs() });
  s.votes.pruneBelow(view - 1);
  s.timeouts.pruneBelow(view - 1);
  // Deleting while iterating a Map is safe (no copy of the keys per view change).
  for (const v of s.proposalsSeen.keys()) if (v < view - 1) s.proposalsSeen.delete(v);
  tryPropose(s, out);
  retryAwaiting(s, out);
}
